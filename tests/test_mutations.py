"""Typed mutations: hand-made en/de/fr documents (not the seeds) with one known change each."""

from __future__ import annotations

import pandas as pd
import pytest

from spin.mutations import KINDS, MUTATION_COLUMNS, STATUSES, claim_groups, compare_texts, empty_mutations, mutations_table

EN = ("The regional council approved a budget of 85 million euros on Thursday. "
      "Mayor Helen Carter said the money would go to schools and hospitals. "
      "The opposition reportedly plans to challenge the decision in court.")
DE = ("Der Regionalrat hat am Donnerstag einen Haushalt von 85 Millionen Euro beschlossen. "
      "Bürgermeisterin Helen Carter sagte, das Geld gehe an Schulen und Krankenhäuser. "
      "Die Opposition will die Entscheidung angeblich vor Gericht anfechten.")
FR = ("Le conseil régional a approuvé jeudi un budget de 85 millions d'euros. "
      "La maire Helen Carter a déclaré que l'argent irait aux écoles et aux hôpitaux. "
      "L'opposition compterait contester la décision devant les tribunaux, selon certaines sources.")


def changes(reference, reference_language, version, version_language):
    table = compare_texts(reference, reference_language, version, version_language)
    assert list(table.columns) == list(MUTATION_COLUMNS)
    assert set(table["status"]) <= set(STATUSES) and set(table["kind"]) <= set(KINDS)
    return table[table["status"] != "kept"]


@pytest.mark.parametrize(
    ("reference", "rl", "version", "vl", "kind", "status", "detail"),
    [
        # numbers, monolingual and across languages
        (EN, "en", EN.replace("85 million", "58 million"), "en", "number", "altered", "85 million EUR → 58 million EUR"),
        (DE, "de", DE.replace("85 Millionen", "850 Millionen"), "de", "number", "altered", "85 million EUR → 850 million EUR"),
        (FR, "fr", FR.replace("85 millions", "8,5 millions"), "fr", "number", "altered", "85 million EUR → 8.5 million EUR"),
        (DE, "de", EN.replace("85 million", "95 million"), "en", "number", "altered", "85 million EUR → 95 million EUR"),
        (FR, "fr", EN.replace("85 million euros", "85 million dollars"), "en", "number", "altered", "EUR → 85 million USD"),
        # dates
        (EN, "en", EN.replace("Thursday", "Friday"), "en", "date", "altered", "→"),
        # names
        (EN, "en", EN.replace("Helen Carter", "Laura Becker"), "en", "entity", "altered", "Helen Carter → Laura Becker"),
        (FR, "fr", EN.replace("Helen Carter", "Laura Becker"), "en", "entity", "altered", "Helen Carter → Laura Becker"),
        # hedges
        (EN, "en", EN.replace("reportedly ", ""), "en", "certainty", "altered", "hedge 'reportedly' removed"),
        (DE, "de", DE.replace("angeblich ", ""), "de", "certainty", "altered", "hedge 'angeblich' removed"),
        (EN, "en", EN.replace("The regional council approved", "The regional council allegedly approved"), "en",
         "certainty", "altered", "hedge 'allegedly' added"),
        # negation
        (EN, "en", EN.replace("approved a budget", "did not approve a budget"), "en", "negation", "altered", "negation 'not' added"),
        (DE, "de", DE.replace("hat am Donnerstag einen Haushalt", "hat am Donnerstag keinen Haushalt"), "de",
         "negation", "altered", "added"),
        (FR, "fr", FR.replace("a approuvé jeudi", "n'a pas approuvé jeudi"), "fr", "negation", "altered", "added"),
        # speakers
        (EN, "en", EN.replace("Mayor Helen Carter said", "Governor Tom Reilly said"), "en", "attribution", "altered", "speaker changed"),
        # dropped and added sentences
        (EN, "en", EN.rsplit(". ", 1)[0] + ".", "en", "claim", "dropped", "claim not in the version"),
        (EN, "en", EN + " Construction of a new bridge across the river will start next spring.", "en",
         "claim", "added", "claim not in the reference"),
    ],
)
def test_one_known_change_is_found(reference, rl, version, vl, kind, status, detail):
    found = changes(reference, rl, version, vl)
    hits = found[(found["kind"] == kind) & (found["status"] == status)]
    assert not hits.empty, found[["status", "kind", "detail"]].to_string()
    assert any(detail in text for text in hits["detail"]), list(hits["detail"])


def test_spans_point_at_the_changed_words():
    version = EN.replace("85 million", "58 million")
    row = changes(EN, "en", version, "en").query("kind == 'number'").iloc[0]
    assert EN[row["source_start"]:row["source_end"]] == row["source_text"] and "85 million" in row["source_text"]
    assert version[row["start"]:row["end"]] == row["version_text"] and "58 million" in row["version_text"]


@pytest.mark.parametrize(
    ("reference", "rl", "version", "vl"),
    [
        (EN, "en", "On Thursday the regional council passed a budget of €85 million. According to Mayor Helen Carter, "
                   "the funds are meant for schools and hospitals. The opposition is reportedly planning a court "
                   "challenge against the decision.", "en"),
        (DE, "de", EN, "en"),
        (FR, "fr", EN, "en"),
        (FR, "fr", DE, "de"),
    ],
)
def test_paraphrases_and_translations_are_not_alterations(reference, rl, version, vl):
    found = changes(reference, rl, version, vl)
    flagged = found[found["kind"].isin(["number", "date", "entity", "negation"])]
    assert flagged.empty, flagged[["status", "kind", "detail"]].to_string()
    assert (found["kind"] != "claim").all() or found.empty


def test_unchanged_copy_is_kept_verbatim():
    table = compare_texts(EN, "en", EN, "en")
    assert set(table["status"]) == {"kept"} and set(table["detail"]) == {"kept verbatim"}


@pytest.mark.parametrize("text", ["", "   \n ", "🙂🙂🙂"])
def test_empty_versions(text):
    table = compare_texts(EN, "en", text, "en")
    assert list(table.columns) == list(MUTATION_COLUMNS)
    assert set(table["status"]) <= {"dropped"}
    assert compare_texts(text, "en", text, "en").empty


def _family_tables(texts: dict[str, tuple[str, str]]):
    from spin.claims import claims_table
    from spin.language import sentences_table

    articles = pd.DataFrame([{"article_id": k, "language": lang, "text": text, "title": "", "published": ""}
                             for k, (text, lang) in texts.items()])
    sentences = sentences_table(articles)
    return articles, sentences, claims_table(articles, sentences)


def test_family_table_and_claim_groups_follow_each_claim():
    texts = {
        "ref": (EN, "en"),
        "copy": (EN, "en"),
        "changed": (EN.replace("85 million", "58 million"), "en"),
        "short": (EN.rsplit(". ", 1)[0] + ".", "en"),
        "german": (DE, "de"),
    }
    articles, sentences, claims = _family_tables(texts)
    pairs = [("ref", other) for other in texts if other != "ref"]
    table = mutations_table(articles, sentences, claims, pairs)
    assert set(table["article_id"]) == {"copy", "changed", "short", "german"} and set(table["reference"]) == {"ref"}
    groups = claim_groups(table, claims, sentences, "ref")
    status = groups.pivot_table(index="group_id", columns="article_id", values="status", aggfunc="first")
    assert list(status.index) == ["c000", "c001", "c002"]
    assert status.loc["c000", "changed"] == "altered" and status.loc["c000", "copy"] == "kept"
    assert status.loc["c002", "short"] == "dropped" and status.loc["c001", "short"] == "kept"
    assert (status["ref"] == "kept").all()


def test_empty_table_has_the_columns():
    assert list(empty_mutations().columns) == list(MUTATION_COLUMNS)
