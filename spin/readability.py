"""Per-article readability, with only the formulas valid for the article's language.

===========  ==========================  ====================================================
language     formula_family              metrics (every other metric column is NaN)
===========  ==========================  ====================================================
``en``       ``english_grade_level``     Flesch reading ease, Flesch–Kincaid grade, SMOG,
                                         Gunning fog, Dale–Chall
``de``       ``german_amstad_wiener``    Flesch–Amstad reading ease, Wiener Sachtextformel (1)
``fr``       ``french_kandel_moles_lix`` Kandel–Moles reading ease, LIX
other        ``none``                    none (words and sentences are still counted)
===========  ==========================  ====================================================

Counts: ``words`` are the tokens of :func:`spin.language.tokenize` (a French elided article
such as ``l'`` belongs to the next word); ``sentences`` are spin's sentences, the same rows as
the sentences table (headlines, headings and list items count), not textstat's naive count;
``syllables`` come from textstat's counter for the language (CMUdict, then pyphen ``en_US``
for English; pyphen ``de`` / ``fr``), one textstat instance per language because textstat's
``set_lang`` is instance state. "Difficult" words for Gunning fog and Dale–Chall follow textstat:
not on the Dale–Chall easy-word list (and, for fog, three syllables or more); numbers never
count as difficult. English needs NLTK's cmudict corpus, built at set-up; without it
:class:`spin.errors.MissingResource` is raised (textstat is never allowed to download it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from spin.language import SUPPORTED, detect_language, normalise_language, split_sentences, words

FORMULA_FAMILIES = {
    "en": ("english_grade_level", ("flesch_reading_ease", "flesch_kincaid_grade", "smog_index", "gunning_fog", "dale_chall")),
    "de": ("german_amstad_wiener", ("flesch_amstad", "wiener_sachtextformel")),
    "fr": ("french_kandel_moles_lix", ("kandel_moles", "lix")),
}
NO_FORMULA = "none"
METRIC_COLUMNS = tuple(metric for _, metrics in FORMULA_FAMILIES.values() for metric in metrics)
COUNT_COLUMNS = ("words", "sentences", "syllables")
READABILITY_COLUMNS = ("article_id", "language", "formula_family", *COUNT_COLUMNS, *METRIC_COLUMNS)
_LONG_WORD_LETTERS = 6  # LIX and Wiener Sachtextformel: a long word has more than six letters


@dataclass(frozen=True)
class TextCounts:
    """The counts the formulas are computed from."""

    words: int
    sentences: int
    syllables: int
    polysyllables: int  # words of three syllables or more
    monosyllables: int
    long_words: int  # words of more than six letters
    hard_words: int  # not on the easy-word list (English only)
    complex_words: int  # not on the easy-word list and three syllables or more (English only)


@lru_cache(maxsize=None)
def _textstat(language: str):
    """One textstat instance per language (set_lang is instance state)."""
    from textstat.textstat import textstatistics

    instance = textstatistics()
    instance.set_lang(language)
    return instance


@lru_cache(maxsize=300_000)
def _word_syllables(word: str, language: str) -> int:
    return sum(_textstat(language).syllable_count(part) for part in word.split("-") if part)


@lru_cache(maxsize=300_000)
def _word_profile(token: str, language: str) -> tuple[int, int, bool]:
    """(syllables, letters, hard) of a token; hard = an English word off the easy-word list."""
    word = token.replace("’", "'").lower()
    letters = sum(ch.isalpha() for ch in word)
    hard = language == "en" and letters > 0 and word not in _easy_words()
    return _word_syllables(word, language), letters, hard


@lru_cache(maxsize=1)
def _easy_words() -> frozenset[str]:
    """textstat's Dale–Chall list of familiar English words."""
    from importlib import resources

    text = resources.files("textstat").joinpath("resources", "en", "easy_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def count_text(text: str, language: str, sentences: int) -> TextCounts:
    """Word, syllable and word-class counts of ``text`` in a supported language."""
    if language == "en":
        from spin.offline import require_cmudict

        require_cmudict()
    word_count = syllables = poly = mono = long_words = hard = complex_words = 0
    for token in words(text):
        if token[-1] in "'’":
            continue  # an elided article or pronoun belongs to the next word
        count, letters, is_hard = _word_profile(token, language)
        word_count += 1
        syllables += count
        poly += count >= 3
        mono += count == 1
        long_words += letters > _LONG_WORD_LETTERS
        hard += is_hard
        complex_words += is_hard and count >= 3
    return TextCounts(word_count, sentences, syllables, poly, mono, long_words, hard, complex_words)


def metrics_for(counts: TextCounts, language: str) -> dict[str, float]:
    """Every metric column: the formulas of ``language`` from ``counts``, NaN for the rest."""
    values = {metric: math.nan for metric in METRIC_COLUMNS}
    if language not in FORMULA_FAMILIES or counts.words == 0 or counts.sentences == 0:
        return values
    words_per_sentence = counts.words / counts.sentences
    syllables_per_word = counts.syllables / counts.words

    def percent(count: int) -> float:
        return 100.0 * count / counts.words

    if language == "en":
        hard_share = percent(counts.hard_words)
        values.update(
            flesch_reading_ease=206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word,
            flesch_kincaid_grade=0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59,
            smog_index=1.043 * math.sqrt(counts.polysyllables * 30 / counts.sentences) + 3.1291,
            gunning_fog=0.4 * (words_per_sentence + percent(counts.complex_words)),
            dale_chall=0.1579 * hard_share + 0.0496 * words_per_sentence + (3.6365 if hard_share > 5 else 0.0),
        )
    elif language == "de":
        values.update(
            flesch_amstad=180.0 - words_per_sentence - 58.5 * syllables_per_word,
            wiener_sachtextformel=0.1935 * percent(counts.polysyllables) + 0.1672 * words_per_sentence
            + 0.1297 * percent(counts.long_words) - 0.0327 * percent(counts.monosyllables) - 0.875,
        )
    else:
        values.update(
            kandel_moles=207.0 - 1.015 * words_per_sentence - 73.6 * syllables_per_word,
            lix=words_per_sentence + percent(counts.long_words),
        )
    return values


def score_articles(articles: pd.DataFrame, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per article: article_id, language, formula_family, words, sentences, syllables, metrics.

    ``sentences`` (the sentences table) gives the sentence counts when the caller has it;
    otherwise the text is split here. Articles in an unsupported or unknown language get a
    row with their word and sentence counts and NaN metrics.
    """
    sentence_counts = sentences.groupby("article_id").size().to_dict() if sentences is not None else None
    rows = []
    for record in articles.to_dict("records"):
        text = record.get("text") if isinstance(record.get("text"), str) else ""
        language = normalise_language(record.get("language")) or detect_language(text)
        if sentence_counts is not None:
            sentence_count = int(sentence_counts.get(record.get("article_id"), 0))
        else:
            title = record.get("title") if isinstance(record.get("title"), str) else None
            sentence_count = len(split_sentences(text, language, title))
        rows.append(_score_row(record.get("article_id"), text, language, sentence_count))
    table = pd.DataFrame(rows, columns=list(READABILITY_COLUMNS))
    return table.astype({"language": "str", "formula_family": "str", **{c: "Int64" for c in COUNT_COLUMNS},
                         **{m: "float64" for m in METRIC_COLUMNS}})


def _score_row(article_id, text: str, language: str, sentence_count: int) -> dict:
    if language in FORMULA_FAMILIES:
        counts = count_text(text, language, sentence_count)
        return {
            "article_id": article_id, "language": language, "formula_family": FORMULA_FAMILIES[language][0],
            "words": counts.words, "sentences": counts.sentences, "syllables": counts.syllables,
            **metrics_for(counts, language),
        }
    return {
        "article_id": article_id, "language": language, "formula_family": NO_FORMULA,
        "words": sum(1 for token in words(text) if token[-1] not in "'’"), "sentences": sentence_count, "syllables": pd.NA,
        **{metric: math.nan for metric in METRIC_COLUMNS},
    }


class ReadabilityFeatures(TransformerMixin, BaseEstimator):
    """scikit-learn transformer: texts (or an articles DataFrame) to readability columns.

    Parameters
    ----------
    language : str or None, default=None
        Language of plain-text input; None detects it per text. A DataFrame's ``language``
        column wins when present.
    columns : sequence of str or None, default=None
        Output columns among :data:`COUNT_COLUMNS` and :data:`METRIC_COLUMNS`; None means all.
        A metric not valid for a text's language is NaN.

    See Also
    --------
    score_articles : the function this transformer wraps.
    """

    def __init__(self, language: str | None = None, columns: Sequence[str] | None = None):
        self.language = language
        self.columns = columns

    def fit(self, X, y=None):
        """Check the parameters; no state is learned from ``X``."""
        columns = tuple(self.columns) if self.columns is not None else COUNT_COLUMNS + METRIC_COLUMNS
        unknown = [column for column in columns if column not in COUNT_COLUMNS + METRIC_COLUMNS]
        if unknown or not columns:
            raise ValueError(f"unknown readability columns: {unknown or 'none given'}")
        if self.language is not None and self.language not in SUPPORTED:
            raise ValueError(f"language must be one of {SUPPORTED} or None, not {self.language!r}")
        self.feature_names_out_ = np.array(columns, dtype=object)
        return self

    def transform(self, X) -> np.ndarray:
        """A float array, one row per text, one column per ``feature_names_out_``."""
        check_is_fitted(self, "feature_names_out_")
        table = score_articles(self._articles(X))
        return table[list(self.feature_names_out_)].astype("float64").to_numpy()

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns."""
        check_is_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def _articles(self, X) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            texts = X["text"].tolist()
            languages = X["language"].tolist() if "language" in X.columns else [self.language or ""] * len(X)
        else:
            if isinstance(X, str):
                raise ValueError("ReadabilityFeatures expects an iterable of texts, not one string")
            texts = list(X)
            languages = [self.language or ""] * len(texts)
        return pd.DataFrame({
            "article_id": [str(index) for index in range(len(texts))],
            "text": [text if isinstance(text, str) else "" for text in texts],
            "language": languages,
        })

