"""Readability with hand-worked values on short texts written for these tests."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from spin.errors import MissingResource
from spin.readability import (
    COUNT_COLUMNS, FORMULA_FAMILIES, METRIC_COLUMNS, READABILITY_COLUMNS, ReadabilityFeatures, score_articles,
)

# Syllables: CMUdict for English (the·fam-i-ly·went·to·mar-ket·yes-ter-day / the·cat·ate·an·ap-ple),
# pyphen for German and French. Every word below is on the Dale–Chall easy-word list.
EN_EASY = "The family went to market yesterday. The cat ate an apple."
# 11 words, 2 sentences, 1+3+1+1+2+3 + 1+1+1+1+2 = 17 syllables, 2 words of 3+ syllables.
EN_EASY_EXPECTED = {
    "words": 11, "sentences": 2, "syllables": 17,
    # 206.835 - 1.015 * 11/2 - 84.6 * 17/11 = 206.835 - 5.5825 - 130.745454... = 70.507045...
    "flesch_reading_ease": 70.5070455,
    # 0.39 * 5.5 + 11.8 * 17/11 - 15.59 = 2.145 + 18.236364 - 15.59
    "flesch_kincaid_grade": 4.7913636,
    # 1.043 * sqrt(2 * 30 / 2) + 3.1291 = 1.043 * 5.4772256 + 3.1291
    "smog_index": 8.8418463,
    # 0.4 * (5.5 + 0 % complex words)
    "gunning_fog": 2.2,
    # 0.1579 * 0 % hard words + 0.0496 * 5.5 (no +3.6365: hard words are not over 5 %)
    "dale_chall": 0.2728,
}
# quan-tum (2) en-tan-gle-ment (4) baf-fles (2) phy-si-cists (3): 4 words, 1 sentence, 11 syllables,
# none on the easy-word list (100 % hard), two of 3+ syllables (50 % complex).
EN_HARD = "Quantum entanglement baffles physicists."
EN_HARD_EXPECTED = {
    "words": 4, "sentences": 1, "syllables": 11,
    "flesch_reading_ease": -29.875,  # 206.835 - 1.015 * 4 - 84.6 * 11/4 = 206.835 - 4.06 - 232.65
    "flesch_kincaid_grade": 18.42,  # 0.39 * 4 + 11.8 * 2.75 - 15.59 = 1.56 + 32.45 - 15.59
    "smog_index": 11.2081434,  # 1.043 * sqrt(2 * 30 / 1) + 3.1291 = 1.043 * 7.7459667 + 3.1291
    "gunning_fog": 21.6,  # 0.4 * (4 + 50)
    "dale_chall": 19.6249,  # 0.1579 * 100 + 0.0496 * 4 + 3.6365
}
# Der Hund lief nach Hau-se (1+1+1+1+2) / Die Kat-ze schlief (1+2+1): 8 words, 2 sentences,
# 10 syllables; no word of 3+ syllables; "schlief" is the one word of more than six letters;
# 6 one-syllable words.
DE_TEXT = "Der Hund lief nach Hause. Die Katze schlief."
DE_EXPECTED = {
    "words": 8, "sentences": 2, "syllables": 10,
    "flesch_amstad": 102.875,  # 180 - 8/2 - 58.5 * 10/8 = 180 - 4 - 73.125
    # 0.1935 * 0 + 0.1672 * 4 + 0.1297 * 12.5 - 0.0327 * 75 - 0.875 = 0.6688 + 1.62125 - 2.4525 - 0.875
    "wiener_sachtextformel": -1.03745,
}
# Le chat dort (1+1+1) / [l'] en-fant mange une pomme (2+1+1+1) / Nous res-tons (1+2):
# the elided l' belongs to "enfant", so 9 words, 3 sentences, 11 syllables; "restons" is the
# one word of more than six letters.
FR_TEXT = "Le chat dort. L'enfant mange une pomme. Nous restons."
FR_EXPECTED = {
    "words": 9, "sentences": 3, "syllables": 11,
    "kandel_moles": 113.9994444,  # 207 - 1.015 * 3 - 73.6 * 11/9 = 207 - 3.045 - 89.955556
    "lix": 14.1111111,  # 9/3 + 100 * 1/9
}


def _score(text: str, language: str) -> pd.Series:
    table = score_articles(pd.DataFrame({"article_id": ["x"], "text": [text], "language": [language]}))
    return table.iloc[0]


@pytest.mark.parametrize(
    "text, language, expected",
    [(EN_EASY, "en", EN_EASY_EXPECTED), (EN_HARD, "en", EN_HARD_EXPECTED), (DE_TEXT, "de", DE_EXPECTED), (FR_TEXT, "fr", FR_EXPECTED)],
    ids=["en-easy", "en-hard", "de", "fr"],
)
def test_hand_worked_values(text, language, expected):
    row = _score(text, language)
    for column, value in expected.items():
        assert row[column] == pytest.approx(value, abs=1e-6), column


@pytest.mark.parametrize("text, language", [(EN_EASY, "en"), (DE_TEXT, "de"), (FR_TEXT, "fr")])
def test_only_the_language_formulas_are_filled(text, language):
    row = _score(text, language)
    family, valid = FORMULA_FAMILIES[language]
    assert row["formula_family"] == family
    for metric in METRIC_COLUMNS:
        assert math.isnan(row[metric]) == (metric not in valid), metric


def test_german_text_never_gets_an_english_grade():
    row = _score(DE_TEXT, "de")
    assert math.isnan(row["flesch_kincaid_grade"]) and math.isnan(row["smog_index"]) and math.isnan(row["flesch_reading_ease"])


def test_unsupported_language_gets_counts_and_nan_metrics():
    row = _score("El gato duerme. El niño come una manzana.", "unsupported:es")
    assert row["formula_family"] == "none"
    assert (row["words"], row["sentences"]) == (8, 2)
    assert pd.isna(row["syllables"])
    assert all(math.isnan(row[metric]) for metric in METRIC_COLUMNS)


@pytest.mark.parametrize("text", ["", "   \n ", "🎉🎉 🚀"])
def test_empty_or_wordless_text_has_zero_words_and_nan_metrics(text):
    row = _score(text, "en")
    assert row["words"] == 0
    assert all(math.isnan(row[metric]) for metric in METRIC_COLUMNS)


def test_table_columns_and_empty_table():
    table = score_articles(pd.DataFrame({"article_id": ["en", "de"], "text": [EN_EASY, DE_TEXT], "language": ["en", "de"]}))
    assert list(table.columns) == list(READABILITY_COLUMNS)
    assert table["article_id"].tolist() == ["en", "de"]
    empty = score_articles(pd.DataFrame(columns=["article_id", "text", "language"]))
    assert empty.empty and list(empty.columns) == list(READABILITY_COLUMNS)


def test_sentence_counts_come_from_a_given_sentences_table():
    articles = pd.DataFrame({"article_id": ["x"], "text": [EN_EASY], "language": ["en"]})
    sentences = pd.DataFrame({"article_id": ["x"] * 11})  # as if every word were its own sentence
    row = score_articles(articles, sentences).iloc[0]
    assert row["sentences"] == 11
    assert row["flesch_kincaid_grade"] == pytest.approx(0.39 * 1 + 11.8 * 17 / 11 - 15.59)


def test_missing_language_is_detected():
    text = "Der Stadtrat hat am Dienstag eine neue Straßenbahnlinie genehmigt, sagte der Bürgermeister."
    row = score_articles(pd.DataFrame({"article_id": ["x"], "text": [text]})).iloc[0]
    assert row["language"] == "de" and row["formula_family"] == "german_amstad_wiener"


def test_missing_cmudict_raises_instead_of_downloading(monkeypatch):
    import nltk

    def not_found(resource, *args, **kwargs):
        raise LookupError(resource)

    monkeypatch.setattr(nltk.data, "find", not_found)
    with pytest.raises(MissingResource, match="cmudict"):
        _score(EN_EASY, "en")
    assert _score(DE_TEXT, "de")["flesch_amstad"] == pytest.approx(102.875)


def test_input_is_not_modified():
    articles = pd.DataFrame({"article_id": ["x"], "text": [FR_TEXT], "language": ["fr"]})
    before = articles.copy()
    score_articles(articles)
    pd.testing.assert_frame_equal(articles, before)


def test_transformer_clones_and_transforms_texts():
    features = ReadabilityFeatures(language="fr", columns=["words", "lix", "flesch_reading_ease"])
    cloned = clone(features)
    assert cloned.get_params() == {"language": "fr", "columns": ["words", "lix", "flesch_reading_ease"]}
    matrix = cloned.fit_transform([FR_TEXT, ""])
    assert matrix.shape == (2, 3)
    assert matrix[0, 0] == 9 and matrix[0, 1] == pytest.approx(FR_EXPECTED["lix"]) and np.isnan(matrix[0, 2])
    assert matrix[1, 0] == 0 and np.isnan(matrix[1, 1])
    assert cloned.get_feature_names_out().tolist() == ["words", "lix", "flesch_reading_ease"]


def test_transformer_reads_a_dataframe_with_languages():
    frame = pd.DataFrame({"text": [EN_HARD, DE_TEXT], "language": ["en", "de"]})
    matrix = ReadabilityFeatures().fit(frame).transform(frame)
    assert matrix.shape == (2, len(COUNT_COLUMNS) + len(METRIC_COLUMNS))
    assert matrix[0, 3] == pytest.approx(EN_HARD_EXPECTED["flesch_reading_ease"])
    assert matrix[1, METRIC_COLUMNS.index("flesch_amstad") + 3] == pytest.approx(DE_EXPECTED["flesch_amstad"])


@pytest.mark.parametrize("params", [{"columns": ["grade"]}, {"columns": []}, {"language": "klingon"}])
def test_transformer_rejects_bad_parameters_at_fit(params):
    features = ReadabilityFeatures(**params)
    with pytest.raises(ValueError):
        features.fit([EN_EASY])


def test_transformer_must_be_fitted_and_given_an_iterable():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        ReadabilityFeatures().transform([EN_EASY])
    with pytest.raises(ValueError):
        ReadabilityFeatures(language="en").fit([EN_EASY]).transform(EN_EASY)
