"""Editorialising scores: cues, reported speech, negation, tables, lexicons and the trainable model.

Expected scores are worked by hand from the lexicon weights and the shipped settings:
score = 1 - exp(-sum of cue weights), a cue in reported speech counting 0.15 of its weight.
"""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from spin.editorial import (
    CUE_KINDS,
    EDITORIAL_COLUMNS,
    SENTENCE_COLUMNS,
    SUMMARY_COLUMNS,
    EditorialClassifier,
    EditorialFeatures,
    editorial_summary,
    editorial_table,
    lexicon_entries,
    load_classifier,
    score_sentences,
    train_from_tsv,
)
from spin.errors import InputError
from spin.resources import read_data_file
from spin.settings import default_settings

SETTINGS = default_settings()["editorial"]
ATTRIBUTED = SETTINGS["attributed_weight"]
JUDGEMENT = SETTINGS["judgement_weight"]  # "is a shameful": copula + evaluative word in the writer's voice
QUESTION = SETTINGS["question_weight"]
EXCLAMATION = SETTINGS["exclamation_weight"]
SCARE = SETTINGS["scare_quote_weight"]


def expected(*weights: float, attributed: tuple[float, ...] = ()) -> float:
    total = sum(weights) + ATTRIBUTED * sum(attributed)
    return 1 - math.exp(-total)


def score_one(sentence: str, language: str) -> pd.Series:
    return score_sentences([sentence], language).iloc[0]


def kinds(row: pd.Series) -> set[str]:
    return {cue["kind"] for cue in row.cues}


# --------------------------------------------------------------------------- hand-worked scores

CASES = [
    # (language, sentence, expected score, attributed, kinds that must be present)
    ("en", "This is a shameful betrayal.", expected(0.9, JUDGEMENT), False, {"loaded", "unattributed_judgement"}),
    ("en", '"This is a shameful betrayal," the minister said.', expected(attributed=(0.9,)), True, {"loaded"}),
    ("en", "The council approved the budget on Tuesday.", 0.0, False, set()),
    ("en", "Why would anyone trust them?", expected(QUESTION), False, {"rhetorical"}),
    ("en", "You should be ashamed!", expected(0.5, 1.0, EXCLAMATION), False, {"reader_address", "prescriptive", "rhetorical"}),
    ("en", "In my view, the bombshell ruling is a travesty.", expected(1.0, 0.9, 0.9, JUDGEMENT), False,
     {"opinion", "sensational", "loaded", "unattributed_judgement"}),
    ("en", 'The "experts" got it wrong again.', expected(SCARE, 0.4), False, {"scare_quote", "loaded"}),
    ("de", "Das ist eine Schande.", expected(0.8, JUDGEMENT), False, {"loaded", "unattributed_judgement"}),
    ("de", "„Das ist eine Schande“, sagte die Ministerin.", expected(attributed=(0.8,)), True, {"loaded"}),
    ("de", "Die Lage sei katastrophal, sagte sie.", expected(attributed=(0.7,)), True, {"loaded"}),
    ("de", "Der Stadtrat hat am Dienstag den Haushalt beschlossen.", 0.0, False, set()),
    ("de", "Wir müssen endlich handeln!", expected(0.9, 0.4, EXCLAMATION), False, {"prescriptive", "loaded", "rhetorical"}),
    ("de", "Die sogenannten Experten irren sich.", expected(0.5), False, {"scare_quote"}),
    ("fr", "C'est une honte.", expected(0.6, JUDGEMENT), False, {"loaded", "unattributed_judgement"}),
    ("fr", "« C'est une honte », a-t-il déclaré.", expected(attributed=(0.6,)), True, {"loaded"}),
    ("fr", "Le conseil municipal a adopté le budget mardi.", 0.0, False, set()),
    ("fr", "Il faut agir maintenant !", expected(0.6, EXCLAMATION), False, {"prescriptive", "rhetorical"}),
    ("fr", "À mon avis, ce projet est une mascarade.", expected(1.0, 0.9, JUDGEMENT), False,
     {"opinion", "loaded", "unattributed_judgement"}),
]


@pytest.mark.parametrize("language, sentence, score, attributed, must", CASES)
def test_hand_worked_scores(language, sentence, score, attributed, must):
    row = score_one(sentence, language)
    assert row.score == pytest.approx(score, abs=1e-4)
    assert bool(row.attributed) is attributed
    assert must <= kinds(row)


@pytest.mark.parametrize("language, sentence", [(c[0], c[1]) for c in CASES])
def test_cue_offsets_point_at_their_text(language, sentence):
    for cue in score_one(sentence, language).cues:
        assert sentence[cue["start"]:cue["end"]] == cue["text"]
        assert cue["kind"] in CUE_KINDS
        assert 0 <= cue["weight"] <= 1.5


# --------------------------------------------------------------------------- reported speech

SPEECH = [
    # the same judgement in the writer's voice and in someone's mouth
    ("en", "The reform is a scandalous waste of money.", '"The reform is a scandalous waste of money," the senator said.'),
    ("en", "The reform is a scandalous waste of money.", "The senator said the reform is a scandalous waste of money."),
    ("de", "Die Reform ist eine skandalöse Verschwendung.", "„Die Reform ist eine skandalöse Verschwendung“, sagte die Senatorin."),
    ("de", "Die Reform ist eine skandalöse Verschwendung.", "Die Reform sei eine skandalöse Verschwendung."),
    ("fr", "La réforme est un gâchis scandaleux.", "« La réforme est un gâchis scandaleux », a déclaré la sénatrice."),
    ("fr", "La réforme est un gâchis scandaleux.", "Selon la sénatrice, la réforme est un gâchis scandaleux."),
]


@pytest.mark.parametrize("language, own, reported", SPEECH)
def test_reported_speech_weighs_far_less(language, own, reported):
    mine, theirs = score_sentences([own, reported], language).itertuples()
    assert not mine.attributed and theirs.attributed
    assert mine.score >= 0.6
    assert theirs.score <= 0.35 * mine.score
    loaded = [c for c in theirs.cues if c["kind"] == "loaded"]
    assert loaded and all(c["attributed"] for c in loaded)


def test_speaker_description_stays_in_the_writers_voice():
    row = score_one('The notorious lobbyist said: "We will win."', "en")
    notorious = [c for c in row.cues if c["text"] == "notorious"]
    assert notorious and not notorious[0]["attributed"]


def test_short_quotation_without_speaker_is_a_scare_quote_but_a_named_term_is_not():
    scare = score_one('The "experts" got it wrong again.', "en")
    named = score_one('Officials now use the term "workforce adjustment".', "en")
    assert "scare_quote" in kinds(scare)
    assert "scare_quote" not in kinds(named)


def test_quotation_running_on_from_another_sentence_is_speech():
    row = score_one("It is a disgrace and a farce.”", "en")
    assert row.attributed
    assert all(c["attributed"] for c in row.cues)


# --------------------------------------------------------------------------- negation and intensifiers

NEGATION = [
    ("en", "It is very good.", "It is not very good.", "not very"),
    ("de", "Das ist besonders gut.", "Das ist nicht besonders gut.", "nicht besonders"),
    ("fr", "C'est très bon.", "Ce n'est pas très bon.", "pas très"),
]


@pytest.mark.parametrize("language, plain, negated, cue_text", NEGATION)
def test_negated_intensifier_softens(language, plain, negated, cue_text):
    strong, soft = score_sentences([plain, negated], language).itertuples()
    assert soft.score < strong.score
    softened = [c for c in soft.cues if c["kind"] == "intensifier"]
    assert softened and softened[0]["negated"] and softened[0]["text"].endswith(cue_text)


def test_negated_intensifier_weights_by_hand():
    # very 0.3 * 0.3, good 0.25 * 0.6, judgement  /  very 0.3, good 0.25 * 1.5, judgement
    assert score_one("It is not very good.", "en").score == pytest.approx(expected(0.09, 0.15, JUDGEMENT), abs=1e-4)
    assert score_one("It is very good.", "en").score == pytest.approx(expected(0.3, 0.375, JUDGEMENT), abs=1e-4)


@pytest.mark.parametrize("language, sentence, cue_text", [
    ("en", "The claim is not at all convincing.", "not at all"),
    ("de", "Das überzeugt überhaupt nicht.", "überhaupt nicht"),
    ("fr", "Ce n'est pas du tout convaincant.", "pas du tout"),
])
def test_emphatic_negation_is_an_intensifier(language, sentence, cue_text):
    cues = [c for c in score_one(sentence, language).cues if c["kind"] == "intensifier"]
    assert [c["text"] for c in cues] == [cue_text]
    assert not cues[0]["negated"]


@pytest.mark.parametrize("language, sentence, word", [
    ("en", "The result was not bad.", "bad"),
    ("de", "Das Ergebnis war nicht schlecht.", "schlecht"),
    ("fr", "Le résultat n'est pas mauvais.", "mauvais"),
])
def test_negated_loaded_word_is_weaker(language, sentence, word):
    cue = next(c for c in score_one(sentence, language).cues if c["kind"] == "loaded")
    assert cue["negated"] and cue["text"].endswith(word)
    full = next(w for e, w, k in lexicon_entries(language) if e.rstrip("*") == word and k == "loaded")
    assert cue["weight"] == pytest.approx(full * SETTINGS["negated_factor"], abs=1e-4)


@pytest.mark.parametrize("language, sentence", [
    ("en", "Officials described the deeply cynical manoeuvre in detail."),
    ("de", "Beamte beschrieben das zutiefst zynische Manöver."),
    ("fr", "Des responsables ont décrit la manœuvre profondément cynique."),
])
def test_intensifier_strengthens_the_next_loaded_word(language, sentence):
    cue = next(c for c in score_one(sentence, language).cues if c["kind"] == "loaded")
    assert cue["weight"] == pytest.approx(0.6 * SETTINGS["intensified_factor"], abs=1e-4)


@pytest.mark.parametrize("language, sentence, kind", [
    ("de", "Das Regierungschaos geht weiter.", "loaded"),
    ("de", "Die Panik-Propheten melden sich.", "sensational"),
    ("en", "The ultra-radical wing walked out.", "loaded"),
])
def test_compounds_and_hyphenated_words(language, sentence, kind):
    assert kind in kinds(score_one(sentence, language))


# --------------------------------------------------------------------------- garble, edge cases, languages

GARBLE = [
    ("en", "The parliament has the law on Tuesday in the second reading adopted, of it the minister informed."),
    ("en", "Company the said revenue quarter third in rose percent 4 to million 300 dollars."),
    ("de", "Die Regierung haben gestern den Gesetz über Steuer beschlossen in Berlin worden."),
    ("de", "Der Umsatz stieg im dritten Quartal um auf 300 Millionen Euro gestiegen ist."),
    ("fr", "Le gouvernement a hier le loi sur les impôts adopté à Paris été."),
    ("fr", "Le chiffre d'affaires a de 4 pour cent augmenté au troisième le trimestre."),
]


@pytest.mark.parametrize("language, sentence", GARBLE)
def test_garbled_but_neutral_translation_scores_low(language, sentence):
    assert score_one(sentence, language).score < 0.2


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "🔥🔥🔥", "…"])
def test_sentence_without_words_scores_nan(text):
    row = score_one(text, "en")
    assert math.isnan(row.score)
    assert not row.attributed and row.cues == []


def test_empty_list_gives_the_documented_columns():
    frame = score_sentences([], "fr")
    assert list(frame.columns) == list(SENTENCE_COLUMNS) and frame.empty


@pytest.mark.parametrize("language", ["es", "unsupported:it", "", "english"])
def test_unsupported_language_is_refused(language):
    with pytest.raises(InputError):
        score_sentences(["Una vergüenza."], language)


def test_lexicons_are_per_language_never_english_by_default():
    assert "loaded" in kinds(score_one("What a disgrace.", "en"))
    assert "loaded" not in kinds(score_one("What a disgrace.", "de"))
    mixed = score_one("Er nannte den Plan eine Schande, a real disgrace.", "de")
    assert [c["text"] for c in mixed.cues if c["kind"] == "loaded"] == ["Schande"]


def test_polite_sie_counts_only_inside_the_sentence():
    assert "reader_address" in kinds(score_one("Wenn Sie mich fragen, ist das falsch.", "de"))
    assert "reader_address" not in kinds(score_one("Sie sagte, der Plan sei fertig.", "de"))


# --------------------------------------------------------------------------- tables


def sentences_table(article_id: str, text: str, pieces: list[tuple[str, str]], language: str) -> pd.DataFrame:
    rows, position = [], 0
    for sent_id, (piece, kind) in enumerate(pieces):
        start = text.index(piece, position)
        rows.append((article_id, sent_id, start, start + len(piece), piece, kind, language))
        position = start + len(piece)
    return pd.DataFrame(rows, columns=["article_id", "sent_id", "start", "end", "text", "kind", "language"])


def test_editorial_table_uses_article_offsets_and_quotes_across_sentences():
    text = '"The plan is a disaster. It is absurd," the mayor said.\nThe vote is on Monday.'
    table = sentences_table("a1", text, [('"The plan is a disaster.', "body"), ('It is absurd," the mayor said.', "body"),
                                         ("The vote is on Monday.", "body")], "en")
    editorial = editorial_table(table)
    assert list(editorial.columns) == list(EDITORIAL_COLUMNS)
    assert editorial["attributed"].tolist() == [True, True, False]
    for cues in editorial["cues"]:
        for cue in cues:
            assert text[cue["start"]:cue["end"]] == cue["text"]
            assert cue["attributed"]
    assert editorial["score"].iloc[2] == 0.0


def test_editorial_table_skips_unsupported_languages_and_empty_input():
    table = pd.concat([
        sentences_table("a", "Una vergüenza total.", [("Una vergüenza total.", "body")], "unsupported:es"),
        sentences_table("b", "Quelle honte !", [("Quelle honte !", "body")], "fr"),
    ])
    editorial = editorial_table(table)
    assert editorial["article_id"].tolist() == ["b"]
    empty = editorial_table(table.iloc[0:0])
    assert list(empty.columns) == list(EDITORIAL_COLUMNS) and empty.empty


def test_editorial_summary_by_hand():
    text = "A shameful deal\nThe council met on Tuesday. It approved the budget."
    table = sentences_table("x", text, [("A shameful deal", "headline"), ("The council met on Tuesday.", "body"),
                                        ("It approved the budget.", "body")], "en")
    editorial = editorial_table(table)
    summary = editorial_summary(editorial, table)
    assert list(summary.columns) == list(SUMMARY_COLUMNS)
    row = summary.iloc[0]
    assert row.headline_score == pytest.approx(expected(0.9), abs=1e-4)
    assert row.score == 0.0 and row.share_editorial == 0.0
    # one loaded cue in 3 + 5 + 4 = 12 words
    assert row.rate_loaded == pytest.approx(100 / 12)
    assert row.rate_hedge == 0.0


def test_editorial_summary_of_nothing_has_the_columns():
    summary = editorial_summary(editorial_table(None), None)
    assert list(summary.columns) == list(SUMMARY_COLUMNS) and summary.empty


# --------------------------------------------------------------------------- lexicon files

LEXICON_NAMES = ("loaded", "intensifiers", "hedges", "sensational", "prescriptive", "reader", "opinion", "scare")
GRAMMAR_NAMES = ("copulas", "reported", "mention")


@pytest.mark.parametrize("language", ["en", "de", "fr"])
@pytest.mark.parametrize("name", LEXICON_NAMES + GRAMMAR_NAMES)
def test_lexicon_headers_and_weights(language, name):
    header, rows = read_data_file(language, f"editorial_{name}")
    for key in ("what", "source", "licence", "built"):
        assert header.get(key), f"{language}/editorial_{name}.txt lacks '# {key}:'"
    assert rows
    for row in rows:
        if len(row) > 1:
            assert 0.0 <= float(row[1]) <= 1.0, row


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_no_entry_listed_twice(language):
    entries = [entry if entry.startswith("=") else entry.lower() for entry, _, _ in lexicon_entries(language)]
    assert len(entries) == len(set(entries))


@pytest.mark.parametrize("name", LEXICON_NAMES)
def test_languages_have_comparable_coverage(name):
    counts = [len(read_data_file(language, f"editorial_{name}")[1]) for language in ("en", "de", "fr")]
    assert min(counts) >= 0.6 * max(counts), counts


@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_every_entry_fires_in_a_fresh_sentence(language):
    """Each entry, in a sentence of nonsense filler words, gives a cue of its kind (or, for a
    reported-speech marker, makes the sentence attributed; weight-0 exceptions give nothing)."""
    entries = lexicon_entries(language)
    sentences = ["Zzq " + entry.replace("'*", "'a").replace("*", "").replace("=", "") + " zzq." for entry, _, _ in entries]
    failures = []
    for (entry, weight, kind), row in zip(entries, score_sentences(sentences, language).itertuples()):
        if kind == "reported":
            ok = bool(row.attributed) is (weight > 0)
        elif weight == 0:
            ok = not row.cues
        else:
            ok = kind in {cue["kind"] for cue in row.cues}
        if not ok:
            failures.append(entry)
    assert not failures


# --------------------------------------------------------------------------- the trainable model

TRAIN = [
    ("What a shameful, absurd plan!", "SUBJ", "en"),
    ("This disastrous decision is a disgrace.", "SUBJ", "en"),
    ("We must stop this ridiculous farce now.", "SUBJ", "en"),
    ("The council met on Tuesday.", "OBJ", "en"),
    ("The company reported revenue of 3 billion dollars.", "OBJ", "en"),
    ("The bill passed with 52 votes.", "OBJ", "en"),
    ("Was für ein lächerlicher, peinlicher Plan!", "SUBJ", "de"),
    ("Diese Entscheidung ist eine Schande.", "SUBJ", "de"),
    ("Der Stadtrat tagte am Dienstag.", "OBJ", "de"),
    ("Das Unternehmen meldete einen Umsatz von 3 Milliarden Euro.", "OBJ", "de"),
    ("Quelle honte, ce projet absurde !", "SUBJ", "fr"),
    ("Le conseil s'est réuni mardi.", "OBJ", "fr"),
]


def training_frame() -> tuple[pd.DataFrame, list[str]]:
    frame = pd.DataFrame(TRAIN, columns=["sentence", "label", "language"])
    return frame[["sentence", "language"]], frame["label"].tolist()


@pytest.mark.parametrize("estimator", [EditorialFeatures(language="de"), EditorialClassifier(C=0.5, text_features=False)])
def test_estimators_clone(estimator):
    twin = clone(estimator)
    assert twin.get_params() == estimator.get_params()
    assert twin is not estimator


def test_features_name_every_column_and_count_cues():
    features = EditorialFeatures().fit(["x"])
    matrix = features.transform(["A shameful, absurd plan.", "The council met."])
    names = list(features.get_feature_names_out())
    assert matrix.shape == (2, len(names))
    assert matrix[0, names.index("loaded")] == pytest.approx(0.9 + 0.8)
    assert matrix[1, names.index("loaded")] == 0.0
    assert matrix[0, names.index("language_en")] == 1.0


def test_features_in_a_pipeline():
    X, y = training_frame()
    pipeline = Pipeline([("cues", EditorialFeatures()), ("model", LogisticRegression())]).fit(X, y)
    assert pipeline.predict_proba(X).shape == (len(y), 2)


@pytest.mark.parametrize("text_features", [False, True])
def test_classifier_learns_and_round_trips_through_skops(tmp_path, text_features):
    X, y = training_frame()
    model = EditorialClassifier(text_features=text_features).fit(X, y)
    assert list(model.classes_) == ["OBJ", "SUBJ"]
    probabilities = model.predict_proba(X)
    assert probabilities.shape == (len(y), 2)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert (model.predict(X) == np.asarray(y)).mean() >= 0.9
    loaded = load_classifier(model.save(tmp_path / "model.skops"))
    assert np.allclose(loaded.predict_proba(X), probabilities)


def test_classifier_inside_a_pipeline_with_numeric_labels():
    sentences = [s for s, _, language in TRAIN if language == "en"]
    labels = [1 if label == "SUBJ" else 0 for _, label, language in TRAIN if language == "en"]
    pipeline = Pipeline([("model", EditorialClassifier(text_features=False))]).fit(sentences, labels)
    assert pipeline.predict(["An utterly shameful farce!"]).tolist() == [1]


def test_classifier_scores_the_editorial_table():
    X, y = training_frame()
    model = EditorialClassifier(text_features=False).fit(X, y)
    text = "A shameful farce. The council met."
    table = sentences_table("a", text, [("A shameful farce.", "body"), ("The council met.", "body")], "en")
    scores = editorial_table(table, classifier=model)["score"].tolist()
    assert scores == pytest.approx(model.predict_proba(["A shameful farce.", "The council met."])[:, 1].tolist())


def test_loading_refuses_what_is_not_a_classifier(tmp_path):
    import skops.io as sio

    other = tmp_path / "features.skops"
    sio.dump(EditorialFeatures().fit(["x"]), other)
    with pytest.raises(InputError, match="unexpected types"):
        load_classifier(other)
    garbage = tmp_path / "garbage.skops"
    garbage.write_text("not a model", encoding="utf-8")
    with pytest.raises(InputError, match="not a spin editorial model"):
        load_classifier(garbage)
    with pytest.raises(InputError, match="no such model file"):
        load_classifier(tmp_path / "missing.skops")


def write_tsv(path, lines: list[str]):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_train_from_tsv(tmp_path):
    lines = ["sentence\tlabel\tlanguage"] + [f"{s}\t{label}\t{language}" for s, label, language in TRAIN]
    stats = train_from_tsv(write_tsv(tmp_path / "data.tsv", lines), tmp_path / "out" / "model.skops")
    assert stats["rows"] == 12 and stats["subjective"] == 6 and stats["objective"] == 6
    assert stats["languages"] == {"en": 6, "de": 4, "fr": 2}
    assert 0.0 <= stats["cv_macro_f1"] <= 1.0
    model = load_classifier(stats["model"])
    assert model.predict(pd.DataFrame({"sentence": ["Quelle farce absurde !"], "language": ["fr"]})).tolist() == [1]


@pytest.mark.parametrize("lines, message", [
    ([], "is empty"),
    (["text\tlabel", "A farce.\tSUBJ"], "needs the tab-separated columns sentence and label"),
    (["sentence\tlabel", "A farce.\tmaybe"], "line 2: label must be SUBJ or OBJ"),
    (["sentence\tlabel\tlanguage", "A farce.\tSUBJ\tes", "It rained.\tOBJ\ten"], "line 2: language 'es' is not supported"),
    (["sentence\tlabel", "\tSUBJ", "It rained.\tOBJ"], "line 2: empty sentence"),
    (["sentence\tlabel", "A farce.\tSUBJ", "An outrage.\t1"], "needs sentences of both labels"),
    (["sentence\tlabel", "just one field"], "line 2: expected 2 tab-separated fields"),
])
def test_train_from_tsv_explains_bad_input(tmp_path, lines, message):
    with pytest.raises(InputError, match=message):
        train_from_tsv(write_tsv(tmp_path / "bad.tsv", lines), tmp_path / "model.skops")
    assert not (tmp_path / "model.skops").exists()
