"""Sentence alignment: hand-made en/de/fr documents (none from the seeds) with known links.

Each case lists the reference sentences ``a``, the version's sentences ``b`` and the links a
reader would draw by hand: (reference ids, version ids), an empty side for a sentence with no
counterpart. Installed dictionaries are never needed: the dictionary tests write their own tiny
dictd and ding files.
"""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from spin.align import (
    ALIGNMENT_COLUMNS,
    TABLE_COLUMNS,
    BilingualDictionary,
    align_sentences,
    alignment_table,
    article_signature,
    candidate_pairs,
    load_dictionary,
    reference_by_shared_anchors,
)
from spin.resources import read_data_file


def links_of(frame: pd.DataFrame) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    return {(tuple(a), tuple(b)) for a, b in zip(frame["a_ids"], frame["b_ids"])}


def link_row(frame: pd.DataFrame, a_ids: list[int], b_ids: list[int]) -> pd.Series:
    rows = frame[[list(a) == a_ids and list(b) == b_ids for a, b in zip(frame["a_ids"], frame["b_ids"])]]
    assert len(rows) == 1, f"no link {a_ids} -> {b_ids} in {links_of(frame)}"
    return rows.iloc[0]


# ----------------------------------------------------------------------------- monolingual

BRIDGE_EN = [
    "The city council of Riverton voted on Tuesday to close the Miller Street bridge for repairs.",
    "Engineers found cracks in two steel beams during an inspection in March.",
    "The repairs will cost about 4.2 million dollars and take eight months.",
    "Commuters will have to use the ferry or the northern ring road.",
    "Mayor Helen Ortiz said safety had to come first.",
]
# Moved to the top (a4), synonyms spun (a0, a1), split (a2), dropped (a3), a sentence added.
BRIDGE_EN_REWRITE = [
    "Mayor Helen Ortiz stated that safety must come first.",
    "On Tuesday, Riverton's city council voted to shut the Miller Street bridge for repairs.",
    "During an inspection in March, engineers discovered cracks in two steel beams.",
    "The work will cost roughly 4.2 million dollars.",
    "It will take eight months to repair the bridge.",
    "Local shops fear a sharp drop in customers.",
]
BRIDGE_LINKS = {
    ((0,), (1,)),
    ((1,), (2,)),
    ((2,), (3, 4)),
    ((3,), ()),
    ((4,), (0,)),
    ((), (5,)),
}

# German: two sentences merged into one, one reordered pair of paragraphs, one insertion.
TRAM_DE = [
    "Die Stadt Linz plant eine neue Straßenbahnlinie zum Hafen.",
    "Sie soll ab Januar 2027 fahren.",
    "Die Kosten liegen bei 85 Millionen Euro.",
    "Der Gemeinderat stimmt im Herbst über das Projekt ab.",
    "Anrainer befürchten mehr Lärm in der Hafenstraße.",
]
TRAM_DE_REWRITE = [
    "Anrainer in der Hafenstraße befürchten mehr Lärm.",
    "Die Stadt Linz plant eine neue Straßenbahnlinie zum Hafen, die ab Januar 2027 fahren soll.",
    "Die Kosten werden auf 85 Millionen Euro geschätzt.",
    "Ein Sprecher der Verkehrsbetriebe wollte sich nicht äußern.",
    "Der Gemeinderat stimmt im Herbst über das Vorhaben ab.",
]
TRAM_LINKS = {
    ((0, 1), (1,)),
    ((2,), (2,)),
    ((), (3,)),
    ((3,), (4,)),
    ((4,), (0,)),
}

# French: a sentence split in two, the last one dropped.
GRAIN_FR = [
    "Le port de Rouen a exporté 6,1 millions de tonnes de blé en 2024, un record depuis dix ans.",
    "Les principaux clients sont le Maroc et l'Algérie.",
    "La direction du port prévoit de nouveaux silos d'ici 2026.",
]
GRAIN_FR_REWRITE = [
    "Le port de Rouen a exporté 6,1 millions de tonnes de blé en 2024.",
    "C'est un record depuis dix ans.",
    "Le Maroc et l'Algérie restent les principaux clients.",
]
GRAIN_LINKS = {((0,), (0, 1)), ((1,), (2,)), ((2,), ())}

MONOLINGUAL = [
    ("en", BRIDGE_EN, BRIDGE_EN_REWRITE, BRIDGE_LINKS),
    ("de", TRAM_DE, TRAM_DE_REWRITE, TRAM_LINKS),
    ("fr", GRAIN_FR, GRAIN_FR_REWRITE, GRAIN_LINKS),
]


@pytest.mark.parametrize("language, a, b, expected", MONOLINGUAL, ids=[case[0] for case in MONOLINGUAL])
def test_monolingual_links(language, a, b, expected):
    frame = align_sentences(a, language, b, language)
    assert list(frame.columns) == list(ALIGNMENT_COLUMNS)
    assert links_of(frame) == expected
    assert set(frame["method"]) == {"lexical"}
    assert frame["link_id"].tolist() == list(range(len(frame)))
    assert frame["score"].between(0, 1).all()


def test_moved_sentence_is_marked_and_evidenced():
    frame = align_sentences(BRIDGE_EN, "en", BRIDGE_EN_REWRITE, "en")
    moved = link_row(frame, [4], [0])
    assert moved["evidence"]["moved"] is True
    assert {"Helen", "Ortiz", "safety"} <= set(moved["evidence"]["lemmas"])
    in_place = link_row(frame, [1], [2])
    assert in_place["evidence"]["moved"] is False
    assert "num:4.2e6:USD" in link_row(frame, [2], [3, 4])["evidence"]["anchors"]


def test_unaligned_sentences_say_so():
    frame = align_sentences(BRIDGE_EN, "en", BRIDGE_EN_REWRITE, "en")
    dropped = link_row(frame, [3], [])
    added = link_row(frame, [], [5])
    for row in (dropped, added):
        assert row["evidence"]["unaligned"] is True
        assert row["score"] > 0.5  # nothing on the other side comes close


def test_adjacent_swap_is_two_moved_links_not_a_merge():
    a = [
        "Heavy rain flooded the old town of Passau on Sunday.",
        "Firefighters pumped water out of 40 cellars.",
        "The river Inn rose to 8.5 metres.",
    ]
    b = [a[0], a[2], a[1]]
    frame = align_sentences(a, "en", b, "en")
    assert links_of(frame) == {((0,), (0,)), ((1,), (2,)), ((2,), (1,))}
    assert sum(evidence["moved"] for evidence in frame["evidence"]) == 1


def test_identical_documents_align_one_to_one():
    frame = align_sentences(TRAM_DE, "de", TRAM_DE, "de")
    assert links_of(frame) == {((i,), (i,)) for i in range(len(TRAM_DE))}
    assert (frame["score"] == 1.0).all()


# ---------------------------------------------------------------------------- cross-lingual

FINE_EN = [
    "The European Commission fined Nordtech 320 million euros on 14 May 2024.",
    "The company must also change its contracts with 1,200 retailers.",
    "Nordtech said it would appeal the decision.",
    "Shares of the group fell 3.5 percent in Frankfurt.",
]
FINE_FR = [
    "La Commission européenne a infligé le 14 mai 2024 une amende de 320 millions d'euros à Nordtech.",
    "Nordtech a annoncé qu'elle ferait appel de la décision.",
    "L'action du groupe a perdu 3,5 % à Francfort.",
]
FINE_DE = [
    "Die Europäische Kommission hat Nordtech am 14. Mai 2024 eine Strafe von 320 Millionen Euro auferlegt.",
    "Das Unternehmen muss außerdem seine Verträge mit 1200 Händlern ändern.",
    "Nordtech kündigte an, gegen die Entscheidung Berufung einzulegen.",
    "Die Aktie des Konzerns fiel in Frankfurt um 3,5 Prozent.",
]


def test_crosslingual_dropped_passage_found_by_anchors():
    frame = align_sentences(FINE_EN, "en", FINE_FR, "fr")
    assert links_of(frame) == {((0,), (0,)), ((1,), ()), ((2,), (1,)), ((3,), (2,))}
    first = link_row(frame, [0], [0])
    assert {"date:2024-05-14", "ent:nordtech"} <= set(first["evidence"]["anchors"])
    assert first["method"] == "anchors+cognates+lexicon+length"
    assert "dictionary" not in first["evidence"]["sources"]


def test_crosslingual_parallel_german():
    frame = align_sentences(FINE_EN, "en", FINE_DE, "de")
    assert links_of(frame) == {((i,), (i,)) for i in range(4)}


def test_crosslingual_paragraph_moved_to_the_top():
    reordered = [FINE_DE[3], FINE_DE[0], FINE_DE[1], FINE_DE[2]]
    frame = align_sentences(FINE_EN, "en", reordered, "de")
    assert links_of(frame) == {((0,), (1,)), ((1,), (2,)), ((2,), (3,)), ((3,), (0,))}
    assert [link_row(frame, [i], [(i + 1) % 4])["evidence"]["moved"] for i in range(4)] == [False, False, False, True]
    assert link_row(frame, [3], [0])["method"] == "anchors+cognates+lexicon"


# ------------------------------------------------------------------------------- dictionary

# Two sentences with no shared anchors or cognates: only a dictionary can tell which is which.
WEATHER_DE = ["Der Wind war stark und kalt.", "Die Kinder spielten im Garten."]
WEATHER_FR = ["Les enfants jouaient dans le jardin.", "Le vent était fort et froid."]


def dictionary_fixture() -> BilingualDictionary:
    return BilingualDictionary(
        "de",
        "fr",
        "test fixture",
        {"wind": ("vent",), "kalt": ("froid",), "stark": ("fort",), "kind": ("enfant",), "garten": ("jardin",)},
    )


def test_dictionary_links_what_nothing_else_can():
    frame = align_sentences(WEATHER_DE, "de", WEATHER_FR, "fr", dictionary=dictionary_fixture())
    assert links_of(frame) == {((0,), (1,)), ((1,), (0,))}
    row = link_row(frame, [1], [0])
    assert ["Garten", "jardin"] in row["evidence"]["dictionary"]
    assert "dictionary" in row["method"]
    assert row["evidence"]["dictionary_name"] == "test fixture"


def test_dictionary_is_ignored_within_one_language():
    same = ["Der Wind war stark."]
    frame = align_sentences(same, "de", same, "de", dictionary=dictionary_fixture())
    assert frame["method"].tolist() == ["lexical"]


def _base64(number: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    digits = ""
    while True:
        number, rest = divmod(number, 64)
        digits = alphabet[rest] + digits
        if number == 0:
            return digits


def write_dictd(directory, name: str, entries: list[str]) -> None:
    """A dictd dictionary: entries concatenated in .dict.dz, (headword, offset, length) in .index."""
    body, index = b"", []
    for entry in entries:
        data = entry.encode("utf-8")
        index.append(f"{entry.split(' ')[0].lower()}\t{_base64(len(body))}\t{_base64(len(data))}")
        body += data
    (directory / f"{name}.dict.dz").write_bytes(gzip.compress(body))
    (directory / f"{name}.index").write_text("\n".join(index) + "\n", encoding="utf-8")


def test_load_dictionary_reads_freedict_both_directions(tmp_path):
    write_dictd(tmp_path, "freedict-deu-fra", [
        "Wind /vɪnt/ <n, masc>\nvent\nbewegte Luft\n",
        "kalt /kalt/ <adj>\n1. froid\nniedrige Temperatur\n2. glacial\nohne Gefühl\n",
    ])
    write_dictd(tmp_path, "freedict-fra-deu", ["jardin /ʒaʁ.dɛ̃/ <n, masc>\nGarten, Park\n"])
    dictionary = load_dictionary("de", "fr", [tmp_path])
    assert dictionary.translate("wind") == ("vent",)
    assert dictionary.translate("kalt") == ("froid", "glacial")
    assert dictionary.translate("garten") == ("jardin",)
    assert dictionary.translate("park") == ("jardin",)
    assert "freedict-deu-fra" in dictionary.name and "freedict-fra-deu (reversed)" in dictionary.name
    assert load_dictionary("fr", "de", [tmp_path]).translate("vent") == ("wind",)


def test_load_dictionary_reads_ding(tmp_path):
    (tmp_path / "de-en").write_text(
        "# Version :: test\n"
        "Wind {m} | Winde {pl} :: wind | winds\n"
        "Kälte {f}; Frost {m} :: cold; frost\n"
        "etw. ändern :: to change sth.\n",
        encoding="utf-8",
    )
    dictionary = load_dictionary("de", "en", [tmp_path])
    assert dictionary.translate("winde") == ("winds",)
    assert dictionary.translate("kalte") == ("cold", "frost")
    assert dictionary.translate("andern") == ("change",)
    assert load_dictionary("en", "de", [tmp_path]).translate("frost") == ("frost", "kalte")


def test_load_dictionary_absent_or_pointless(tmp_path):
    assert load_dictionary("de", "fr", [tmp_path]) is None
    assert load_dictionary("de", "de", [tmp_path]) is None
    assert load_dictionary("de", "es", [tmp_path]) is None


# ------------------------------------------------------------------------------ edge cases

EDGE_CASES = [
    ([], "en", [], "en", set()),
    ([], "en", ["One sentence."], "en", {((), (0,))}),
    (["Eine einzige Zeile."], "de", [], "fr", {((0,), ())}),
    (["   ", "\t"], "en", ["   "], "en", None),
    (["🎉🎉", "😀"], "fr", ["🎉🎉", "😀"], "fr", {((0,), (0,)), ((1,), (1,))}),
]


@pytest.mark.parametrize("a, a_language, b, b_language, expected", EDGE_CASES)
def test_edge_cases(a, a_language, b, b_language, expected):
    frame = align_sentences(a, a_language, b, b_language)
    assert list(frame.columns) == list(ALIGNMENT_COLUMNS)
    covered_a = sorted(i for ids in frame["a_ids"] for i in ids)
    covered_b = sorted(j for ids in frame["b_ids"] for j in ids)
    assert covered_a == list(range(len(a))) and covered_b == list(range(len(b)))
    if expected:
        assert links_of(frame) == expected


def test_unsupported_language_still_aligns_on_shared_tokens():
    spanish = ["El Banco Central subió los tipos al 4,5 % en Madrid.", "Nadie lo esperaba."]
    english = ["The Central Bank raised rates to 4.5% in Madrid.", "Nobody expected it."]
    frame = align_sentences(spanish, "unsupported:es", english, "en")
    assert ((0,), (0,)) in links_of(frame)


def test_mixed_language_sentences():
    a = ["Der Minister sagte: „We will not give up“, und verließ Berlin.", "Danach flog er nach Paris."]
    b = ["The minister said: \"We will not give up\", and left Berlin.", "Afterwards he flew to Paris."]
    frame = align_sentences(a, "de", b, "en")
    assert links_of(frame) == {((0,), (0,)), ((1,), (1,))}


def test_inputs_are_not_modified():
    a, b = list(BRIDGE_EN), list(BRIDGE_EN_REWRITE)
    align_sentences(a, "en", b, "en")
    assert a == BRIDGE_EN and b == BRIDGE_EN_REWRITE


# -------------------------------------------------------------------------- alignment table


def sentences_table(articles: dict[str, tuple[str, list[str]]]) -> pd.DataFrame:
    rows = []
    for article_id, (language, texts) in articles.items():
        offset = 0
        for sent_id, text in enumerate(texts):
            rows.append({
                "article_id": article_id, "sent_id": sent_id, "start": offset, "end": offset + len(text),
                "text": text, "kind": "body", "language": language,
            })
            offset += len(text) + 1
    return pd.DataFrame(rows)


def test_alignment_table_rows_per_sentence_pair():
    sentences = sentences_table({
        "source": ("fr", GRAIN_FR),
        "repost": ("fr", GRAIN_FR_REWRITE),
        "german": ("de", [
            "Der Hafen von Rouen exportierte 2024 6,1 Millionen Tonnen Weizen, ein Rekord seit zehn Jahren."
        ]),
    })
    original = sentences.copy()
    table = alignment_table(sentences, "source", dictionary_dirs=[])
    pd.testing.assert_frame_equal(sentences, original)
    assert list(table.columns) == list(TABLE_COLUMNS)
    assert str(table["ref_sent"].dtype) == "Int64" and str(table["sent_id"].dtype) == "Int64"
    assert set(table["article_id"]) == {"repost", "german"}
    assert set(table["reference"]) == {"source"}
    repost = table[table["article_id"] == "repost"]
    split = repost[repost["ref_sent"] == 0]
    assert split["sent_id"].tolist() == [0, 1] and split["link_id"].nunique() == 1
    dropped = repost[repost["ref_sent"] == 2]
    assert dropped["sent_id"].isna().all()
    german = table[table["article_id"] == "german"]
    assert german[german["sent_id"] == 0]["ref_sent"].tolist() == [0]
    assert german["method"].iloc[0].startswith("anchors+cognates")
    link_ids = table.groupby("article_id")["link_id"].apply(set)
    assert not (link_ids["repost"] & link_ids["german"])


def test_alignment_table_empty_inputs():
    empty = alignment_table(sentences_table({}), "source")
    assert list(empty.columns) == list(TABLE_COLUMNS) and empty.empty
    alone = alignment_table(sentences_table({"source": ("en", ["Only one version."])}), "source")
    assert alone.empty


# ------------------------------------------------------------------------ family pruning


def test_article_signature_is_language_independent():
    english = article_signature(FINE_EN, "en")
    german = article_signature(FINE_DE, "de")
    assert {"a:date:2024-05-14", "a:ent:nordtech", "p:nordt", "p:frank"} <= english & german
    assert article_signature([], "en") == frozenset()


def test_candidate_pairs_keeps_the_nearest_versions():
    signatures = {
        "en": article_signature(FINE_EN, "en"),
        "de": article_signature(FINE_DE, "de"),
        "fr": article_signature(FINE_FR, "fr"),
        "other": article_signature(BRIDGE_EN, "en"),
    }
    pairs = candidate_pairs(signatures, k=1)
    chosen = set(zip(pairs["a"], pairs["b"]))
    assert all(a < b for a, b in chosen)
    assert len(chosen) < 6  # fewer than all 4·3/2 pairs
    assert ("other", "other") not in chosen
    nearest_of_other = [pair for pair in chosen if "other" in pair]
    assert len(nearest_of_other) == 1
    all_pairs = candidate_pairs(signatures, k=3)
    assert len(all_pairs) == 6
    score = dict(zip(zip(all_pairs["a"], all_pairs["b"]), all_pairs["score"]))
    assert score[("de", "en")] > score[("en", "other")]
    assert candidate_pairs({"alone": frozenset({"a:num:1"})}, k=2).empty


def test_reference_by_shared_anchors_picks_the_best_connected_version():
    sentences = sentences_table({
        "partial": ("fr", FINE_FR[:1]),
        "full": ("en", FINE_EN),
        "german": ("de", FINE_DE),
        "unrelated": ("en", BRIDGE_EN),
    })
    reference, evidence = reference_by_shared_anchors(sentences)
    assert reference in {"full", "german"}
    assert evidence["shared_anchors"]["unrelated"] < evidence["shared_anchors"]["partial"]
    assert reference_by_shared_anchors(sentences_table({})) == (None, {})


# ---------------------------------------------------------------------------- core lexicon


def test_core_lexicon_links_translations_without_cognates():
    german = ["Die Regierung erhöht die Steuern.", "Der Hund schläft."]
    english = ["The government raises taxes.", "The dog is asleep."]
    frame = align_sentences(german, "de", english, "en")
    assert links_of(frame) == {((0,), (0,)), ((1,), (1,))}
    assert ["Regierung", "government"] in link_row(frame, [0], [0])["evidence"]["lexicon"]


def test_core_lexicon_files_cover_the_same_concepts():
    concepts = {}
    for language in ("en", "de", "fr"):
        header, rows = read_data_file(language, "core_lexicon")
        assert {"what", "source", "licence", "built"} <= set(header)
        assert all(len(row) == 2 and row[0] and row[1] for row in rows)
        assert len(rows) == len(set(rows)), f"duplicate lines in {language}"
        concepts[language] = {concept for _, concept in rows}
    assert concepts["de"] <= concepts["en"] and concepts["fr"] <= concepts["en"]
    assert len(concepts["de"]) >= 0.98 * len(concepts["en"]) and len(concepts["fr"]) >= 0.98 * len(concepts["en"])


def test_ding_is_preferred_to_freedict_for_german_english(tmp_path):
    (tmp_path / "de-en").write_text("Wind {m} :: wind\n", encoding="utf-8")
    write_dictd(tmp_path, "freedict-deu-eng", ["Wind /vɪnt/ <n>\nbreeze\n"])
    dictionary = load_dictionary("de", "en", [tmp_path])
    assert dictionary.name == "ding de-en" and dictionary.translate("wind") == ("wind",)
