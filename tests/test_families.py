"""spin.families: fingerprints, candidates, checks and families on a small planted corpus.

The corpus is written for these tests (none of it comes from the seeds): two stories with their
reposts — a verbatim copy, a rewrite, a spun copy, a truncation, a German and a French
translation — and unrelated articles in the three languages, one of which names a person of the
first story in passing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spin import families
from spin.errors import InputError

SEAWALL_EN = (
    "Valtmoor approves 48 million euro sea wall after winter floods\n\n"
    "The harbour council of Valtmoor voted on Thursday to build a sea wall costing 48 million euros, "
    "three months after storm Orlaith flooded 1,250 homes along the Brennick estuary. "
    "Council leader Ingrid Halvorsen said the wall would protect the old town for at least 80 years. "
    "Engineers from the firm Dunmarra Coastal will start work in March and expect to finish in 2029. "
    "The wall will be 6.5 metres high and run for 3.2 kilometres from the ferry terminal to Kessock Point. "
    "Opposition councillor Tomas Okonkwo voted against the plan and warned that the cost could rise "
    "to 60 million euros. "
    "Fishermen in the harbour fear that the building work will close the northern channel for two summers. "
    "Halvorsen promised that boats would keep access to the quay throughout the works."
)
SEAWALL_COPY = SEAWALL_EN + "\n\nShare this article with your friends."
SEAWALL_REWRITE = (
    "Sea wall for Valtmoor: council backs 48 million euro plan\n\n"
    "Three months after storm Orlaith flooded 1,250 homes along the Brennick estuary, the harbour council "
    "of Valtmoor decided on Thursday to build a sea wall costing 48 million euros. "
    "The wall will be 6.5 metres high and run for 3.2 kilometres from the ferry terminal to Kessock Point. "
    "Engineers from the firm Dunmarra Coastal will begin in March and hope to be done in 2029. "
    "Council leader Ingrid Halvorsen said the structure would shield the old town for at least 80 years. "
    "Councillor Tomas Okonkwo, who voted against it, warned that the bill could climb to 60 million euros."
)
SEAWALL_SPUN = (
    "Valtmoor backs 48 million euro ocean barrier following winter deluges\n\n"
    "The port assembly of Valtmoor decided on Thursday to construct an ocean barrier priced at 48 million euros, "
    "three months following tempest Orlaith inundated 1,250 houses beside the Brennick inlet. "
    "Assembly chief Ingrid Halvorsen stated the barrier would shield the historic quarter for no less than 80 years. "
    "Technicians of the company Dunmarra Coastal will commence labour in March and anticipate completing in 2029. "
    "The barrier will stand 6.5 metres tall and stretch for 3.2 kilometres from the boat station to Kessock Point. "
    "Rival member Tomas Okonkwo opposed the scheme and cautioned that the price might climb "
    "to 60 million euros. "
    "Anglers in the port dread that the construction will shut the northern passage for two summers. "
    "Halvorsen pledged that vessels would retain entry to the wharf during the project."
)
SEAWALL_TRUNCATED = SEAWALL_EN.split(" Opposition councillor")[0]
SEAWALL_DE = (
    "Valtmoor genehmigt Deich für 48 Millionen Euro nach Winterfluten\n\n"
    "Der Hafenrat von Valtmoor hat am Donnerstag beschlossen, einen Deich für 48 Millionen Euro zu bauen, "
    "drei Monate nachdem Sturm Orlaith 1.250 Häuser an der Mündung der Brennick überflutet hatte. "
    "Ratsvorsitzende Ingrid Halvorsen sagte, der Deich werde die Altstadt mindestens 80 Jahre lang schützen. "
    "Ingenieure der Firma Dunmarra Coastal beginnen im März mit den Arbeiten und wollen 2029 fertig sein. "
    "Der Deich wird 6,5 Meter hoch und verläuft auf 3,2 Kilometern vom Fährterminal bis Kessock Point. "
    "Oppositionsrat Tomas Okonkwo stimmte dagegen und warnte, die Kosten könnten auf 60 Millionen Euro steigen. "
    "Die Fischer im Hafen fürchten, dass die Bauarbeiten den nördlichen Kanal zwei Sommer lang sperren. "
    "Halvorsen versprach, dass die Boote während der Arbeiten Zugang zum Kai behalten."
)
SEAWALL_FR = (
    "Valtmoor approuve une digue de 48 millions d'euros après les inondations de l'hiver\n\n"
    "Le conseil portuaire de Valtmoor a voté jeudi la construction d'une digue de 48 millions d'euros, "
    "trois mois après que la tempête Orlaith a inondé 1 250 maisons le long de l'estuaire de la Brennick. "
    "La présidente du conseil, Ingrid Halvorsen, a déclaré que la digue protégerait la vieille ville pendant "
    "au moins 80 ans. "
    "Les ingénieurs de l'entreprise Dunmarra Coastal commenceront les travaux en mars et prévoient de les "
    "terminer en 2029. "
    "La digue mesurera 6,5 mètres de haut et s'étendra sur 3,2 kilomètres, du terminal des ferries à Kessock Point. "
    "Le conseiller d'opposition Tomas Okonkwo a voté contre et a averti que le coût pourrait atteindre "
    "60 millions d'euros."
)
ORCHARD_EN = (
    "Cider makers in Pellworth report record apple harvest\n\n"
    "Growers in the Pellworth valley picked 14,300 tonnes of apples this autumn, the largest crop since records "
    "began in 1961, the regional growers' union said on Monday. "
    "Union secretary Marit Quenneville credited a warm April and late rain in August. "
    "The cooperative press at Ashgrove Mill ran day and night for 19 days to keep up with deliveries. "
    "Prices fell to 0.31 euros per kilogram, which small farms say barely covers the cost of picking. "
    "Quenneville expects exports of bottled cider to Norway and Japan to grow by 12 percent next year."
)
ORCHARD_COPY = "Originally published by the Pellworth Courier.\n\n" + ORCHARD_EN
ORCHARD_REWRITE = (
    "Record apple crop in Pellworth valley\n\n"
    "The Pellworth valley's growers brought in 14,300 tonnes of apples this autumn, the biggest crop since records "
    "began in 1961, according to the regional growers' union on Monday. "
    "Marit Quenneville, the union's secretary, put it down to a warm April and late rain in August. "
    "At Ashgrove Mill the cooperative press worked day and night for 19 days. "
    "Prices dropped to 0.31 euros per kilogram; small farms say that barely pays for the picking. "
    "Exports of bottled cider to Norway and Japan should grow by 12 percent next year, Quenneville said."
)
UNRELATED = {
    "chess": (
        "Teenager wins national chess title in Corrow\n\n"
        "A sixteen-year-old student from Corrow won the national chess championship on Sunday after a tense final "
        "game that lasted almost six hours. She said she had prepared with her grandfather every evening for a "
        "year. The organisers said more young players entered the tournament than ever before, and the city "
        "library will host free lessons during the winter holidays."
    ),
    "bridge": (
        "Old railway bridge reopens to cyclists\n\n"
        "The disused railway bridge over the Tarrow river reopened on Saturday as a path for cyclists and walkers. "
        "Volunteers spent four summers replacing the wooden deck and painting the iron frame. "
        "Local shops hope the new route will bring visitors back to the market square, which has been quiet "
        "since the station closed decades ago. Ingrid Halvorsen cut the ribbon."
    ),
    "museum": (
        "Der Stadtrat von Lindhagen hat am Dienstag die Renovierung des Heimatmuseums beschlossen. "
        "Das Gebäude aus dem neunzehnten Jahrhundert soll ein neues Dach und einen Aufzug bekommen. "
        "Die Leiterin des Museums sagte, man wolle die Sammlung alter Spielzeuge endlich wieder zeigen. "
        "Die Arbeiten sollen im Herbst beginnen und etwa ein Jahr dauern."
    ),
    "bakery": (
        "Une boulangerie de Saint-Aurel a remporté le concours régional de la meilleure baguette. "
        "Le jury a salué une croûte dorée et une mie légère. Le boulanger, installé dans le village depuis "
        "vingt ans, a remercié ses clients fidèles et promis de ne pas augmenter ses prix. "
        "Les habitants font déjà la queue dès sept heures du matin."
    ),
}
PLANTED = {
    "seawall": "seawall", "seawall-copy": "seawall", "seawall-rewrite": "seawall", "seawall-spun": "seawall",
    "seawall-truncated": "seawall", "seawall-de": "seawall", "seawall-fr": "seawall",
    "orchard": "orchard", "orchard-copy": "orchard", "orchard-rewrite": "orchard",
}
TEXTS = {
    "seawall": SEAWALL_EN, "seawall-copy": SEAWALL_COPY, "seawall-rewrite": SEAWALL_REWRITE,
    "seawall-spun": SEAWALL_SPUN, "seawall-truncated": SEAWALL_TRUNCATED, "seawall-de": SEAWALL_DE,
    "seawall-fr": SEAWALL_FR, "orchard": ORCHARD_EN, "orchard-copy": ORCHARD_COPY,
    "orchard-rewrite": ORCHARD_REWRITE, **UNRELATED,
}


def planted_corpus() -> pd.DataFrame:
    """The planted corpus, in a scrambled order (families must not depend on it)."""
    ids = sorted(TEXTS, key=lambda name: (len(name) * 7919) % 23)
    return pd.DataFrame({"article_id": ids, "text": [TEXTS[i] for i in ids]})


@pytest.fixture(scope="module")
def found() -> pd.DataFrame:
    return families.find_families(planted_corpus()).set_index("article_id")


# --------------------------------------------------------------------------- families


def test_every_planted_member_is_in_its_story_family(found):
    for article_id, story in PLANTED.items():
        assert found.loc[article_id, "family_id"] == found.loc[story, "family_id"], article_id
    assert found.loc["seawall", "family_id"] != found.loc["orchard", "family_id"]
    assert found.loc["seawall", "family_size"] == 7
    assert found.loc["orchard", "family_size"] == 3


@pytest.mark.parametrize("article_id", sorted(UNRELATED))
def test_unrelated_articles_stay_alone(found, article_id):
    assert found.loc[article_id, "family_size"] == 1
    assert found.loc[article_id, "evidence"] == {}


def test_families_are_numbered_by_size_then_first_article(found):
    assert found.loc["seawall", "family_id"] == "F0000001"
    assert found.loc["orchard", "family_id"] == "F0000002"
    singles = sorted(found[found["family_size"] == 1].index)
    assert [found.loc[i, "family_id"] for i in singles] == [f"F{k:07d}" for k in range(3, 3 + len(singles))]


@pytest.mark.parametrize("article_id, language", [
    ("seawall", "en"), ("seawall-de", "de"), ("seawall-fr", "fr"), ("museum", "de"), ("bakery", "fr"),
    ("chess", "en"),
])
def test_languages_are_detected(found, article_id, language):
    assert found.loc[article_id, "language"] == language


def test_translation_evidence_names_shared_numbers_and_names(found):
    evidence = found.loc["seawall-de", "evidence"]
    assert evidence["languages"].startswith("de-")
    assert evidence["via"] == "anchors"
    assert evidence["jaccard"] < 0.1
    assert evidence["shared_anchors"] >= 8
    assert {"Orlaith", "Brennick", "Dunmarra", "Kessock"} & set(evidence["anchors"])


def test_copy_evidence_is_near_total_overlap(found):
    evidence = found.loc["seawall-copy", "evidence"]
    assert evidence["linked_to"] == "seawall"
    assert evidence["jaccard"] >= 0.9
    assert evidence["containment"] >= 0.95
    assert evidence["languages"] == "en-en"


def test_input_order_and_ids_do_not_change_membership():
    corpus = planted_corpus()
    forward = families.find_families(corpus)
    backward = families.find_families(corpus.iloc[::-1].reset_index(drop=True))
    merged = forward.merge(backward, on="article_id", suffixes=("", "_reversed"))
    assert (merged["family_id"] == merged["family_id_reversed"]).all()


SPANISH = (
    "El ayuntamiento de Valdecorvo aprobó el martes la construcción de un nuevo puente sobre el río. "
    "Las obras empezarán en primavera y costarán unos doce millones de euros, según explicó la alcaldesa. "
    "Los vecinos llevaban años pidiendo una alternativa al viejo paso de hierro, que se cierra cada invierno."
)


def test_a_language_spin_does_not_read_goes_to_lingua():
    corpus = pd.DataFrame({"article_id": ["es", "en"], "text": [SPANISH, ORCHARD_EN]})
    table = families.find_families(corpus).set_index("article_id")
    assert table.loc["es", "language"] == "unsupported:es"
    assert table.loc["en", "language"] == "en"


def test_given_language_column_is_used_and_normalised():
    corpus = pd.DataFrame({
        "article_id": ["a", "b", "c"],
        "text": [ORCHARD_EN, ORCHARD_COPY, UNRELATED["museum"]],
        "language": ["EN", "", "es"],
    })
    found = families.find_families(corpus).set_index("article_id")
    assert found.loc["a", "language"] == "en"
    assert found.loc["b", "language"] == "en"  # empty: detected
    assert found.loc["c", "language"] == "unsupported:es"


# --------------------------------------------------------------------------- edge cases


def test_empty_corpus_gives_empty_table():
    table = families.find_families(pd.DataFrame({"article_id": [], "text": []}))
    assert list(table.columns) == list(families.FAMILY_COLUMNS)
    assert table.empty


@pytest.mark.parametrize("text", ["", "   \n\t ", "🎉🎉🔥", None])
def test_blank_or_symbol_only_articles_are_unknown_singletons(text):
    corpus = pd.DataFrame({"article_id": ["x", "y", "z"], "text": [text, text, ORCHARD_EN]})
    table = families.find_families(corpus).set_index("article_id")
    assert table.loc["x", "language"] == "unknown"
    assert table.loc["x", "family_size"] == 1
    assert table.loc["y", "family_size"] == 1


def test_mixed_language_article_still_joins_by_anchors():
    mixed = SEAWALL_EN.split(" Opposition")[0] + "\n\n" + SEAWALL_DE.split("Oppositionsrat")[1]
    corpus = pd.DataFrame({"article_id": ["en", "mixed", "other"], "text": [SEAWALL_EN, mixed, UNRELATED["chess"]]})
    table = families.find_families(corpus).set_index("article_id")
    assert table.loc["mixed", "family_id"] == table.loc["en", "family_id"]
    assert table.loc["other", "family_size"] == 1


def test_input_is_not_modified():
    corpus = planted_corpus()
    before = corpus.copy()
    families.find_families(corpus)
    pd.testing.assert_frame_equal(corpus, before)


@pytest.mark.parametrize("frame, problem", [
    (pd.DataFrame({"article_id": ["a"]}), "missing column(s) text"),
    (pd.DataFrame({"id": ["a"], "text": ["x"]}), "missing column(s) article_id"),
    (pd.DataFrame({"article_id": ["a", "a"], "text": ["x", "y"]}), "article_id repeats: a"),
])
def test_bad_input_is_an_input_error(frame, problem):
    with pytest.raises(InputError) as caught:
        families.find_families(frame)
    assert problem in caught.value.problem


# --------------------------------------------------------------------------- building blocks


def _token_texts(text: str) -> list[str]:
    tokens = families.tokenize_bytes(pd.Series([text]))
    return [tokens.data[s:e].tobytes().decode() for s, e in zip(tokens.starts, tokens.ends)]


@pytest.mark.parametrize("text, expected", [
    ("Hello, world!", ["Hello", "world"]),
    ("1,5 Milliarden und 272.000 Euro", ["1,5", "Milliarden", "und", "272.000", "Euro"]),
    ("près de 46 855 maisons", ["près", "de", "46 855", "maisons"]),
    ("«Bonjour» — dit-il…", ["Bonjour", "dit", "il"]),
    ("Straße über 3\u00a0000 Meter", ["Straße", "über", "3\u00a0000", "Meter"]),
    ("", []),
])
def test_tokens(text, expected):
    assert _token_texts(text) == expected


def test_token_hashes_fold_case_and_do_not_cross_texts():
    hashes, counts = families.token_hashes(pd.Series(["Über ÉTÉ Zürich", "über été zürich", "ab", "cd"]))
    assert counts.tolist() == [3, 3, 1, 1]
    assert hashes[:3].tolist() == hashes[3:6].tolist()
    glued, _ = families.token_hashes(pd.Series(["abcd"]))
    assert glued[0] not in hashes[6:]


@pytest.mark.parametrize("kind_of, text, expected", [
    ("names and numbers", "Halvorsen said 48 homes in Valtmoor", {"Halvorsen": families.NAME, "48": families.NUMBER,
                                                                 "said": families.WORD, "Valtmoor": families.NAME}),
    ("German capitals", "Der Ärger in Köln", {"Der": families.NAME, "Ärger": families.NAME, "in": families.WORD}),
])
def test_token_kinds(kind_of, text, expected):
    tokens = families.tokenize_bytes(pd.Series([text]))
    kinds = {tokens.data[s:e].tobytes().decode(): k for s, e, k in zip(tokens.starts, tokens.ends, tokens.kinds)}
    for token, kind in expected.items():
        assert kinds[token] == kind, kind_of


def test_shingles_stay_inside_one_text():
    hashes, counts = families.token_hashes(pd.Series(["one two three four five", "six seven", ""]))
    shingles, per_text = families.shingle_hashes(hashes, counts, 3)
    assert per_text.tolist() == [3, 2, 0]  # 5 - 2 shingles; a 2-word text keeps its 2 words
    assert len(shingles) == 5


def test_minhash_estimates_jaccard():
    base = " ".join(f"w{i}" for i in range(400))
    half = " ".join(f"w{i}" for i in range(200)) + " " + " ".join(f"v{i}" for i in range(200))
    hashes, counts = families.token_hashes(pd.Series([base, base, half, "", "x"]))
    shingles, per_text = families.shingle_hashes(hashes, counts, 1)
    signatures = families.minhash_signatures(shingles, per_text, 128)
    assert (signatures[0] == signatures[1]).all()
    assert abs((signatures[0] == signatures[2]).mean() - 200 / 600) < 0.12  # true Jaccard 1/3
    assert (signatures[3] == 0xFFFFFFFF).all()  # no shingles: never matches
    assert (signatures[4] != 0xFFFFFFFF).all()  # one shingle fills every slot after densification
    with pytest.raises(ValueError):
        families.minhash_signatures(shingles, per_text, 100)


@pytest.mark.parametrize("digits, language, key", [
    ("1,5", "de", "num:1.5"), ("1.5", "en", "num:1.5"), ("272.000", "de", "num:272000"),
    ("1,250", "en", "num:1250"), ("1 250", "fr", "num:1250"), ("2029", "en", "num:2029"),
])
def test_number_keys_use_claims_parser(digits, language, key):
    assert families.number_key(digits, language) == key


def test_common_capitalised_words_are_not_anchors():
    text = "The council said Halvorsen met Okonkwo. Critics said the Regierung was slow."
    tokens = families.tokenize_bytes(pd.Series([text]))
    _, _, chosen = families.token_anchors(tokens, ["en"])
    names = {tokens.data[tokens.starts[c]:tokens.ends[c]].tobytes().decode() for c in chosen}
    assert names == {"Halvorsen", "Okonkwo", "Regierung"}  # "Regierung" is no common English word


def _fingerprints(texts: dict[str, str]) -> pd.DataFrame:
    return families.fingerprint_partition(pd.DataFrame({"article_id": list(texts), "text": list(texts.values())}))


def test_candidates_come_from_bands_and_from_anchors():
    fingerprints = _fingerprints({"en": SEAWALL_EN, "copy": SEAWALL_COPY, "de": SEAWALL_DE,
                                  "chess": UNRELATED["chess"]})
    pairs = families.candidate_pairs(fingerprints)
    found = {(fingerprints["article_id"][a], fingerprints["article_id"][b]): via
             for a, b, via in pairs.itertuples(index=False)}
    assert found[("en", "copy")] == "both"
    assert found[("en", "de")] == "anchors"
    assert not any("chess" in pair for pair in found)


def test_fingerprints_do_not_depend_on_partitioning():
    corpus = planted_corpus()
    whole = families.fingerprint_partition(corpus)
    parts = pd.concat([families.fingerprint_partition(corpus.iloc[i:i + 3]) for i in range(0, len(corpus), 3)],
                      ignore_index=True)
    for column in ("article_id", "language", "words", "shingles", "anchors"):
        assert whole[column].tolist() == parts[column].tolist()
    for column in ("signature", "anchor_hashes", "anchor_deciles"):
        assert all(np.array_equal(x, y) for x, y in zip(whole[column], parts[column]))


def test_anchor_coverage_tells_a_shared_quote_from_a_translation():
    settings = families.FamilySettings.from_settings()
    quote = "Zorvak Quillon Tessaly Brudmoor signed the letter."

    def story(names: list[str], with_quote: bool) -> str:
        body = [f"Later that week {name} spoke to the press about the weather." for name in names]
        return " ".join(([quote] if with_quote else []) + body)

    a_names = ["Ambrell", "Arquine", "Avensk", "Aldrevo", "Astimbe", "Aurelk", "Abbotine", "Azmerel", "Andvoll"]
    b_names = ["Bexwith", "Brannoc", "Belvaine", "Borsk", "Bintamo", "Bredrick", "Bolquist", "Bymore", "Baskell"]
    fingerprints = _fingerprints({
        "en": SEAWALL_EN, "de": SEAWALL_DE,
        "a": story(a_names, True), "a-again": story(a_names, False),
        "b": story(b_names, True), "b-again": story(b_names, False),
    })
    postings = families.rare_postings(fingerprints, settings)
    coverage = families.anchor_coverage(postings, np.array([1, 2]), np.array([0, 4]))
    assert coverage[0] >= 0.8  # the translation shares anchors all along the text
    # a: 106 tokens; its anchors fall in tenths {0,1,3,…,9} (token 10·k/106); only tenth 0 (the quote) is shared
    assert coverage[1] == pytest.approx(1 / 9)
    table = families.families_from_fingerprints(fingerprints, settings).set_index("article_id")
    assert table.loc["de", "family_id"] == table.loc["en", "family_id"]
    assert table.loc["a", "family_id"] != table.loc["b", "family_id"]


def test_connected_families_join_chains_and_number_them():
    fingerprints = pd.DataFrame({
        "article_id": ["b", "a", "c", "d", "e"], "language": ["en"] * 5,
        "anchors": [""] * 5, "anchor_hashes": [np.zeros(0, np.uint64)] * 5,
        "anchor_deciles": [np.zeros(0, np.uint8)] * 5,
    })
    edges = pd.DataFrame({"a": [0, 1], "b": [1, 2], "via": ["shingles", "anchors"], "jaccard": [0.9, 0.1],
                          "containment": [1.0, 0.2], "shared_anchors": [0, 5], "anchor_overlap": [0.0, 0.9],
                          "anchor_coverage": [0.0, 0.8], "cross_lingual": [False, False]})
    table = families.connected_families(fingerprints, edges).set_index("article_id")
    assert table["family_id"].to_dict() == {"b": "F0000001", "a": "F0000001", "c": "F0000001",
                                            "d": "F0000002", "e": "F0000003"}
    assert table.loc["c", "evidence"]["linked_to"] == "a"
    assert table.loc["b", "evidence"]["via"] == "shingles"
    assert table.loc["d", "evidence"] == {}


def test_settings_come_from_the_settings_file():
    settings = families.FamilySettings.from_settings()
    assert settings.bands * settings.rows_per_band <= settings.num_perm
    assert 0 < settings.min_jaccard < 1
