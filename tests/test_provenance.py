"""Provenance: similarity, shared changes, consensus, the derivation tree, exports and credits.

Small families written for these tests in en, de and fr (none of it comes from the seeds): a
chain that keeps an error, siblings sharing changes from a lost version, a verbatim copy, a
truncated excerpt, translations, credit lines, a version in an unsupported language.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from spin import boilerplate, claims, editorial, language
from spin.corpus import ARTICLE_COLUMNS
from spin.provenance import (
    CONSENSUS_COLUMNS,
    CREDIT_COLUMNS,
    LOST_ORIGINAL,
    RELATIONS,
    SHARED_CHANGE_COLUMNS,
    SIMILARITY_COLUMNS,
    STEMMA_COLUMNS,
    consensus_text,
    credits_table,
    language_free_anchors,
    provenance_tables,
    stemma_table,
    to_dot,
    write_graph,
)

SOURCE = [
    "Harbour council approves new ferry line",
    "The harbour council of Kelsport approved a new ferry line on Tuesday, mayor Ingrid Solvang said.",
    "The project will cost 85 million euros and the first boats should sail in 2027.",
    "Engineers from Vantor Marine will build four electric ferries for the route.",
    "Each ferry will carry up to 300 passengers between the old town and the island of Brekka.",
    "Fishermen fear that the new piers will block their access to the northern quay.",
    "The council promised to publish an environmental study before construction starts.",
    "Opponents have until March to file objections with the regional court.",
    "Ticket prices will be set by the transport authority next year.",
]
SOURCE_DE = [
    "Hafenrat genehmigt neue Fährlinie",
    "Der Hafenrat von Kelsport hat am Dienstag eine neue Fährlinie genehmigt, sagte Bürgermeisterin Ingrid Solvang.",
    "Das Projekt kostet 85 Millionen Euro, und die ersten Schiffe sollen 2027 fahren.",
    "Ingenieure von Vantor Marine werden vier elektrische Fähren für die Strecke bauen.",
    "Jede Fähre wird bis zu 300 Passagiere zwischen der Altstadt und der Insel Brekka befördern.",
    "Fischer befürchten, dass die neuen Anleger ihren Zugang zum Nordkai versperren.",
    "Der Rat versprach, vor Baubeginn eine Umweltstudie zu veröffentlichen.",
    "Gegner können bis März beim Landgericht Einspruch erheben.",
    "Die Fahrpreise wird die Verkehrsbehörde im nächsten Jahr festlegen.",
]
SOURCE_FR = [
    "Le conseil portuaire approuve une nouvelle ligne de ferry",
    "Le conseil portuaire de Kelsport a approuvé mardi une nouvelle ligne de ferry, a déclaré la maire Ingrid Solvang.",
    "Le projet coûtera 85 millions d'euros et les premiers bateaux devraient naviguer en 2027.",
    "Les ingénieurs de Vantor Marine construiront quatre ferries électriques pour la ligne.",
    "Chaque ferry transportera jusqu'à 300 passagers entre la vieille ville et l'île de Brekka.",
    "Les pêcheurs craignent que les nouveaux pontons bloquent leur accès au quai nord.",
    "Le conseil a promis de publier une étude environnementale avant le début des travaux.",
    "Les opposants ont jusqu'en mars pour déposer un recours devant le tribunal régional.",
    "Les prix des billets seront fixés par l'autorité des transports l'année prochaine.",
]


def text(sentences: list[str]) -> str:
    return sentences[0] + "\n\n" + " ".join(sentences[1:])


def replaced(sentences: list[str], *pairs: tuple[str, str]) -> list[str]:
    out = list(sentences)
    for old, new in pairs:
        out = [sentence.replace(old, new) for sentence in out]
    return out


def prepared(versions: dict[str, tuple[str, str]]) -> dict:
    """The tables provenance reads, made the way the pipeline makes them."""
    rows = []
    for article_id, (body, lang) in versions.items():
        row = {column: "" for column in ARTICLE_COLUMNS}
        row.update({"article_id": article_id, "file": f"{article_id}.txt", "language": lang, "role": "repost",
                    "text": body, "raw_text": body})
        rows.append(row)
    articles, removed = boilerplate.strip_boilerplate(pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS)))
    articles = language.detect_articles(articles)
    sentences = language.sentences_table(articles)
    claim_table = claims.claims_table(articles, sentences)
    editorial_table = editorial.editorial_table(sentences)
    return {"articles": articles, "boilerplate": removed, "sentences": sentences, "claims": claim_table,
            "editorial": editorial_table, "summary": editorial.editorial_summary(editorial_table, sentences)}


def run(versions: dict[str, tuple[str, str]], source: str | None = None) -> dict:
    tables = prepared(versions)
    return provenance_tables(tables["articles"], tables["sentences"], tables["claims"], tables["boilerplate"],
                             tables["summary"], source=source, editorial=tables["editorial"])


def parent_of(result: dict) -> dict[str, str]:
    return {child: parent for parent, child in result["graph"].edges()}


def relation_of(result: dict, child: str) -> str:
    graph = result["graph"]
    parent = next(iter(graph.predecessors(child)))
    return graph.edges[parent, child]["relation"]


# A rewrite that turns 85 million into 58 million and adds a sentence; a repost of it that keeps
# the wrong number and moves the date; a verbatim copy and an excerpt of the source; a German
# and a French translation of the source.
REWRITE = replaced(SOURCE, ("85 million", "58 million"), ("Engineers from", "Shipbuilders at")) + [
    "Local shops expect more visitors from the mainland once the boats run."]
REPOST = replaced(REWRITE, ("in 2027", "in 2029"))
FAMILY = {
    "source": (text(SOURCE), "en"),
    "rewrite": (text(REWRITE), "en"),
    "repost": (text(REPOST), "en"),
    "copy": (text(SOURCE), "en"),
    "excerpt": (text(SOURCE[:5]), "en"),
    "german": (text(SOURCE_DE), "de"),
    "french": (text(SOURCE_FR), "fr"),
}


@pytest.fixture(scope="module")
def family() -> dict:
    return run(FAMILY, source="source")


def test_tables_have_the_documented_columns(family):
    for name, columns in (("similarity", SIMILARITY_COLUMNS), ("shared_changes", SHARED_CHANGE_COLUMNS),
                          ("consensus", CONSENSUS_COLUMNS), ("stemma", STEMMA_COLUMNS)):
        assert list(family[name].columns) == list(columns), name
    assert list(family["credits"].columns) == list(CREDIT_COLUMNS)
    assert family["reference"] == "source"
    assert set(family["stemma"]["relation"]) <= set(RELATIONS)
    assert family["stemma"]["confidence"].between(0, 1).all()


@pytest.mark.parametrize(
    ("child", "parent", "relation"),
    [
        ("rewrite", "source", "rewrite"),      # changed a number and a name, added a sentence
        ("repost", "rewrite", "copy"),         # word for word but the year: keeps the rewrite's 58 million
        ("copy", "source", "copy"),            # word for word
        ("excerpt", "source", "excerpt"),      # the first five sentences, verbatim
        ("german", "source", "translation"),
        ("french", "source", "translation"),
    ],
)
def test_each_version_gets_its_parent_and_relation(family, child, parent, relation):
    assert parent_of(family)[child] == parent
    assert relation_of(family, child) == relation


def test_the_tree_is_rooted_at_the_source_and_every_edge_has_evidence(family):
    graph = family["graph"]
    assert nx.is_arborescence(graph)
    assert graph.graph["root"] == "source"
    for _, _, data in graph.edges(data=True):
        assert data["evidence"]
    evidence = graph.edges["rewrite", "repost"]["evidence"]
    assert evidence["inherited_changes"] >= 1  # 58 million came from the rewrite
    assert any(change["kind"] == "date" for change in evidence["changes_first_seen_here"])  # 2027 -> 2029 is the repost's own


def test_the_wrong_number_is_a_shared_change_of_rewrite_and_repost(family):
    shared = family["shared_changes"]
    numbers = shared[shared["kind"] == "number"]
    assert any(ids == ["repost", "rewrite"] and "58" in row_text for ids, row_text in zip(numbers["article_ids"], numbers["text"]))
    added = shared[shared["kind"] == "claim"]
    assert any("Local shops" in row_text for row_text in added["text"])


def test_similarity_is_computed_on_pruned_pairs_with_evidence(family):
    similarity = family["similarity"]
    versions = len(FAMILY)
    assert 0 < len(similarity) < versions * (versions - 1) / 2
    assert similarity["score"].between(0, 1).all()
    cross = similarity[[e["languages"][0] != e["languages"][1] for e in similarity["evidence"]]]
    assert not cross.empty and all("wording" not in e["components"] for e in cross["evidence"])


def test_mutations_along_edges_show_where_the_error_first_appears(family):
    assert ("rewrite", "repost") in family["edge_pairs"]
    mutations = family["mutations"]
    along = mutations[(mutations["reference"] == "rewrite") & (mutations["article_id"] == "repost")]
    changed = along[along["status"] != "kept"]
    assert set(changed["kind"]) == {"date"}  # the number was already wrong in the parent


def test_siblings_sharing_changes_get_a_hypothetical_parent():
    lost = replaced(SOURCE, ("85 million", "95 million"), ("four electric", "six electric")) + [
        "A second route to the airport is under discussion."]
    versions = {
        "source": (text(SOURCE), "en"),
        "left": (text(replaced(lost, ("Tuesday", "Monday"))), "en"),
        "right": (text(replaced(lost, ("March", "April"))), "en"),
        "copy": (text(SOURCE), "en"),
    }
    result = run(versions, source="source")
    parents = parent_of(result)
    assert parents["left"] == parents["right"] != "source"
    hypothetical = parents["left"]
    assert result["graph"].nodes[hypothetical]["kind"] == "hypothetical"
    assert parents[hypothetical] == "source"
    assert parents["copy"] == "source"
    evidence = result["graph"].edges["source", hypothetical]["evidence"]
    assert evidence["hypothetical"] and evidence["shared_added_sentences"] == 1
    assert {change["kind"] for change in evidence["shared_changes"]} == {"number"}


def test_without_a_source_the_consensus_is_the_reference():
    # Three independent rewrites each change one thing; the majority reading is the original's.
    versions = {
        "a": (text(replaced(SOURCE, ("300 passengers", "350 passengers"))), "en"),
        "b": (text(replaced(SOURCE, ("Opponents have until March", "Opponents have until May"))), "en"),
        "c": (text(replaced(SOURCE, ("85 million", "80 million"))), "en"),
        "d": (text(SOURCE_DE), "de"),
    }
    result = run(versions)
    assert result["reference"] == "consensus"
    assert result["graph"].graph["root"] == LOST_ORIGINAL
    body = " ".join(result["consensus"]["text"])
    assert "85 million" in body and "300 passengers" in body and "until March" in body
    assert set(result["consensus"]["language"]) == {"en"}
    assert result["consensus"]["confidence"].between(0, 1).all()
    assert all(len(versions) >= 2 for versions in result["consensus"]["supporting_versions"])
    assert set(parent_of(result).values()) == {LOST_ORIGINAL}
    assert relation_of(result, "d") == "translation"
    readable = consensus_text(result["consensus"])
    assert "85 million" in readable and "branches" in readable
    articles, sentences, claim_rows = result["reference_tables"]
    consensus_body = articles["text"].iloc[0]
    for row in sentences.itertuples():
        assert consensus_body[row.start:row.end] == row.text
    for row in claim_rows.itertuples():
        assert consensus_body[row.start:row.end] == row.text
        for number in row.numbers:
            assert consensus_body[number["start"]:number["end"]] == number["text"]


def test_a_version_in_an_unsupported_language_hangs_by_numbers_and_names():
    spanish = ("El consejo portuario de Kelsport aprobó el martes una nueva línea de ferry, dijo la alcaldesa "
               "Ingrid Solvang. El proyecto costará 85 millones de euros y los primeros barcos zarparán en 2027. "
               "Cada ferry llevará hasta 300 pasajeros entre el casco antiguo y la isla de Brekka.")
    versions = {"source": (text(SOURCE), "en"), "copy": (text(SOURCE), "en"), "spanish": (spanish, "")}
    tables = prepared(versions)
    assert tables["articles"].set_index("article_id").loc["spanish", "language"].startswith("unsupported")
    result = provenance_tables(tables["articles"], tables["sentences"], tables["claims"], tables["boilerplate"],
                               tables["summary"], source="source")
    graph = result["graph"]
    assert graph.nodes["spanish"]["kind"] == "unsupported"
    parent = next(iter(graph.predecessors("spanish")))
    assert parent in ("source", "copy")
    evidence = graph.edges[parent, "spanish"]["evidence"]
    assert {"85", "300", "2027", "kelsport", "brekka"} <= set(evidence["shared_anchors"])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("La isla de Brekka tiene 1.250 habitantes.", {"d:1250", "w:brekka"}),
        ("Kelsport (population 48,000) lies north.", {"d:48000"}),  # a sentence-initial name is not taken
        ("", set()),
        ("🙂🙂", set()),
    ],
)
def test_language_free_anchors(body, expected):
    assert language_free_anchors(body) == expected


@pytest.mark.parametrize(
    ("body", "lang", "credited", "kind"),
    [
        ("The council approved the ferry line.\n\nSource: Kelsport Tribune", "en", True, "credit_line"),
        ("The council approved the ferry line, as first reported by the Kelsport Tribune.", "en", True, "credit_phrase"),
        ("Der Rat hat die Fährlinie genehmigt, wie die Kelsport Zeitung berichtete.", "de", True, "credit_phrase"),
        ("Le conseil a approuvé la ligne, selon un article du Courrier de Kelsport.", "fr", True, "credit_phrase"),
        ("The council approved the ferry line, according to the mayor.", "en", False, None),
        ("", "en", False, None),
    ],
)
def test_credits(body, lang, credited, kind):
    tables = prepared({"version": (body, lang)}) if body else {"articles": pd.DataFrame(
        [{**{c: "" for c in ARTICLE_COLUMNS}, "article_id": "version", "language": lang}]), "boilerplate": None}
    table = credits_table(tables["articles"], tables["boilerplate"])
    row = table.set_index("article_id").loc["version"]
    assert bool(row["credits_source"]) is credited
    if kind:
        assert kind in {item["kind"] for item in row["evidence"]}


def test_credits_name_the_source_outlet_when_known():
    versions = {"source": ("The council approved the ferry line.", "en"),
                "repost": ("The council approved the ferry line. Kelsport Tribune had the story first.", "en"),
                "other": ("The council approved the ferry line.", "en")}
    tables = prepared(versions)
    articles = tables["articles"].copy()
    articles.loc[articles["article_id"] == "source", "outlet"] = "Kelsport Tribune"
    table = credits_table(articles, tables["boilerplate"], source="source").set_index("article_id")
    assert table.loc["repost", "credits_source"] and not table.loc["other", "credits_source"]
    assert table.loc["source", "evidence"][0]["kind"] == "is_source"


def test_graph_exports_are_deterministic(family, tmp_path):
    first = write_graph(family["graph"], tmp_path / "one")
    second = write_graph(family["graph"], tmp_path / "two")
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
    read_back = nx.read_graphml(first[0])
    assert set(read_back.edges()) == set(family["graph"].edges())
    dot = first[1].read_text(encoding="utf-8")
    assert dot.startswith("digraph stemma {") and '"source" -> "rewrite"' in dot


def test_dot_escapes_quotes():
    graph = nx.DiGraph(root="a")
    graph.add_node('a "b"', kind="extant", language="en", label='a "b"')
    graph.add_node("c", kind="hypothetical", language="en", label="hypothetical lost version")
    graph.add_edge('a "b"', "c", relation="copy", confidence=0.5, evidence={})
    dot = to_dot(graph)
    assert '"a \\"b\\""' in dot and "style=dashed" in dot


@pytest.mark.parametrize("versions", [{}, {"blank": ("   ", "en")}, {"emoji": ("🙂🙂🙂", "en")}])
def test_empty_input_gives_empty_tables(versions):
    rows = [{**{c: "" for c in ARTICLE_COLUMNS}, "article_id": k, "text": v[0], "raw_text": v[0], "language": v[1]}
            for k, v in versions.items()]
    articles = pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS))
    empty = pd.DataFrame(columns=["article_id", "sent_id", "start", "end", "text", "kind", "language"])
    result = provenance_tables(articles, empty, pd.DataFrame(), None, None)
    assert result["reference"] is None and result["edge_pairs"] == []
    for name, columns in (("similarity", SIMILARITY_COLUMNS), ("consensus", CONSENSUS_COLUMNS),
                          ("stemma", STEMMA_COLUMNS), ("shared_changes", SHARED_CHANGE_COLUMNS)):
        assert list(result[name].columns) == list(columns) and result[name].empty
    assert stemma_table(nx.DiGraph()).empty


def test_a_single_version_hangs_from_the_lost_original():
    result = run({"only": (text(SOURCE), "en")})
    assert list(result["graph"].edges()) == [(LOST_ORIGINAL, "only")]
    assert relation_of(result, "only") == "copy"
    assert len(result["consensus"]) == len(SOURCE)
