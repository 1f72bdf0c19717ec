"""Where each version came from: similarity, shared changes, consensus source, derivation tree, credits.

The questions a fact-checker asks of a spun story family, answered with evidence for each step:

1. **Which versions are alike?** Versions are paired cheaply on their claim anchors and word
   prefixes (copies collapsed into one); only each version's few most useful partners, plus the
   pairs that keep the family connected, are aligned sentence by sentence
   (:func:`align_candidates`).
   :func:`similarity_table` scores every aligned pair from the sentences it links, the claims it
   shares and, within a language, the wording it shares.
2. **Which sentences are one claim across the family?** :func:`collate` joins the pairwise links
   into claim groups (the columns of a collation): a group holds at most one run of consecutive
   sentences per version, and the groups are put in the family's reading order.
3. **What did the original say?** :func:`consensus` picks, for each claim group, the reading
   (numbers, dates, names, polarity, hedges, quotation) attested by the most independent
   branches (two copies of one parent are one witness) and quotes the witness sentence that
   carries it best, in its own language.
4. **Who copied whom, and where did each error first appear?** Each version is compared with
   the reference (the source, or the consensus) by :func:`spin.mutations.mutations_table`; its
   changes, omissions and additions are its readings. :func:`build_stemma` prices every possible
   edge: a parent must hold the reference sentences its child holds (information loss), a child
   keeps its parent's changes (inherited errors), a parent is not younger than its child (dates),
   and a change of language or wording costs. The derivation tree is the cheapest arborescence
   (Edmonds), rooted at the source or at a ``lost_original`` node; siblings sharing changes their
   parent lacks get a hypothetical lost common parent. Each edge gets a relation, a confidence
   and its evidence.
5. **Does it credit its source?** :func:`credits_table`.

Versions in unsupported languages take part through numbers and names only
(:func:`language_free_anchors`): they join the tree as leaves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from spin.align import ALIGNMENT_COLUMNS, align_sentences, load_dictionary
from spin.claims import entity_families
from spin.corpus import ARTICLE_COLUMNS
from spin.language import SUPPORTED, tokenize
from spin.mutations import empty_mutations, mutations_table
from spin.resources import word_table
from spin.settings import default_settings
from spin.translation import machine_translation_likelihood

RELATIONS = (
    "copy", "excerpt", "rewrite", "editorialised_rewrite", "summary", "translation", "round_trip_translation",
)
SIMILARITY_COLUMNS = ("a", "b", "score", "evidence")
SHARED_CHANGE_COLUMNS = ("change_id", "article_ids", "kind", "text", "detail")
CONSENSUS_COLUMNS = ("sent_id", "text", "language", "supporting_versions", "confidence", "kind", "witness")
STEMMA_COLUMNS = ("parent", "child", "relation", "confidence", "evidence")
CREDIT_COLUMNS = ("article_id", "credits_source", "evidence")
LOST_ORIGINAL = "lost_original"
CONSENSUS_ID = "consensus"
HYPOTHETICAL_PREFIX = "hypothetical_"
MAJOR_CHANGE_KINDS = frozenset({"number", "date", "entity", "negation"})
_ALIGNMENT_LINK_COLUMNS = ("link_id", "reference", "ref_sent", "article_id", "sent_id", "score", "method", "evidence")
_OUTLET = r"(?-i:(?P<outlet>(?:[A-Z][\w&'’.-]*|[a-z][\w-]*\.(?:com|org|net|co\.uk|de|fr|ch|at|be))(?:\s+[A-Z][\w&'’.-]*){0,3}))"
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>\"']+")
_DIGITS = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_CAPITALISED = re.compile(r"(?<![\w.])[^\W\d_][\w'’-]*")
_SENTENCE_END = re.compile(r"[.!?…:]\s*$")


# ---------------------------------------------------------------------------------------------
# Structures


@dataclass(frozen=True)
class Collation:
    """The family's sentences grouped across versions into claim groups.

    ``members[group][article_id]`` is the run of the article's sentence ids in the group;
    ``order`` lists the groups in the family's reading order.
    """

    members: Mapping[str, Mapping[str, tuple[int, ...]]]
    order: tuple[str, ...]

    def with_member(self, article_id: str, groups: Mapping[str, tuple[int, ...]]) -> Collation:
        """The collation with one more article (the consensus) placed in existing groups."""
        members = {group: {**found, **({article_id: groups[group]} if group in groups else {})}
                   for group, found in self.members.items()}
        return Collation(members, self.order)


@dataclass(frozen=True)
class Change:
    """One change of a version against the reference, as a comparable item.

    ``group`` is the claim group, ``kind`` and ``status`` those of the mutation row, ``value``
    the normalised new value (a number key, a date, a name's family key, a direction); two
    versions share a change when these four agree. ``text`` and ``detail`` are for the reader.
    """

    group: str
    kind: str
    status: str
    value: str
    text: str = field(default="", compare=False)  # the words in the version (one holder's, for evidence)
    detail: str = field(default="", compare=False)  # the mutation row's detail ("85 million → 58 million")


@dataclass(frozen=True)
class Node:
    """A version (or the reference, or a hypothetical lost version) as the tree builder sees it."""

    name: str
    language: str
    published: dt.date | None = None
    texts: Mapping[str, str] = field(default_factory=dict)  # group -> the node's text in it
    order: tuple[str, ...] = ()  # the node's groups in its reading order
    groups: frozenset[str] = frozenset()
    changes: frozenset[Change] = frozenset()
    editorial: float = math.nan  # the version's editorialising score (editorial_summary)
    kind: str = "extant"  # extant / source / lost_original / hypothetical
    scores: Mapping[str, float] = field(default_factory=dict)  # group -> editorialising score of its sentences


# ---------------------------------------------------------------------------------------------
# Settings


def _settings(settings: Mapping | None = None) -> Mapping:
    return (settings or default_settings())["provenance"]


# ---------------------------------------------------------------------------------------------
# The entry point


def provenance_tables(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    claims: pd.DataFrame,
    boilerplate: pd.DataFrame,
    editorial_summary: pd.DataFrame,
    translation: pd.DataFrame | None = None,
    source: str | None = None,
    editorial: pd.DataFrame | None = None,
    settings: Mapping | None = None,
) -> dict:
    """Every provenance table of a family, the tree, and the reference to compare versions with.

    Returns a dict with the tables ``similarity``, ``shared_changes``, ``consensus``, ``stemma``,
    ``credits`` and ``mutations`` (every version against the reference and every child against
    its parent, aligned through the collation), plus ``graph`` (the networkx DiGraph),
    ``reference`` (the source's article_id, or ``"consensus"``), ``reference_reason``,
    ``reference_tables`` (articles, sentences and claims rows of the consensus article, empty
    when the source is given), ``edge_pairs`` ((parent, child) article pairs for mutations along
    the tree; a hypothetical parent is replaced by its nearest extant ancestor, and edges whose
    parent is the reference are left out because they are the reference comparisons) and
    ``alignment`` (alignment-table rows of those comparisons, for
    :func:`spin.mutations.mutations_table`).
    """
    config = _settings(settings)
    scored_ids = set(sentences["article_id"]) if not sentences.empty else set()
    scored = articles[articles["article_id"].isin(scored_ids) & articles["language"].isin(SUPPORTED)]
    others = articles[~articles["article_id"].isin(set(scored["article_id"]))]
    source = source if source in set(scored["article_id"]) else None
    credits = credits_table(articles, boilerplate, source)
    if scored.empty:
        return _empty_result(credits)

    sentences = sentences[sentences["article_id"].isin(set(scored["article_id"]))]
    claims = claims[claims["article_id"].isin(set(scored["article_id"]))] if not claims.empty else claims
    alignments = align_candidates(sentences, claims, settings=settings)
    similarity = similarity_table(scored, sentences, claims, alignments, settings)
    view = _view(scored, sentences, claims, collate(sentences, alignments, settings), editorial_summary, translation,
                 editorial, settings)

    if source is not None:
        reference, consensus_reference = source, None
        mutations, changes = _reference_changes(view, source)
        graph = _build_stemma(view, source, changes)
        consensus_frame = _consensus(view, _branches(graph, source), _depths(graph, source))
        reason = {"rule": "the source given with --source"}
    else:
        reference = CONSENSUS_ID
        consensus_frame = _consensus(view, _copy_groups(view), {})
        rounds = max(1, int(config["consensus_rounds"]))
        for round_number in range(rounds):
            consensus_reference = _Reference.of(consensus_frame, sentences, claims, view.main_language)
            mutations, changes = _reference_changes(view, CONSENSUS_ID, consensus_reference)
            graph = _build_stemma(view, CONSENSUS_ID, changes, consensus_reference)
            if round_number < rounds - 1:  # each tree tells which versions are independent witnesses
                consensus_frame = _consensus(view, _branches(graph, LOST_ORIGINAL), _depths(graph, LOST_ORIGINAL))
        reason = {
            "rule": "no source given: the consensus of the versions is the reference",
            "branches": len(set(_branches(graph, LOST_ORIGINAL).values())),
            "sentences": int(len(consensus_frame)),
        }
    _attach_unsupported(graph, others, scored, consensus_reference, config)
    all_tables = _with_reference(view, consensus_reference)
    shared = shared_changes_table(mutations, all_tables[1], view.collation_with(consensus_reference), reference, all_tables[2])
    edge_pairs = _edge_pairs(graph, reference)
    edge_links = _alignment_links(view.collation_with(consensus_reference), edge_pairs)
    edge_mutations = mutations_table(*all_tables, edge_pairs, alignment=edge_links) if edge_pairs else mutations.iloc[0:0]
    similarity = pd.concat([similarity, _unsupported_similarity(others, scored, config)], ignore_index=True)
    return {
        "similarity": similarity,
        "shared_changes": shared,
        "consensus": consensus_frame,
        "stemma": stemma_table(graph),
        "credits": credits,
        "mutations": pd.concat([mutations, edge_mutations], ignore_index=True),
        "graph": graph,
        "reference": reference,
        "reference_reason": reason,
        "reference_tables": consensus_reference.tables if consensus_reference else _empty_reference_tables(),
        "edge_pairs": edge_pairs,
        "alignment": edge_links,
    }


def _empty_result(credits: pd.DataFrame) -> dict:
    graph = nx.DiGraph()
    return {
        "similarity": _empty(SIMILARITY_COLUMNS), "shared_changes": _empty(SHARED_CHANGE_COLUMNS),
        "consensus": _empty(CONSENSUS_COLUMNS), "stemma": stemma_table(graph), "credits": credits,
        "mutations": empty_mutations(), "graph": graph, "reference": None, "reference_reason": {"rule": "no usable version"},
        "reference_tables": _empty_reference_tables(), "edge_pairs": [], "alignment": _empty(_ALIGNMENT_LINK_COLUMNS),
    }


# ---------------------------------------------------------------------------------------------
# Pairs worth aligning, and similarity


def align_candidates(sentences: pd.DataFrame, claims: pd.DataFrame | None = None, neighbours: int | None = None,
                     settings: Mapping | None = None) -> dict[tuple[str, str], pd.DataFrame]:
    """Sentence alignments (:func:`spin.align.align_sentences`) of the pairs worth aligning.

    Copies (versions in one language sharing at least ``copy_min_verbatim`` of their sentences
    word for word) are aligned only with their group's longest member, and a pair whose shorter
    version has that share of its sentences word for word in the other is not aligned at all: the collation links
    identical sentences anyway (:func:`collate`) and its frame is made from those identical
    sentences (method ``verbatim``). Among the others, each
    version is aligned with the ``neighbours`` versions that together cover most of its
    signature (claim anchors and word prefixes, weighted by rarity): the first covers most, the
    next most of what is left, so an excerpt does not crowd out the full versions. The pairs of
    a maximum spanning tree over the signatures' similarity are added so that every version is
    reachable. Keys are (a, b) with a < b; a frame's ``a_ids``/``b_ids`` are positions in each
    article's sentences ordered by sent_id.
    """
    config = _settings(settings)
    neighbours = int(config["neighbours"]) if neighbours is None else neighbours
    by_article = _sentences_by_article(sentences)
    if len(by_article) < 2:
        return {}
    languages = {aid: _main_language(rows) for aid, rows in by_article.items()}
    copies = _copy_representatives(by_article, languages, float(config["copy_min_verbatim"]))
    representatives = [aid for aid in by_article if copies[aid] == aid]
    anchors = _article_anchors(claims) if claims is not None else {}
    signatures = {aid: _signature(by_article[aid]["text"], anchors.get(aid, frozenset())) for aid in representatives}
    share = float(config["copy_min_verbatim"])
    covered = {(a, b) for a in representatives for b in representatives
               if a < b and _verbatim_covered(by_article[a], by_article[b], share)}
    chosen = {tuple(sorted((aid, rep))) for aid, rep in copies.items() if aid != rep}
    chosen |= _covering_pairs(signatures, neighbours, covered)
    verbatim = {pair: _verbatim_alignment(by_article[pair[0]], by_article[pair[1]]) for pair in sorted(covered)}
    chosen -= covered
    aligned = {(a, b): _align_pair(by_article[a], languages[a], by_article[b], languages[b]) for a, b in sorted(chosen)}
    return {**verbatim, **aligned}


def _verbatim_alignment(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """An alignment frame linking the word-for-word identical sentences of two versions (method ``verbatim``)."""
    positions: dict[str, list[int]] = defaultdict(list)
    for j, text in enumerate(b["text"]):
        positions[_normalised(text)].append(j)
    rows, used = [], set()
    for i, text in enumerate(a["text"]):
        j = next((j for j in positions.get(_normalised(text), []) if j not in used), None)
        if j is not None:
            used.add(j)
        rows.append({"a_ids": [i], "b_ids": [] if j is None else [j], "score": 1.0 if j is not None else 0.0})
    rows += [{"a_ids": [], "b_ids": [j], "score": 0.0} for j in range(len(b)) if j not in used]
    return pd.DataFrame([{"link_id": k, **row, "method": "verbatim", "evidence": {"verbatim": bool(row["a_ids"] and row["b_ids"])}}
                         for k, row in enumerate(rows)], columns=list(ALIGNMENT_COLUMNS))


def _align_pair(a: pd.DataFrame, language_a: str, b: pd.DataFrame, language_b: str) -> pd.DataFrame:
    dictionary = load_dictionary(language_a, language_b) if language_a != language_b else None
    return align_sentences(a["text"].tolist(), language_a, b["text"].tolist(), language_b, dictionary)


def _verbatim_covered(a: pd.DataFrame, b: pd.DataFrame, share: float) -> bool:
    """Is at least ``share`` of the shorter version's sentences word for word in the other (no alignment needed)?"""
    texts_a = {_normalised(text) for text in a["text"]}
    texts_b = {_normalised(text) for text in b["text"]}
    shorter = min(texts_a, texts_b, key=len)
    return bool(shorter) and len(texts_a & texts_b) >= share * len(shorter)


def _copy_representatives(by_article: Mapping[str, pd.DataFrame], languages: Mapping[str, str],
                          min_share: float) -> dict[str, str]:
    """Each version's copy group representative (its longest member; the version itself when it has no copy)."""
    hashes = {aid: frozenset(_normalised(text) for text in rows["text"]) for aid, rows in by_article.items()}
    graph = nx.Graph()
    graph.add_nodes_from(by_article)
    ids = list(by_article)
    for k, a in enumerate(ids):
        for b in ids[k + 1:]:
            if languages[a] == languages[b] and hashes[a] and hashes[b]:
                if len(hashes[a] & hashes[b]) >= min_share * max(len(hashes[a]), len(hashes[b])):
                    graph.add_edge(a, b)
    representative = {}
    for component in nx.connected_components(graph):
        best = max(sorted(component, key=ids.index), key=lambda aid: len(by_article[aid]))
        representative.update({aid: best for aid in component})
    return representative


def _signature(texts: Iterable[str], anchors: frozenset[str]) -> frozenset[str]:
    """A version's cheap language-independent keys: its claim anchors and the 5-letter prefixes of its long words."""
    keys = {"a:" + anchor for anchor in anchors}
    keys.update("p:" + _fold(word)[:5] for text in texts for _, _, word in tokenize(text) if len(word) >= 6 and not word.isdigit())
    return frozenset(keys)


def _covering_pairs(signatures: Mapping[str, frozenset[str]], neighbours: int,
                    free: set[tuple[str, str]] = frozenset()) -> set[tuple[str, str]]:
    """Per version, the neighbours that cover most of its signature in turn; plus a maximum spanning tree.

    A ``free`` pair (linked word for word without an alignment) covers its keys without counting
    as one of the ``neighbours``.
    """
    names = sorted(signatures)
    frequency = Counter(key for name in names for key in signatures[name])
    weight = {key: math.log(1 + len(names) / count) for key, count in frequency.items()}
    chosen: set[tuple[str, str]] = set()
    spanning = nx.Graph()
    spanning.add_nodes_from(names)
    for k, a in enumerate(names):
        for b in names[k + 1:]:
            union = signatures[a] | signatures[b]
            shared = sum(weight[key] for key in signatures[a] & signatures[b])
            spanning.add_edge(a, b, weight=shared / (sum(weight[key] for key in union) or 1.0))
    for name in names:
        uncovered = set(signatures[name])
        others = [other for other in names if other != name]
        for other in others:
            if tuple(sorted((name, other))) in free:
                uncovered -= signatures[other]
        others = [other for other in others if tuple(sorted((name, other))) not in free]
        for _ in range(min(neighbours, len(others))):
            gains = {other: sum(weight[key] for key in uncovered & signatures[other]) for other in others}
            best = max(others, key=lambda other: (round(gains[other], 9), spanning.edges[name, other]["weight"]))
            if gains[best] <= 0:
                break
            chosen.add(tuple(sorted((name, best))))
            uncovered -= signatures[best]
            others.remove(best)
    chosen |= {tuple(sorted(edge)) for edge in nx.maximum_spanning_tree(spanning).edges()}
    return chosen


def similarity_table(articles: pd.DataFrame, sentences: pd.DataFrame, claims: pd.DataFrame,
                     alignment: Mapping[tuple[str, str], pd.DataFrame] | None = None,
                     settings: Mapping | None = None) -> pd.DataFrame:
    """The ``similarity`` table: one row per aligned pair of versions (the pruned candidate pairs).

    ``score`` (0–1) is the mean of the pair's components, each the mean of its two directions:
    ``aligned`` (share of each version's sentences linked to the other), ``claims`` (share of
    each version's claim anchors found in the other: numbers, dates, names, quotes) and, within
    one language, ``wording`` (share of each version's word trigrams found in the other).
    ``alignment`` maps (a, b) to :func:`align_candidates` frames (computed when not given).
    """
    alignments = align_candidates(sentences, claims, settings=settings) if alignment is None else alignment
    if not alignments:
        return _empty(SIMILARITY_COLUMNS)
    by_article = _sentences_by_article(sentences)
    anchors = _article_anchors(claims)
    rows = []
    for (a, b), links in sorted(alignments.items()):
        if a not in by_article or b not in by_article:
            continue
        la, lb = _main_language(by_article[a]), _main_language(by_article[b])
        linked_a = {i for ids_a, ids_b in zip(links["a_ids"], links["b_ids"]) if ids_a and ids_b for i in ids_a}
        linked_b = {j for ids_a, ids_b in zip(links["a_ids"], links["b_ids"]) if ids_a and ids_b for j in ids_b}
        share_a, share_b = len(linked_a) / max(len(by_article[a]), 1), len(linked_b) / max(len(by_article[b]), 1)
        paired = links[[bool(x) and bool(y) for x, y in zip(links["a_ids"], links["b_ids"])]]
        anchors_a, anchors_b = anchors.get(a, frozenset()), anchors.get(b, frozenset())
        common = anchors_a & anchors_b
        components = {"aligned": round((share_a + share_b) / 2, 4)}
        evidence = {
            "languages": [la, lb],
            "aligned_sentences": {a: [len(linked_a), len(by_article[a])], b: [len(linked_b), len(by_article[b])]},
            "mean_link_score": round(float(paired["score"].mean()), 4) if len(paired) else 0.0,
            "shared_anchors": len(common),
            "anchors": {a: len(anchors_a), b: len(anchors_b)},
            "anchor_examples": sorted(common)[:10],
        }
        if anchors_a and anchors_b:
            components["claims"] = round((len(common) / len(anchors_a) + len(common) / len(anchors_b)) / 2, 4)
        if la == lb:
            trigrams_a, trigrams_b = _trigrams(by_article[a]["text"]), _trigrams(by_article[b]["text"])
            if trigrams_a and trigrams_b:
                shared = len(trigrams_a & trigrams_b)
                components["wording"] = round((shared / len(trigrams_a) + shared / len(trigrams_b)) / 2, 4)
                evidence["shared_trigrams"] = shared
        evidence["components"] = components
        rows.append({"a": a, "b": b, "score": round(float(np.mean(list(components.values()))), 4), "evidence": evidence})
    return pd.DataFrame(rows, columns=list(SIMILARITY_COLUMNS)).astype({"score": "float64"}) if rows else _empty(SIMILARITY_COLUMNS)


def _trigrams(texts: Iterable[str]) -> frozenset[tuple[str, str, str]]:
    words = [word.casefold() for text in texts for _, _, word in tokenize(text)]
    return frozenset(zip(words, words[1:], words[2:]))


def _article_anchors(claims: pd.DataFrame) -> dict[str, frozenset[str]]:
    """Each article's claim anchors (numbers, dates, entity families, quotes)."""
    if claims.empty:
        return {}
    families = _entity_families(claims)
    found: dict[str, set[str]] = defaultdict(set)
    for row in claims.itertuples(index=False):
        found[row.article_id].update(_reading_tokens(row, families))
    return {aid: frozenset(tokens - {"neg", "quote", "hedge", "booster"}) for aid, tokens in found.items()}


# ---------------------------------------------------------------------------------------------
# Collation: claim groups across the family


def collate(sentences: pd.DataFrame, alignments: Mapping[tuple[str, str], pd.DataFrame],
            settings: Mapping | None = None) -> Collation:
    """Join the pairwise sentence links into claim groups, strongest links first.

    Two groups merge only when, for every version in both, the union of its sentences is one
    run of at most ``max_run`` consecutive sentences; a sentence linked to nothing is a group
    of its own. Groups are numbered in the family's reading order (:func:`_reading_order`).
    """
    config = _settings(settings)
    by_article = _sentences_by_article(sentences)
    ids = {aid: rows["sent_id"].astype(int).tolist() for aid, rows in by_article.items()}
    languages = {aid: _main_language(rows) for aid, rows in by_article.items()}
    links = []
    for (a, b), frame in alignments.items():
        if a not in ids or b not in ids:
            continue
        floor = config["min_link_score"] if languages[a] == languages[b] else config["min_link_score_crosslingual"]
        for a_ids, b_ids, score in zip(frame["a_ids"], frame["b_ids"], frame["score"]):
            if a_ids and b_ids and score >= floor:
                links += [(-float(score), a, ids[a][i], b, ids[b][j]) for i in a_ids for j in b_ids]
    links += _verbatim_links(by_article)
    links.sort()
    parent: dict[tuple[str, int], tuple[str, int]] = {}
    groups: dict[tuple[str, int], dict[str, tuple[int, ...]]] = {}
    for aid, sent_ids in ids.items():
        for sent_id in sent_ids:
            parent[(aid, sent_id)] = (aid, sent_id)
            groups[(aid, sent_id)] = {aid: (sent_id,)}

    def find(node):
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    max_run = int(config["max_run"])
    for _, a, i, b, j in links:
        root_a, root_b = find((a, i)), find((b, j))
        if root_a == root_b:
            continue
        merged = _merge_groups(groups[root_a], groups[root_b], max_run)
        if merged is None:
            continue
        keep, drop = min(root_a, root_b), max(root_a, root_b)
        parent[drop] = keep
        groups[keep] = merged
        del groups[drop]
    unordered = list(groups.values())
    order = _reading_order(unordered)
    members = {f"g{number:03d}": unordered[index] for number, index in enumerate(order)}
    return Collation(members, tuple(members))


def _verbatim_links(by_article: Mapping[str, pd.DataFrame]) -> list[tuple[float, str, int, str, int]]:
    """Links between sentences that are word for word the same in two versions (five words or more)."""
    buckets: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for aid, rows in by_article.items():
        for sent_id, text in zip(rows["sent_id"].astype(int), rows["text"]):
            if len(tokenize(text)) >= 5:
                buckets[_normalised(text)].append((aid, sent_id))
    links = []
    for members in buckets.values():
        firsts = list(dict((aid, (aid, sent_id)) for aid, sent_id in reversed(members)).values())[::-1]
        links += [(-2.0, a, i, b, j) for (a, i), (b, j) in zip(firsts, firsts[1:])]  # before any alignment link
    return links


def _merge_groups(a: Mapping[str, tuple[int, ...]], b: Mapping[str, tuple[int, ...]], max_run: int):
    merged = dict(a)
    for aid, sent_ids in b.items():
        if aid in merged:
            union = sorted(set(merged[aid]) | set(sent_ids))
            if union[-1] - union[0] + 1 != len(union) or len(union) > max_run:
                return None
            merged[aid] = tuple(union)
        else:
            merged[aid] = sent_ids
    return merged


def _reading_order(groups: Sequence[Mapping[str, tuple[int, ...]]]) -> list[int]:
    """Indices of ``groups`` in the order the versions read them.

    Groups are placed one by one, most attested first, each where it contradicts the fewest
    precedences seen in the versions that hold it and a group already placed.
    """
    before: dict[tuple[int, int], int] = Counter()
    by_article: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for index, members in enumerate(groups):
        for aid, sent_ids in members.items():
            by_article[aid].append((min(sent_ids), index))
    for positions in by_article.values():
        ordered = [index for _, index in sorted(positions)]
        for k, first in enumerate(ordered):
            for second in ordered[k + 1:]:
                before[(first, second)] += 1
    placed: list[int] = []
    for index in sorted(range(len(groups)), key=lambda i: (-len(groups[i]), _first_position(groups[i]), i)):
        best, best_cost = len(placed), None
        # cost of inserting at position p: placed groups after p that should come before, and vice versa
        after_votes = [before.get((other, index), 0) for other in placed]
        before_votes = [before.get((index, other), 0) for other in placed]
        cost = sum(after_votes)  # inserting at 0 puts every placed group after it
        for position in range(len(placed) + 1):
            if best_cost is None or cost < best_cost:
                best, best_cost = position, cost
            if position < len(placed):
                cost += before_votes[position] - after_votes[position]
        placed.insert(best, index)
    return placed


def _first_position(members: Mapping[str, tuple[int, ...]]) -> float:
    return float(np.median([min(ids) for ids in members.values()]))


# ---------------------------------------------------------------------------------------------
# The family as the tree builder sees it


@dataclass(frozen=True)
class _FamilyView:
    """The tables of one family with what every step derives from them once."""

    articles: pd.DataFrame
    sentences: pd.DataFrame
    claims: pd.DataFrame
    collation: Collation
    editorial_scores: Mapping[str, float]
    translation: pd.DataFrame | None
    editorial: pd.DataFrame | None
    config: Mapping

    @property
    def ids(self) -> list[str]:
        return self.articles["article_id"].tolist()

    @property
    def languages(self) -> dict[str, str]:
        return dict(zip(self.articles["article_id"], self.articles["language"]))

    @property
    def main_language(self) -> str:
        """The language most versions are written in (ties: the first version's)."""
        counts = Counter(self.articles["language"])
        return max(dict.fromkeys(self.articles["language"]), key=lambda language: counts[language])

    def sentence_texts(self) -> dict[str, dict[int, str]]:
        texts: dict[str, dict[int, str]] = defaultdict(dict)
        for row in self.sentences.itertuples(index=False):
            texts[row.article_id][int(row.sent_id)] = row.text
        return texts

    def collation_with(self, reference: _Reference | None) -> Collation:
        """The collation with the consensus article placed in the groups its sentences come from."""
        if reference is None or reference.frame.empty:
            return self.collation
        groups = {witness["group"]: (int(sent_id),) for sent_id, witness in zip(reference.frame["sent_id"], reference.frame["witness"])}
        return self.collation.with_member(CONSENSUS_ID, groups)


@dataclass(frozen=True)
class _Reference:
    """The consensus as an article: its consensus rows and its articles, sentences and claims rows."""

    frame: pd.DataFrame
    articles: pd.DataFrame
    sentences: pd.DataFrame
    claims: pd.DataFrame

    @classmethod
    def of(cls, frame: pd.DataFrame, sentences: pd.DataFrame, claims: pd.DataFrame, language: str) -> _Reference:
        return cls(frame, *consensus_article(frame, sentences, claims, language))

    @property
    def tables(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        return self.articles, self.sentences, self.claims


def _view(articles, sentences, claims, collation=None, editorial_summary=None, translation=None, editorial=None,
          settings=None) -> _FamilyView:
    if collation is None:
        collation = collate(sentences, align_candidates(sentences, claims, settings=settings), settings)
    return _FamilyView(articles, sentences, claims, collation, _editorial_scores(editorial_summary), translation,
                       editorial, _settings(settings))


def _with_reference(view: _FamilyView, reference: _Reference | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The family's articles, sentences and claims, with the consensus article's rows when there is one."""
    if reference is None or reference.articles.empty:
        return view.articles, view.sentences, view.claims
    return (pd.concat([view.articles, reference.articles], ignore_index=True),
            pd.concat([view.sentences, reference.sentences], ignore_index=True),
            pd.concat([view.claims, reference.claims], ignore_index=True) if not reference.claims.empty else view.claims)


def _editorial_scores(summary: pd.DataFrame | None) -> dict[str, float]:
    if summary is None or summary.empty or "score" not in summary:
        return {}
    return {aid: float(score) for aid, score in zip(summary["article_id"], summary["score"]) if not pd.isna(score)}


def _published(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip()):
        return None
    stamp = pd.to_datetime(value, errors="coerce", utc=True)
    return None if pd.isna(stamp) else stamp.date()


def _nodes(view: _FamilyView, changes: Mapping[str, frozenset[Change]], reference: str,
           consensus_reference: _Reference | None = None) -> dict[str, Node]:
    """A node per version, and one for the reference (the source, or the consensus)."""
    collation = view.collation_with(consensus_reference)
    texts_by_article = view.sentence_texts()
    if consensus_reference is not None and not consensus_reference.sentences.empty:
        rows = consensus_reference.sentences
        texts_by_article[CONSENSUS_ID] = dict(zip(rows["sent_id"].astype(int), rows["text"]))
    groups_by_article: dict[str, dict[str, tuple[int, ...]]] = defaultdict(dict)
    for group, members in collation.members.items():
        for aid, sent_ids in members.items():
            groups_by_article[aid][group] = sent_ids
    published = dict(zip(view.articles["article_id"], view.articles.get("published", pd.Series([None] * len(view.articles)))))
    languages = view.languages
    sentence_scores = _sentence_scores(view.editorial)
    nodes = {}
    for name in view.ids:
        own = groups_by_article.get(name, {})
        order = tuple(sorted(own, key=lambda group: min(own[group])))
        texts = {group: " ".join(texts_by_article[name][i] for i in own[group]) for group in order}
        nodes[name] = Node(name, languages[name], _published(published.get(name)), texts, order, frozenset(order),
                           changes.get(name, frozenset()), view.editorial_scores.get(name, math.nan),
                           "source" if name == reference else "extant",
                           _group_scores(name, own, texts_by_article, sentence_scores))
    if reference == CONSENSUS_ID:
        own = groups_by_article.get(CONSENSUS_ID, {})
        order = tuple(sorted(own, key=lambda group: min(own[group])))
        texts = {group: " ".join(texts_by_article[CONSENSUS_ID][i] for i in own[group]) for group in order}
        witnesses = {witness["group"]: witness for witness in consensus_reference.frame["witness"]}
        scores = {group: _group_scores(witnesses[group]["article_id"], {group: tuple(witnesses[group]["sent_ids"])},
                                       texts_by_article, sentence_scores).get(group) for group in order}
        scores = {group: score for group, score in scores.items() if score is not None}
        values = list(scores.values()) or list(view.editorial_scores.values())
        nodes[CONSENSUS_ID] = Node(CONSENSUS_ID, view.main_language, None, texts, order, frozenset(order), frozenset(),
                                   float(np.mean(values)) if values else math.nan, "lost_original", scores)
    return nodes


def _sentence_scores(editorial: pd.DataFrame | None) -> dict[tuple[str, int], float]:
    if editorial is None or editorial.empty:
        return {}
    return {(aid, int(sent_id)): float(score) for aid, sent_id, score in
            zip(editorial["article_id"], editorial["sent_id"], editorial["score"]) if not pd.isna(score)}


def _group_scores(name: str, own: Mapping[str, tuple[int, ...]], texts: Mapping[str, Mapping[int, str]],
                  sentence_scores: Mapping[tuple[str, int], float]) -> dict[str, float]:
    """Group -> the word-weighted editorialising score of the version's sentences in it."""
    scores = {}
    for group, sent_ids in own.items():
        found = [(sentence_scores[(name, i)], max(len(texts[name][i].split()), 1)) for i in sent_ids if (name, i) in sentence_scores]
        if found:
            scores[group] = sum(score * words for score, words in found) / sum(words for _, words in found)
    return scores


# ---------------------------------------------------------------------------------------------
# Readings: what a claim group says in one version


def _entity_families(claims: pd.DataFrame) -> Mapping[str, str]:
    """Entity key -> family key over all the claims (:func:`spin.claims.entity_families`)."""
    keys = [entity["key"] for entities in claims["entities"] for entity in (entities or [])] if not claims.empty else []
    counts = Counter(keys)
    return _families_of(tuple(sorted(counts.items())))


@lru_cache(maxsize=8)
def _families_of(counted_keys: tuple[tuple[str, int], ...]) -> Mapping[str, str]:
    return entity_families(key for key, count in counted_keys for _ in range(count))


def _is_year(number: Mapping) -> bool:
    return (number.get("kind") == "cardinal" and number.get("low") == number.get("high")
            and float(number.get("low", 0)).is_integer() and 1900 <= number.get("low", 0) <= 2100
            and not number.get("unit") and not number.get("currency"))


def _number_token(number: Mapping) -> str:
    return f"date:{int(number['low'])}" if _is_year(number) else str(number.get("key", number.get("text", "")))


def _reading_tokens(row, families: Mapping[str, str]) -> set[str]:
    """A claim unit's language-independent reading: numbers, dates, names, polarity, certainty, quotation."""
    tokens = {_number_token(n) for n in (row.numbers or [])}
    tokens |= {str(d.get("key")) for d in (row.dates or [])}
    tokens |= {"ent:" + families.get(e["key"], e["key"]) for e in (row.entities or [])}
    tokens |= {c["kind"] for c in (row.certainty or []) if c.get("kind") in ("hedge", "booster")}
    if row.negated:
        tokens.add("neg")
    if any(len(str(q.get("text", "")).split()) >= 4 for q in (row.quotes or [])):
        tokens.add("quote")
    return tokens


def _readings(claims: pd.DataFrame) -> dict[tuple[str, int], frozenset[str]]:
    """(article_id, sent_id) -> the sentence's reading tokens."""
    if claims.empty:
        return {}
    families = _entity_families(claims)
    pooled: dict[tuple[str, int], set[str]] = defaultdict(set)
    for row in claims.itertuples(index=False):
        pooled[(row.article_id, int(row.sent_id))] |= _reading_tokens(row, families)
    return {key: frozenset(tokens) for key, tokens in pooled.items()}


_ROBUST_TOKENS = ("num:", "ord:", "mult:", "date:", "ent:")


def _agreement(a: frozenset[str], b: frozenset[str], same_language: bool = True) -> float:
    """Share of two readings' tokens they have in common (1 when both say nothing checkable).

    Across languages only numbers, dates and names are compared: polarity, hedges and quotation
    marks are read too differently by each language's extraction to count.
    """
    if not same_language:
        a = frozenset(token for token in a if token.startswith(_ROBUST_TOKENS))
        b = frozenset(token for token in b if token.startswith(_ROBUST_TOKENS))
    union = a | b
    return 1.0 if not union else len(a & b) / len(union)


# ---------------------------------------------------------------------------------------------
# Consensus


def _copy_groups(view: _FamilyView) -> dict[str, str]:
    """Versions that are copies of one another (same language, nearly all sentences verbatim) as one witness."""
    texts = _group_texts(view)
    threshold = float(view.config["copy_min_verbatim"])
    graph = nx.Graph()
    graph.add_nodes_from(view.ids)
    languages = view.languages
    for a in view.ids:
        for b in view.ids:
            if a < b and languages[a] == languages[b]:
                shared = set(texts[a]) & set(texts[b])
                same = sum(len(texts[a][g]) for g in shared if _verbatim(texts[a][g], texts[b][g], view.config))
                total = max(sum(len(t) for t in texts[a].values()), sum(len(t) for t in texts[b].values()), 1)
                if same / total >= threshold:
                    graph.add_edge(a, b)
    branches = {}
    for component in sorted(nx.connected_components(graph), key=lambda c: sorted(c)[0]):
        label = sorted(component)[0]
        for aid in component:
            branches[aid] = label
    return branches


def _group_texts(view: _FamilyView) -> dict[str, dict[str, str]]:
    sentence_texts = view.sentence_texts()
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    for group, members in view.collation.members.items():
        for aid, sent_ids in members.items():
            texts[aid][group] = " ".join(sentence_texts[aid][i] for i in sent_ids)
    return texts


def _verbatim(a: str, b: str, config: Mapping) -> bool:
    return fuzz.ratio(_normalised(a), _normalised(b)) >= float(config["verbatim_ratio"])


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def consensus(articles: pd.DataFrame, sentences: pd.DataFrame, claims: pd.DataFrame,
              collation: Collation | None = None, branches: Mapping[str, str] | None = None,
              depths: Mapping[str, int] | None = None, settings: Mapping | None = None) -> pd.DataFrame:
    """The ``consensus`` table of a family (see :func:`_consensus`).

    ``branches`` maps each version to its independent branch (default: copies of one another
    form one branch, every other version its own); ``depths`` its distance from the root
    (default 0). ``collation`` is computed when not given.
    """
    view = _view(articles, sentences, claims, collation, settings=settings)
    return _consensus(view, _copy_groups(view) if branches is None else branches, depths or {})


def _consensus(view: _FamilyView, branches: Mapping[str, str], depths: Mapping[str, int]) -> pd.DataFrame:
    """The ``consensus`` table: the reconstructed source, one row per claim group kept.

    A group is kept when it is attested in at least ``consensus_min_branches`` independent
    branches (all branches when the family has fewer), and in at least ``consensus_min_share`` of
    the branches whose versions reach that far into the story (a sentence only a few of many
    branches carry was more likely added on the way than dropped by all the others). Within a
    group every witness sentence is
    scored by its support: over the branches, how well the branch's witnesses nearest the root
    agree with its reading; the best-supported reading wins. The sentence quoted for it is one
    whose reading agrees with the winner's (at least ``consensus_reading_agreement``: the same
    claims read in another language differ a little): the base witness's (:func:`_base_witness`)
    where it is one of them, else one in the family's main language whose wording the other
    branches share most; its text and language are the consensus sentence's. ``supporting_versions`` lists the versions whose
    reading agrees with it, ``confidence`` is the winner's support over the number of branches, and
    ``witness`` names the version and sentence ids it is quoted from, the claim group, and how
    many of the family's branches attest the group.
    """
    readings = _readings(view.claims)
    sentence_texts = view.sentence_texts()
    kinds = {(row.article_id, int(row.sent_id)): row.kind for row in view.sentences.itertuples(index=False)}
    languages = {(row.article_id, int(row.sent_id)): row.language for row in view.sentences.itertuples(index=False)}
    main = view.main_language
    order = {aid: k for k, aid in enumerate(view.ids)}
    all_branches = sorted(set(branches.get(aid, aid) for aid in view.ids))
    needed = min(int(view.config["consensus_min_branches"]), len(all_branches))
    spans = _group_spans(view.collation, view.ids)
    found = []
    for position, group in enumerate(view.collation.order):
        members = {aid: ids for aid, ids in view.collation.members[group].items() if aid in order}
        by_branch: dict[str, list[str]] = defaultdict(list)
        for aid in members:
            by_branch[branches.get(aid, aid)].append(aid)
        eligible = {branches.get(aid, aid) for aid, (first, last) in spans.items() if first <= position <= last}
        if len(by_branch) < needed or not members or len(by_branch) < view.config["consensus_min_share"] * len(eligible):
            continue
        top = {branch: [aid for aid in found if depths.get(aid, 0) == min(depths.get(x, 0) for x in found)]
               for branch, found in by_branch.items()}
        reading = {aid: frozenset().union(*(readings.get((aid, i), frozenset()) for i in ids)) for aid, ids in members.items()}
        text = {aid: " ".join(sentence_texts[aid][i] for i in ids) for aid, ids in members.items()}
        language = {aid: languages.get((aid, ids[0]), "") for aid, ids in members.items()}

        def support(aid: str) -> float:
            return sum(max(_agreement(reading[aid], reading[other], language[aid] == language[other]) for other in witnesses)
                       for witnesses in top.values())

        def wording(aid: str) -> float:
            """Median, over the other branches, of how close the branch's nearest-root wording is to this one."""
            own = branches.get(aid, aid)
            found = [max(fuzz.ratio(text[aid], text[other]) for other in witnesses)
                     for branch, witnesses in top.items() if branch != own
                     for witnesses in [[w for w in witnesses if language[w] == language[aid]]] if witnesses]
            return float(np.median(found)) if found else 0.0

        scores = {aid: round(support(aid), 6) for aid in members}
        winner = max(members, key=lambda aid: (scores[aid], -order[aid]))
        tolerance = float(view.config["consensus_reading_agreement"])
        carriers = [aid for aid in members
                    if _agreement(reading[aid], reading[winner], language[aid] == language[winner]) >= tolerance]
        ranked = sorted(carriers, key=lambda aid: (language[aid] == main, wording(aid), scores[aid], -order[aid]), reverse=True)
        is_headline = any(kinds.get((aid, ids[0])) == "headline" for aid, ids in members.items())
        found.append({"group": group, "members": members, "ranked": ranked, "text": text, "language": language,
                      "confidence": round(scores[winner] / len(all_branches), 4), "headline": is_headline,
                      "branches": len(by_branch)})
    base = _base_witness(found, main, order)
    rows = []
    for item in found:
        ranked, members, language = item["ranked"], item["members"], item["language"]
        best = base if base in ranked and language[base] == main else ranked[0]
        rows.append({
            "text": item["text"][best],
            "language": language[best],
            "supporting_versions": sorted(ranked, key=order.get),
            "confidence": item["confidence"],
            "kind": "headline" if item["headline"] else kinds.get((best, members[best][0]), "body"),
            "witness": {"article_id": best, "sent_ids": list(members[best]), "group": item["group"],
                        "branches": item["branches"], "of_branches": len(all_branches)},
        })
    headlines = [row for row in rows if row["kind"] == "headline"][:1]
    rows = headlines + [row for row in rows if row not in headlines and row["kind"] != "headline"]
    frame = pd.DataFrame([{"sent_id": k, **row} for k, row in enumerate(rows)], columns=list(CONSENSUS_COLUMNS))
    return frame.astype({"sent_id": "int64", "confidence": "float64"})


def _base_witness(groups: Sequence[Mapping], language: str, order: Mapping[str, int]) -> str | None:
    """The version in ``language`` that carries the winning reading in the most consensus groups.

    Its wording is quoted wherever it carries the winning reading (textual critics' copy-text:
    the best witness, corrected where the others outvote it), so a faithful copy of the lost
    original gives the consensus its words.
    """
    carried = Counter(aid for item in groups for aid in item["ranked"] if item["language"][aid] == language)
    if not carried:
        return None
    return max(carried, key=lambda aid: (carried[aid], -order[aid]))


def _group_spans(collation: Collation, ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Each version's first and last position in the family's reading order."""
    spans: dict[str, tuple[int, int]] = {}
    for position, group in enumerate(collation.order):
        for aid in collation.members[group]:
            if aid in ids:
                first, last = spans.get(aid, (position, position))
                spans[aid] = (min(first, position), max(last, position))
    return spans


def consensus_text(consensus_frame: pd.DataFrame) -> str:
    """The consensus as readable text: a header, then one sentence per line with its support."""
    if consensus_frame.empty:
        return "No consensus: the family has no sentence attested in enough independent branches.\n"
    first = consensus_frame.iloc[0]["witness"]
    lines = [
        "Consensus source reconstructed from the versions (the original is not among them).",
        f"Each sentence is quoted from the version that carries the reading most independent branches agree on "
        f"({first['of_branches']} branches in this family); [n/m] = branches attesting it, "
        "(language, version) = where the words come from.",
        "",
    ]
    for row in consensus_frame.itertuples(index=False):
        witness = row.witness
        lines.append(f"{row.text}  [{witness['branches']}/{witness['of_branches']}] ({row.language}, {witness['article_id']})")
        if row.kind == "headline":
            lines.append("")
    return "\n".join(lines) + "\n"


def consensus_article(consensus_frame: pd.DataFrame, sentences: pd.DataFrame, claims: pd.DataFrame,
                      language: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The consensus as an article ``"consensus"``: its articles, sentences and claims rows.

    The text is the consensus sentences, one per line; sentences keep their witness's language
    and kind, and claims are the witness sentences' claims with offsets moved into the new text,
    so :func:`spin.mutations.mutations_table` can compare every version with it.
    """
    if consensus_frame.empty:
        return _empty_reference_tables()
    pieces, sentence_rows, claim_rows, position = [], [], [], 0
    witness_claims = claims.set_index(["article_id", "sent_id"]).sort_index() if not claims.empty else None
    starts = {(row.article_id, int(row.sent_id)): int(row.start) for row in sentences.itertuples(index=False)}
    claim_id = 0
    for row in consensus_frame.itertuples(index=False):
        text = row.text
        start, end = position, position + len(text)
        sentence_rows.append({"article_id": CONSENSUS_ID, "sent_id": int(row.sent_id), "start": start, "end": end,
                              "text": text, "kind": row.kind, "language": row.language})
        offset_in_text = 0
        for sent_id in row.witness["sent_ids"]:
            key = (row.witness["article_id"], int(sent_id))
            if witness_claims is not None and key in witness_claims.index:
                witness_start = starts[key]
                shift = start + offset_in_text - witness_start
                for claim in witness_claims.loc[[key]].reset_index().to_dict("records"):
                    moved = _shift_claim(claim, shift)
                    claim_rows.append({**moved, "article_id": CONSENSUS_ID, "sent_id": int(row.sent_id), "claim_id": claim_id})
                    claim_id += 1
            offset_in_text += len(_witness_sentence(sentences, key)) + 1
        pieces.append(text)
        position = end + 1
    text = "\n".join(pieces)
    title = consensus_frame.iloc[0]["text"] if consensus_frame.iloc[0]["kind"] == "headline" else ""
    article = {column: "" for column in ARTICLE_COLUMNS}
    article.update({"article_id": CONSENSUS_ID, "title": title, "language": language, "role": "consensus", "text": text,
                    "raw_text": text, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()})
    sentence_frame = pd.DataFrame(sentence_rows).astype({"sent_id": "int64", "start": "int64", "end": "int64"})
    claim_frame = pd.DataFrame(claim_rows, columns=list(claims.columns)) if claim_rows else claims.iloc[0:0]
    return pd.DataFrame([article], columns=list(ARTICLE_COLUMNS)), sentence_frame, claim_frame


def _witness_sentence(sentences: pd.DataFrame, key: tuple[str, int]) -> str:
    found = sentences[(sentences["article_id"] == key[0]) & (sentences["sent_id"] == key[1])]
    return str(found["text"].iloc[0]) if len(found) else ""


def _shift_claim(claim: dict, shift: int) -> dict:
    """A claim row with every character offset (its own and its items') moved by ``shift``."""
    moved = dict(claim)
    for key in ("start", "end"):
        moved[key] = int(claim[key]) + shift
    for column in ("numbers", "dates", "entities", "quotes", "attribution", "certainty"):
        items = claim.get(column)
        if isinstance(items, (list, tuple)):
            moved[column] = [{k: (v + shift if (k.endswith("start") or k.endswith("end")) and isinstance(v, int) else v)
                              for k, v in item.items()} for item in items]
    return moved


def _empty_reference_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return (pd.DataFrame(columns=list(ARTICLE_COLUMNS)),
            pd.DataFrame(columns=["article_id", "sent_id", "start", "end", "text", "kind", "language"]),
            pd.DataFrame())


# ---------------------------------------------------------------------------------------------
# Changes against the reference


def _reference_changes(view: _FamilyView, reference: str,
                       consensus_reference: _Reference | None = None) -> tuple[pd.DataFrame, dict[str, frozenset[Change]]]:
    """Every version's mutations against the reference (linked through the collation) and its changes."""
    articles, sentences, claims = _with_reference(view, consensus_reference)
    collation = view.collation_with(consensus_reference)
    pairs = [(reference, aid) for aid in view.ids if aid != reference]
    mutations = mutations_table(articles, sentences, claims, pairs, alignment=_alignment_links(collation, pairs))
    return mutations, version_changes(mutations, sentences, claims, collation, reference)


def _alignment_links(collation: Collation, pairs: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """Alignment-table rows linking each pair's sentences that share a claim group."""
    rows, link_id = [], 0
    for reference, article_id in pairs:
        for group in collation.order:
            members = collation.members[group]
            refs, sents = members.get(reference, ()), members.get(article_id, ())
            if not refs and not sents:
                continue
            for ref_sent in refs or (pd.NA,):
                for sent_id in sents or (pd.NA,):
                    rows.append({"link_id": link_id, "reference": reference, "ref_sent": ref_sent,
                                 "article_id": article_id, "sent_id": sent_id, "score": 1.0, "method": "collation",
                                 "evidence": {"group": group}})
            link_id += 1
    if not rows:
        return _empty(_ALIGNMENT_LINK_COLUMNS)
    return pd.DataFrame(rows, columns=list(_ALIGNMENT_LINK_COLUMNS)).astype(
        {"link_id": "int64", "ref_sent": "Int64", "sent_id": "Int64", "score": "float64"})


def version_changes(mutations: pd.DataFrame, sentences: pd.DataFrame, claims: pd.DataFrame, collation: Collation,
                    reference: str) -> dict[str, frozenset[Change]]:
    """Each version's changes against ``reference`` as comparable :class:`Change` items.

    Only changed numbers, dates, names, quotations, speakers, certainty and polarity are items;
    kept, dropped and added sentences are read from the collation instead.
    """
    found: dict[str, set[Change]] = defaultdict(set)
    for article_id, change, _ in _change_rows(mutations, sentences, claims, collation, reference):
        found[article_id].add(change)
    return {aid: frozenset(changes) for aid, changes in found.items()}


def _change_rows(mutations: pd.DataFrame, sentences: pd.DataFrame, claims: pd.DataFrame, collation: Collation,
                 reference: str):
    """(article_id, Change, mutation row) for every reliable item change against the reference.

    Between two single sentences in one language every kind of change counts. Across languages,
    and where a sentence was split or merged, only what survives that reliably does: a changed or
    added number or date, and a name replaced by another; a quotation, a speaker, a hedge or a
    negation found on one side only is as often the extraction differing, or the other half of a
    merged sentence, as a real change.
    """
    if mutations is None or mutations.empty:
        return
    rows = mutations[(mutations["reference"] == reference) & (mutations["kind"] != "claim")]
    if rows.empty:
        return
    locate = _sentence_locator(sentences)
    group_of = {(aid, sent_id): group for group, members in collation.members.items()
                for aid, ids in members.items() for sent_id in ids}
    language_of = {(row.article_id, int(row.sent_id)): row.language for row in sentences.itertuples(index=False)}
    values = _item_values(claims)
    for row in rows.itertuples(index=False):
        reference_sent = locate(reference, row.source_start)
        version_sent = locate(row.article_id, row.start)
        group = group_of.get((reference, reference_sent)) or group_of.get((row.article_id, version_sent))
        if group is None:
            continue
        same_language = language_of.get((reference, reference_sent)) == language_of.get((row.article_id, version_sent))
        one_to_one = len(collation.members[group].get(reference, ())) == len(collation.members[group].get(row.article_id, ())) == 1
        if not (same_language and one_to_one) and not _survives_translation(row.kind, row.status):
            continue
        if same_language and _same_words(row):
            continue
        yield row.article_id, Change(group, row.kind, row.status, _change_value(row, values, reference),
                                     str(row.version_text or row.source_text or ""), str(row.detail or "")), row


def _same_words(row) -> bool:
    """Is the 'change' only the extraction reading the same words differently?

    A relative date resolved against two publication dates ("Saturday"), or a name found in one
    copy of a sentence and not in the other, is not something a copyist changed.
    """
    before, after = _normalised(str(row.source_text or "")), _normalised(str(row.version_text or ""))
    if not before or not after:
        return False
    if row.status == "altered":
        return before == after
    if row.status == "dropped":
        return re.search(rf"(?<!\w){re.escape(before)}(?!\w)", after) is not None
    return re.search(rf"(?<!\w){re.escape(after)}(?!\w)", before) is not None


def _survives_translation(kind: str, status: str) -> bool:
    return (kind in ("number", "date") and status != "dropped") or (kind == "entity" and status == "altered")


def _item_values(claims: pd.DataFrame) -> dict[tuple[str, str, int], str]:
    """(article_id, kind, start) -> the item's normalised value, for numbers, dates and names."""
    if claims.empty:
        return {}
    families = _entity_families(claims)
    values = {}
    for row in claims.itertuples(index=False):
        for number in row.numbers or []:
            values[(row.article_id, "number", int(number["start"]))] = _number_token(number)
        for date in row.dates or []:
            values[(row.article_id, "date", int(date["start"]))] = str(date.get("key"))
        for entity in row.entities or []:
            values[(row.article_id, "entity", int(entity["start"]))] = families.get(entity["key"], entity["key"])
    return values


def _change_value(row, values: Mapping, reference: str) -> str:
    """The normalised value a change leaves in the version (or takes from the reference when dropped)."""
    if row.kind in ("number", "date", "entity"):
        if row.status == "dropped":
            key = (reference, row.kind, _int(row.source_start))
            return "-" + values.get(key, _normalised(row.source_text))
        return values.get((row.article_id, row.kind, _int(row.start)), _normalised(row.version_text))
    if row.kind == "attribution":
        return _fold(row.version_text if row.status != "dropped" else row.source_text)
    detail = str(row.detail)
    if row.kind == "quote":
        return detail.split(":", 1)[0]
    direction = "added" if detail.endswith("added") else "removed" if detail.endswith("removed") else detail
    return f"{detail.split(' ', 1)[0]} {direction}" if row.kind == "certainty" else direction


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _sentence_locator(sentences: pd.DataFrame):
    spans: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for row in sentences.itertuples(index=False):
        spans[row.article_id].append((int(row.start), int(row.end), int(row.sent_id)))
    for found in spans.values():
        found.sort()
    starts = {aid: [start for start, _, _ in found] for aid, found in spans.items()}

    def locate(article_id: str, offset) -> int | None:
        if offset is None or pd.isna(offset) or article_id not in spans:
            return None
        k = bisect_right(starts[article_id], int(offset)) - 1
        if k < 0:
            return None
        start, end, sent_id = spans[article_id][k]
        return sent_id if int(offset) < max(end, start + 1) else None

    return locate


def shared_changes_table(mutations: pd.DataFrame, sentences: pd.DataFrame, collation: Collation, reference: str,
                         claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``shared_changes`` table: changes two or more versions have in common against the reference.

    Two kinds: the same changed value in the same claim group (a wrong number, a mangled name,
    a flipped negation; ``kind`` is the mutation kind), and the same sentence added to the story
    (a claim group the reference lacks, held by two or more versions; ``kind`` ``claim``). In
    stemmatology such shared innovations are the evidence of common descent. ``detail`` holds
    the reference wording and every version's span (offsets into its text).
    """
    if mutations is None or mutations.empty or sentences.empty:
        return _empty(SHARED_CHANGE_COLUMNS)
    claims = claims if claims is not None else pd.DataFrame(columns=["article_id", "sent_id", "numbers", "dates", "entities"])
    held: dict[Change, list] = defaultdict(list)
    for article_id, change, row in _change_rows(mutations, sentences, claims, collation, reference):
        held[change].append((article_id, row))
    rows = []
    for change, found in held.items():
        versions = sorted({aid for aid, _ in found})
        if len(versions) < 2:
            continue
        first = found[0][1]
        spans = [{"article_id": aid, "start": _int(row.start), "end": _int(row.end), "text": row.version_text}
                 for aid, row in sorted(found, key=lambda item: item[0])]
        rows.append((collation.order.index(change.group), {
            "article_ids": versions, "kind": change.kind, "text": first.version_text or first.source_text,
            "detail": {"status": change.status, "change": first.detail, "value": change.value,
                       "reference_text": first.source_text, "group": change.group, "spans": spans},
        }))
    texts = {(row.article_id, int(row.sent_id)): (int(row.start), int(row.end), row.text) for row in sentences.itertuples(index=False)}
    for position, group in enumerate(collation.order):
        members = {aid: ids for aid, ids in collation.members[group].items() if aid not in (reference, CONSENSUS_ID)}
        if reference in collation.members[group] or len(members) < 2:
            continue
        spans = [{"article_id": aid, "start": texts[(aid, ids[0])][0], "end": texts[(aid, ids[-1])][1],
                  "text": " ".join(texts[(aid, i)][2] for i in ids)} for aid, ids in sorted(members.items())]
        rows.append((position, {
            "article_ids": sorted(members), "kind": "claim", "text": spans[0]["text"],
            "detail": {"status": "added", "change": "sentence not in the reference", "value": group,
                       "reference_text": "", "group": group, "spans": spans},
        }))
    rows.sort(key=lambda item: (-len(item[1]["article_ids"]), item[0], item[1]["kind"], str(item[1]["detail"]["value"])))
    table = pd.DataFrame([{"change_id": f"s{k + 1:03d}", **row} for k, (_, row) in enumerate(rows)],
                         columns=list(SHARED_CHANGE_COLUMNS))
    return table if len(table) else _empty(SHARED_CHANGE_COLUMNS)


# ---------------------------------------------------------------------------------------------
# The derivation tree


@dataclass(frozen=True)
class _Cost:
    """The price of deriving a child from a candidate parent, with its parts."""

    total: float
    missing: tuple[str, ...]
    added: tuple[str, ...]
    dropped: tuple[str, ...]
    new_changes: frozenset[Change]
    reverted: frozenset[Change]
    inherited: frozenset[Change]
    wording: float
    late_parent: bool


def build_stemma(articles: pd.DataFrame, sentences: pd.DataFrame, claims: pd.DataFrame, source: str | None = None,
                 editorial_summary: pd.DataFrame | None = None, translation: pd.DataFrame | None = None,
                 settings: Mapping | None = None) -> nx.DiGraph:
    """The family's derivation tree (the ``graph`` of :func:`provenance_tables`)."""
    return provenance_tables(articles, sentences, claims, None, editorial_summary, translation, source,
                             settings=settings)["graph"]


def _build_stemma(view: _FamilyView, reference: str, changes: Mapping[str, frozenset[Change]],
                  consensus_reference: _Reference | None = None) -> nx.DiGraph:
    """The derivation tree: a DiGraph rooted at the source or at ``lost_original``.

    Every version gets the parent that explains it most cheaply (:func:`edge_cost`), found
    jointly for the whole family as a minimum spanning arborescence (no cycles). Siblings that
    share changes their parent lacks then get a hypothetical lost parent. Node attributes:
    ``kind`` (source / extant / lost_original / hypothetical), ``language``, ``label``; edge
    attributes: ``relation``, ``confidence``, ``evidence``.
    """
    nodes = _nodes(view, changes, reference, consensus_reference)
    root = nodes[reference]
    versions = [nodes[aid] for aid in view.ids if aid != reference]
    costs = {(p.name, c.name): edge_cost(p, c, root, view.config)
             for c in versions for p in [root, *versions] if p.name != c.name}
    # Ties go to the parent closer to the reference (reposts copy prominent versions more often).
    closeness = {c.name: costs[(root.name, c.name)].total * 1e-4 for c in versions}
    root_preference = max(float(view.config["reference_preference"]), _consensus_slack(root, versions, costs, view.config))
    candidates = nx.DiGraph()
    candidates.add_node(root.name)
    for (parent, child), cost in sorted(costs.items()):
        preference = root_preference if parent == root.name else -closeness[parent]
        candidates.add_edge(parent, child, weight=cost.total - preference)
    tree = nx.minimum_spanning_arborescence(candidates, attr="weight", preserve_attrs=False) if versions else nx.DiGraph()
    tree.add_node(root.name)
    name = LOST_ORIGINAL if reference == CONSENSUS_ID else reference
    graph = nx.DiGraph()
    for node in [root, *versions]:
        graph.add_node(_graph_name(node.name, reference), **_node_attributes(node, view))
    extra_nodes = dict(nodes)
    edges = sorted(tree.edges())
    parents = {child: parent for parent, child in edges}
    gains: dict[str, float] = {}
    parents = _insert_hypotheticals(parents, extra_nodes, root, view.config, gains)
    mt = _MachineTranslation(view)
    for child, parent in sorted(parents.items(), key=lambda item: item[0]):
        parent_node, child_node = extra_nodes[parent], extra_nodes[child]
        if parent_node.kind == "hypothetical" and not graph.has_node(parent):
            graph.add_node(parent, **_node_attributes(parent_node, view))
        if child_node.kind == "hypothetical" and not graph.has_node(child):
            graph.add_node(child, **_node_attributes(child_node, view))
        relation, confidence, evidence = _describe_edge(parent_node, child_node, root, parents, extra_nodes, costs, gains,
                                                        view, mt)
        graph.add_edge(_graph_name(parent, reference), _graph_name(child, reference),
                       relation=relation, confidence=confidence, evidence=evidence)
    graph.graph["root"] = name
    graph.graph["reference"] = reference
    return graph


def _consensus_slack(root: Node, versions: Sequence[Node], costs: Mapping[tuple[str, str], _Cost],
                     config: Mapping) -> float:
    """How far the consensus stands from a word-for-word copy of the lost original, when one survives.

    A version the consensus reads as a copy is the original's best witness; what still separates
    the two is the consensus's own error, so a child is not hung from that copy for being a little
    closer to it than to the consensus. 0 when the reference is the source itself.
    """
    if root.kind != "lost_original":
        return 0.0
    slack = [costs[(root.name, v.name)].total for v in versions if v.language == root.language
             and _is_copy(_edge_features(root, v, config), config)]
    return min(min(slack), float(config["missing_cost"])) if slack else 0.0


def _graph_name(name: str, reference: str) -> str:
    return LOST_ORIGINAL if name == CONSENSUS_ID and reference == CONSENSUS_ID else name


def _node_attributes(node: Node, view: _FamilyView) -> dict:
    labels = {"lost_original": "lost original (consensus)", "hypothetical": "hypothetical lost version"}
    return {"kind": node.kind, "language": node.language, "label": labels.get(node.kind, node.name)}


def edge_cost(parent: Node, child: Node, root: Node, config: Mapping) -> _Cost:
    """The price of ``child`` deriving from ``parent`` (lower is likelier).

    Sentences of the reference that the child holds and the parent lacks cannot come from the
    parent (``missing_cost`` each: information is lost, not regained); sentences the child adds
    and sentences of the parent it drops cost per sentence and per run (a cut is one act);
    changes of the child the parent lacks cost ``change_cost`` (the child made them), a changed
    number, date, name or polarity of the parent the child lacks in a sentence it holds costs
    ``revert_cost`` (errors are kept, rarely undone; a hedge or a speaker reworded back costs like
    a change; a translation is not blamed for undoing what translation does not carry); rewording costs ``wording_cost`` × (1 − mean similarity of the shared
    sentences) and a change of language ``translation_cost`` more; a parent published after the
    child costs ``late_parent_cost``.
    """
    reference_groups = root.groups
    missing = tuple(g for g in child.order if g not in parent.groups and g in reference_groups)
    added = tuple(g for g in child.order if g not in parent.groups and g not in reference_groups)
    dropped = tuple(g for g in parent.order if g not in child.groups)
    new_changes = frozenset(child.changes - parent.changes)
    parent_changes = parent.changes
    if parent.language != child.language:  # a translation cannot be seen undoing what it does not carry over
        parent_changes = frozenset(c for c in parent_changes if _survives_translation(c.kind, c.status))
    reverted = _reverted(parent_changes, child.changes, child.groups)
    inherited = frozenset(child.changes & parent.changes)
    major_reverted = [c for c in reverted if _is_major(c)]
    wording = _wording_distance(parent, child)
    late = parent.published is not None and child.published is not None and parent.published > child.published
    total = (
        config["missing_cost"] * len(missing)
        + config["added_cost"] * len(added) + config["added_run_cost"] * _runs(added, child.order)
        + config["dropped_cost"] * len(dropped) + config["dropped_run_cost"] * _runs(dropped, parent.order)
        + config["change_cost"] * (_weight(new_changes, config) + _weight(set(reverted) - set(major_reverted), config))
        + config["revert_cost"] * len(major_reverted)
        + config["wording_cost"] * wording
        + (config["translation_cost"] if parent.language != child.language else 0.0)
        + (config["late_parent_cost"] if late else 0.0)
    )
    return _Cost(float(total), missing, added, dropped, new_changes, reverted, inherited, wording, late)


def _is_major(change: Change) -> bool:
    """A changed or added number, date, name or polarity (not an omitted one, not a hedge, quote or speaker)."""
    return change.kind in MAJOR_CHANGE_KINDS and change.status != "dropped"


def _weight(changes: Iterable[Change], config: Mapping) -> float:
    """Major changes (:func:`_is_major`) count 1, the others ``minor_change_weight``."""
    minor = float(config["minor_change_weight"])
    return sum(1.0 if _is_major(change) else minor for change in changes)


def _runs(groups: Sequence[str], order: Sequence[str]) -> int:
    """How many stretches of consecutive positions in ``order`` the ``groups`` form."""
    if not groups:
        return 0
    chosen = set(groups)
    runs, inside = 0, False
    for group in order:
        if group in chosen and not inside:
            runs += 1
        inside = group in chosen
    return runs


def _wording_distance(parent: Node, child: Node) -> float:
    """1 − mean similarity of the sentences the two share (1 across languages or with nothing shared)."""
    if parent.language != child.language or not parent.texts:
        return 1.0
    shared = [g for g in child.order if g in parent.texts and g in child.texts]
    if not shared:
        return 1.0
    return 1.0 - float(np.mean([fuzz.ratio(parent.texts[g], child.texts[g]) for g in shared])) / 100.0


def _insert_hypotheticals(parents: dict[str, str], nodes: dict[str, Node], root: Node, config: Mapping,
                          gains: dict[str, float]) -> dict[str, str]:
    """Add a hypothetical lost version wherever two versions share what their parent lacks.

    Two shapes are tested: siblings ``a`` and ``b`` of one parent, and a version with a child that
    undoes one of its changed numbers or dates (errors are kept, rarely undone: the two are more
    likely siblings under the version's own parent). The evidence
    (:func:`_shared_evidence`) is what both hold and the parent lacks: new values, added sentences and, when both are written in a
    language their parent is not, sentences translated word for word alike. The strongest pair
    reaching ``hypothetical_min_evidence`` gets a lost common parent holding what they share
    (:func:`_common_node`); the parent's other children sharing as much join it; the evidence
    is kept in ``gains``. Repeated until no pair reaches the threshold.
    """
    parents = dict(parents)
    threshold = float(config["hypothetical_min_evidence"])
    counter = 0
    while True:
        children_of: dict[str, list[str]] = defaultdict(list)
        for child, parent in sorted(parents.items()):
            children_of[parent].append(child)
        best = None
        for parent_name, kids in sorted(children_of.items()):
            options = [(parent_name, a, b) for k, a in enumerate(kids) for b in kids[k + 1:]]
            if nodes[parent_name].kind == "extant":
                options += [(parents[parent_name], parent_name, child) for child in kids
                            if _reverts(nodes[parent_name], nodes[child])]
            for above, a, b in options:
                evidence = _shared_evidence(nodes[a], nodes[b], nodes[above], root, config)
                if evidence >= threshold and (best is None or evidence > best[0]):
                    best = (evidence, above, a, b)
        if best is None:
            return parents
        evidence, above, a, b = best
        counter += 1
        name = f"{HYPOTHETICAL_PREFIX}{counter}"
        members = [a, b]
        node = _common_node(name, [nodes[a], nodes[b]], nodes[above], config)
        for other in sorted(children_of.get(above, [])):
            if other in members:
                continue
            joined = _common_node(name, [node, nodes[other]], nodes[above], config)
            if _shared_evidence(node, nodes[other], nodes[above], root, config) >= threshold \
                    and _shared_evidence(joined, joined, nodes[above], root, config) >= threshold:
                node, members = joined, members + [other]
        nodes[name] = node
        gains[name] = _shared_evidence(node, node, nodes[above], root, config)
        for member in members:
            parents[member] = name
        parents[name] = above


def _reverted(parent_changes: frozenset[Change], child_changes: frozenset[Change], child_groups) -> frozenset[Change]:
    """The parent's changes the child undid: it holds the sentence and reads it as the reference does there.

    A child that changed the same kind of thing in that sentence again has not undone anything.
    """
    touched = {(c.group, c.kind) for c in child_changes}
    return frozenset(c for c in parent_changes - child_changes if c.group in child_groups and (c.group, c.kind) not in touched)


def _reverts(parent: Node, child: Node) -> bool:
    """Did the child undo a changed number or date of its parent (:func:`_reverted`)?

    Numbers and dates are read the same way in every version; a name or a negation may be read
    differently in a reworded sentence, so their absence is weaker evidence.
    """
    return any(c.kind in ("number", "date") and c.status != "dropped"
               for c in _reverted(parent.changes, child.changes, child.groups))


def _shared_evidence(a: Node, b: Node, parent: Node, root: Node, config: Mapping) -> float:
    """Weight of what two versions share and their parent lacks (``a`` with itself: what it alone adds).

    New values count 1 (minor kinds ``minor_change_weight``; omitted values 0), sentences both
    added ``hypothetical_added_weight`` each, and when both are written in a language their
    parent is not, sentences they translate word for word alike ``hypothetical_verbatim_weight`` each.
    """
    changes = [c for c in (a.changes & b.changes) - parent.changes if c.status != "dropped"]
    added = [g for g in a.order if g in b.groups and g not in parent.groups and g not in root.groups]
    evidence = _weight(changes, config) + config["hypothetical_added_weight"] * len(added)
    if a.language == b.language != parent.language:
        alike = [g for g in a.order if g in a.texts and g in b.texts and _verbatim(a.texts[g], b.texts[g], config)]
        evidence += config["hypothetical_verbatim_weight"] * len(alike)
    return evidence


def _common_node(name: str, children: Sequence[Node], parent: Node, config: Mapping) -> Node:
    """A hypothetical version: the changes and added sentences its children share, the parent's sentences they keep.

    Its words, where it has to have some, are the children's (those they share word for word
    first); its language is theirs when they agree, else the parent's.
    """
    changes = frozenset.intersection(*(child.changes for child in children))
    shared_groups = frozenset.intersection(*(child.groups for child in children))
    any_groups = frozenset.union(*(child.groups for child in children))
    groups = (parent.groups & any_groups) | (shared_groups - parent.groups)
    order = tuple(g for g in _merged_order([parent.order, *(child.order for child in children)]) if g in groups)
    languages = {child.language for child in children}
    language = languages.pop() if len(languages) == 1 else parent.language
    texts = {}
    for group in order:
        found = [child.texts[group] for child in children if group in child.texts and child.language == language]
        if found:
            alike = [text for text in found if all(_verbatim(text, other, config) for other in found)]
            texts[group] = (alike or found)[0]
    return Node(name, language, None, texts, order, groups, changes, math.nan, "hypothetical")


def _merged_order(orders: Sequence[Sequence[str]]) -> list[str]:
    seen: dict[str, float] = {}
    for order in orders:
        for position, group in enumerate(order):
            seen.setdefault(group, position / max(len(order), 1))
    return sorted(seen, key=lambda g: (seen[g], g))


def _branches(graph: nx.DiGraph, root: str) -> dict[str, str]:
    """Each extant version's independent branch: the child of the root it descends from."""
    branches = {}
    for child in sorted(graph.successors(root)) if graph.has_node(root) else []:
        for node in [child, *nx.descendants(graph, child)]:
            if graph.nodes[node].get("kind") in ("extant", "source"):
                branches[node] = child
    if graph.has_node(root) and graph.nodes[root].get("kind") == "source":
        branches[root] = root
    return branches


def _depths(graph: nx.DiGraph, root: str) -> dict[str, int]:
    return dict(nx.single_source_shortest_path_length(graph, root)) if graph.has_node(root) else {}


# ---------------------------------------------------------------------------------------------
# Relations, confidence and evidence of an edge


class _MachineTranslation:
    """Machine-translation likelihood per version: from the translation table, else computed once."""

    def __init__(self, view: _FamilyView):
        self._view = view
        self._cache: dict[str, float] = {}
        table = view.translation
        self._round_trip = {}
        if table is not None and not table.empty:
            if "round_trip" in table:
                self._round_trip = {aid: bool(flag) for aid, flag in zip(table["article_id"], table["round_trip"])}
            if "machine_translation_likelihood" in table:
                self._cache = {aid: float(value) for aid, value in zip(table["article_id"], table["machine_translation_likelihood"])
                               if not pd.isna(value)}

    def round_trip_flag(self, article_id: str) -> bool | None:
        return self._round_trip.get(article_id)

    def likelihood(self, article_id: str) -> float:
        if article_id not in self._cache:
            row = self._view.articles[self._view.articles["article_id"] == article_id]
            if row.empty:
                return math.nan
            value, _ = machine_translation_likelihood(str(row["text"].iloc[0]), str(row["language"].iloc[0]))
            self._cache[article_id] = float(value)
        return self._cache[article_id]

    def baseline(self, language: str) -> float:
        """The median likelihood of the family's versions in ``language`` (a lost parent's stand-in)."""
        values = [self.likelihood(aid) for aid, lang in self._view.languages.items() if lang == language]
        values = [value for value in values if not math.isnan(value)]
        return float(np.median(values)) if values else 0.0


def _text_parent(parent: str, parents: Mapping[str, str], nodes: Mapping[str, Node]) -> Node:
    """The nearest ancestor with a text (a hypothetical node has none)."""
    while nodes[parent].kind == "hypothetical":
        parent = parents[parent]
    return nodes[parent]


def _describe_edge(parent: Node, child: Node, root: Node, parents: Mapping[str, str], nodes: Mapping[str, Node],
                   costs: Mapping[tuple[str, str], _Cost], gains: Mapping[str, float], view: _FamilyView,
                   mt: _MachineTranslation):
    config = view.config
    if child.kind == "hypothetical":
        shared = child.changes - parent.changes
        added = [g for g in child.order if g not in parent.groups and g not in root.groups]
        relation = "translation" if child.language != parent.language else "rewrite"
        evidence = {
            "hypothetical": True,
            "reason": "the versions below share what their parent lacks (changes, added sentences, a translation's "
                      "wording): they descend from a lost common version",
            "shared_changes": [_describe_change(change) for change in sorted(shared, key=_change_order)][:10],
            "shared_added_sentences": len(added),
            "children": sorted(child_name for child_name, p in parents.items() if p == child.name),
            "languages": [parent.language, child.language],
            "shared_evidence": round(gains.get(child.name, 0.0), 3),
        }
        return relation, _confidence(gains.get(child.name, 0.0), config), evidence
    text_parent = _text_parent(parent.name, parents, nodes)
    features = _edge_features(text_parent, child, config)
    features["languages"] = [parent.language, child.language]
    relation, reason = _relation(parent, text_parent, child, features, view, mt)
    cost = costs.get((text_parent.name, child.name)) or edge_cost(text_parent, child, root, config)
    if parent.kind == "hypothetical":
        confidence = _confidence(gains.get(parent.name, 0.0), config)
        alternative = None
    else:
        alternative = _best_alternative(child.name, parent.name, parents, costs)
        margin = (alternative[1] - cost.total) if alternative else math.inf
        confidence = _confidence(margin, config, parent.name == root.name)
    reverse = costs.get((child.name, parent.name))
    evidence = {
        "relation_reason": reason,
        **features,
        "changes_first_seen_here": [_describe_change(change) for change in sorted(cost.new_changes, key=_change_order)][:10],
        "inherited_changes": len(cost.inherited),
        "reverted_changes": len(cost.reverted),
        "dropped_sentences": len(cost.dropped),
        "added_sentences": len(cost.added),
        "reference_sentences_parent_lacks": len(cost.missing),
        "cost": round(cost.total, 3),
        "compared_with": text_parent.name if parent.kind == "hypothetical" else parent.name,
    }
    if alternative:
        evidence["next_best_parent"] = _graph_name(alternative[0], _reference_name(root))
        evidence["next_best_cost"] = round(alternative[1], 3)
    if reverse is not None:
        evidence["reverse_cost"] = round(reverse.total, 3)
    if parent.published or child.published:
        evidence["published"] = [str(parent.published or ""), str(child.published or "")]
    return relation, confidence, evidence


def _reference_name(root: Node) -> str:
    return CONSENSUS_ID if root.kind == "lost_original" else root.name


def _best_alternative(child: str, parent: str, parents: Mapping[str, str], costs: Mapping[tuple[str, str], _Cost]):
    """The cheapest other parent that would not make a cycle: (name, cost)."""
    descendants = {child}
    changed = True
    while changed:
        changed = False
        for node, p in parents.items():
            if p in descendants and node not in descendants:
                descendants.add(node)
                changed = True
    options = [(cost.total, name) for (name, c), cost in costs.items() if c == child and name != parent and name not in descendants]
    if not options:
        return None
    total, name = min(options)
    return name, total


def _confidence(margin: float, config: Mapping, from_reference: bool = False) -> float:
    """How likely the edge is right: a logistic curve over the cost margin to the next best parent
    (capped at 10), higher for an edge from the reference (see the [provenance] confidence settings)."""
    if math.isinf(margin):
        return 1.0
    logit = (config["confidence_intercept"] + config["confidence_margin_weight"] * min(max(margin, 0.0), 10.0)
             + (config["confidence_reference_weight"] if from_reference else 0.0))
    return round(1.0 / (1.0 + math.exp(-logit)), 4)


def _edge_features(parent: Node, child: Node, config: Mapping) -> dict:
    """How much of the parent the child keeps, how much of the child comes from it, and how."""
    parent_chars = sum(len(parent.texts.get(g, "")) for g in parent.order) or 1
    child_chars = sum(len(child.texts.get(g, "")) for g in child.order) or 1
    shared = [g for g in child.order if g in parent.groups]
    kept = sum(len(parent.texts.get(g, "")) for g in shared)
    from_parent = sum(len(child.texts.get(g, "")) for g in shared)
    same_language = parent.language == child.language
    verbatim = sum(len(child.texts[g]) for g in shared
                   if same_language and g in parent.texts and _verbatim(parent.texts[g], child.texts[g], config))
    kept_positions = [g for g in parent.order if g in child.groups]
    features = {
        "parent_content_kept": round(kept / parent_chars, 4),
        "child_content_from_parent": round(from_parent / child_chars, 4),
        "verbatim_share": round(verbatim / child_chars, 4) if same_language else None,
        "wording_similarity": round(1.0 - _wording_distance(parent, child), 4) if same_language and shared else None,
        "length_ratio": round(child_chars / parent_chars, 4),
        "kept_stretches": _runs(kept_positions, parent.order),
    }
    if parent.scores and child.scores:
        features["editorialising_added"] = round(_editorialising_added(parent, child), 4)
    elif not math.isnan(parent.editorial) and not math.isnan(child.editorial):
        features["editorialising_added"] = round(child.editorial - parent.editorial, 4)
    return features


def _editorialising_added(parent: Node, child: Node) -> float:
    """How much more editorialising the child's text carries than its parent's, word-weighted.

    Each of the child's sentences scores its rise over the parent's sentence in the same claim
    group (over the parent's mean where the parent has none: an added sentence); falls count 0.
    """
    baseline = float(np.mean(list(parent.scores.values())))
    total = rise = 0.0
    for group in child.order:
        if group not in child.scores:
            continue
        words = max(len(child.texts.get(group, "").split()), 1)
        total += words
        rise += words * max(0.0, child.scores[group] - parent.scores.get(group, baseline))
    return rise / total if total else 0.0


def _relation(parent: Node, text_parent: Node, child: Node, features: Mapping, view: _FamilyView,
              mt: _MachineTranslation) -> tuple[str, str]:
    """The edge's relation and the reason, from the features (see the [provenance] settings)."""
    config = view.config
    if parent.language != child.language:
        return "translation", f"written in {child.language}, its parent in {parent.language}"
    kept, verbatim = features["parent_content_kept"], features["verbatim_share"] or 0.0
    if _is_copy(features, config):
        return "copy", f"{verbatim:.0%} of its text is verbatim and it keeps {kept:.0%} of its parent"
    if (verbatim >= config["excerpt_min_verbatim"] and kept <= config["excerpt_max_coverage"]
            and features["kept_stretches"] <= 1):
        return "excerpt", f"{verbatim:.0%} verbatim, one stretch holding {kept:.0%} of its parent"
    round_trip = None
    if kept >= config["round_trip_min_kept"] and features["child_content_from_parent"] >= config["round_trip_min_kept"] \
            and (features["wording_similarity"] or 0.0) <= config["round_trip_max_wording"]:
        round_trip = _round_trip(text_parent, child, mt, config)
    if round_trip:
        return "round_trip_translation", round_trip
    increase = features.get("editorialising_added")
    if increase is not None and increase >= config["editorialised_min_increase"]:
        return "editorialised_rewrite", f"adds editorialising worth {increase:.2f} per word over its parent"
    if kept <= config["summary_max_coverage"] and features["length_ratio"] <= config["summary_max_coverage"] + 0.1:
        return "summary", f"keeps {kept:.0%} of its parent in {features['length_ratio']:.0%} of its length"
    return "rewrite", f"keeps {kept:.0%} of its parent, reworded (wording similarity {features['wording_similarity'] or 0:.2f})"


def _is_copy(features: Mapping, config: Mapping) -> bool:
    return ((features["verbatim_share"] or 0.0) >= config["copy_min_verbatim"]
            and features["parent_content_kept"] >= config["copy_min_coverage"])


def _round_trip(parent: Node, child: Node, mt: _MachineTranslation, config: Mapping) -> str | None:
    """Why ``child`` reads as translated out and back, or None."""
    flag = mt.round_trip_flag(child.name)
    if flag is not None:
        return "the translation layer marks it as a round trip" if flag else None
    likelihood = mt.likelihood(child.name)
    if math.isnan(likelihood) or likelihood < config["round_trip_min_likelihood"]:
        return None
    base = mt.baseline(parent.language) if parent.kind in ("lost_original", "hypothetical") else mt.likelihood(parent.name)
    base = 0.0 if math.isnan(base) else base
    if likelihood - base < config["round_trip_min_increase"]:
        return None
    return f"machine-translation likelihood {likelihood:.2f} against {base:.2f} for its parent"


def _describe_change(change: Change) -> dict:
    return {"group": change.group, "kind": change.kind, "status": change.status, "text": change.text,
            "detail": change.detail}


def _change_order(change: Change) -> tuple:
    return (change.group, change.kind, change.status, change.value)


# ---------------------------------------------------------------------------------------------
# The tree as a table and as files


def stemma_table(graph: nx.DiGraph) -> pd.DataFrame:
    """The ``stemma`` table: one row per edge, parents before children."""
    if graph.number_of_edges() == 0:
        return _empty(STEMMA_COLUMNS)
    root = graph.graph.get("root")
    depth = _depths(graph, root) if root else {}
    rows = [{"parent": parent, "child": child, "relation": data["relation"], "confidence": data["confidence"],
             "evidence": data["evidence"]}
            for parent, child, data in sorted(graph.edges(data=True), key=lambda e: (depth.get(e[0], 0), e[0], e[1]))]
    return pd.DataFrame(rows, columns=list(STEMMA_COLUMNS)).astype({"confidence": "float64"})


def write_graph(graph: nx.DiGraph, directory: str | Path) -> tuple[Path, Path]:
    """Write ``stemma.graphml`` and ``stemma.dot`` into ``directory`` (same bytes for the same graph)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ordered = nx.DiGraph()
    for node in sorted(graph.nodes):
        ordered.add_node(node, **{k: _graph_value(v) for k, v in sorted(graph.nodes[node].items())})
    for parent, child in sorted(graph.edges):
        data = graph.edges[parent, child]
        ordered.add_edge(parent, child, **{k: _graph_value(v) for k, v in sorted(data.items())})
    graphml = directory / "stemma.graphml"
    nx.write_graphml(ordered, graphml, encoding="utf-8", prettyprint=True)
    dot = directory / "stemma.dot"
    dot.write_text(to_dot(graph), encoding="utf-8")
    return graphml, dot


def _graph_value(value):
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if value is None:
        return ""
    return value


def to_dot(graph: nx.DiGraph) -> str:
    """The tree in Graphviz DOT: extant versions as boxes, lost ones dashed, edges labelled."""
    lines = ["digraph stemma {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        label = f"{data.get('label', node)}\\n{data.get('language', '')}"
        style = ', style=dashed' if data.get("kind") in ("lost_original", "hypothetical") else ""
        shape = ", shape=ellipse" if data.get("kind") in ("lost_original", "hypothetical") else ""
        lines.append(f"  {_dot_id(node)} [label={_dot_string(label)}{shape}{style}];")
    for parent, child in sorted(graph.edges):
        data = graph.edges[parent, child]
        label = f"{data.get('relation', '')} {float(data.get('confidence', 0)):.2f}"
        lines.append(f"  {_dot_id(parent)} -> {_dot_id(child)} [label={_dot_string(label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_id(name: str) -> str:
    return _dot_string(name)


def _dot_string(text: str) -> str:
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\\\\n", "\\n")
    return f'"{escaped}"'


def _edge_pairs(graph: nx.DiGraph, reference: str) -> list[tuple[str, str]]:
    """(text parent, child) for each extant child whose nearest text ancestor is not the reference."""
    pairs = []
    root = graph.graph.get("root")
    for parent, child in sorted(graph.edges):
        if graph.nodes[child].get("kind") not in ("extant",):
            continue
        ancestor = parent
        while graph.nodes[ancestor].get("kind") == "hypothetical":
            ancestor = next(iter(graph.predecessors(ancestor)))
        if ancestor in (root, reference) or graph.nodes[ancestor].get("kind") == "unsupported":
            continue
        pairs.append((ancestor, child))
    return pairs


# ---------------------------------------------------------------------------------------------
# Versions in unsupported languages: numbers and names only


def language_free_anchors(text: str) -> frozenset[str]:
    """Keys any language shares: numbers (digits, separators removed) and capitalised words not opening a sentence."""
    keys = {"d:" + re.sub(r"\D", "", match.group(0)) for match in _DIGITS.finditer(text)}
    for match in _CAPITALISED.finditer(text):
        word = match.group(0)
        if word[0].isupper() and len(word) >= 3 and not _SENTENCE_END.search(text[max(0, match.start() - 3):match.start()]) \
                and match.start() > 0 and text[match.start() - 1] != "\n":
            keys.add("w:" + _fold(word))
    return frozenset(keys)


def _anchor_scores(target: frozenset[str], candidates: Mapping[str, frozenset[str]]) -> dict[str, float]:
    frequency = Counter(key for keys in [target, *candidates.values()] for key in keys)
    total = len(candidates) + 1
    weight = {key: math.log(1 + total / count) for key, count in frequency.items()}
    own = sum(weight[key] for key in target) or 1.0
    return {name: sum(weight[key] for key in target & keys) / own for name, keys in candidates.items()}


def _supported_anchor_sets(scored: pd.DataFrame, consensus_reference: _Reference | None) -> dict[str, frozenset[str]]:
    sets = {aid: language_free_anchors(text) for aid, text in zip(scored["article_id"], scored["text"])}
    if consensus_reference is not None and not consensus_reference.articles.empty:
        sets[CONSENSUS_ID] = language_free_anchors(str(consensus_reference.articles["text"].iloc[0]))
    return sets


def _attach_unsupported(graph: nx.DiGraph, others: pd.DataFrame, scored: pd.DataFrame,
                        consensus_reference: _Reference | None, config: Mapping) -> None:
    """Hang each version in an unsupported language under the version sharing most of its numbers and names."""
    candidates = _supported_anchor_sets(scored, consensus_reference)
    root = graph.graph.get("root")
    for row in others.itertuples(index=False):
        text = row.text if isinstance(row.text, str) else ""
        anchors = language_free_anchors(text)
        if not anchors or not text.strip():
            continue
        scores = _anchor_scores(anchors, candidates)
        reference_name = CONSENSUS_ID if root == LOST_ORIGINAL else root
        best = max(sorted(scores), key=lambda name: (round(scores[name], 6), name == reference_name))
        shared = sorted(anchors & candidates[best])
        parent = LOST_ORIGINAL if best == CONSENSUS_ID else best
        graph.add_node(row.article_id, kind="unsupported", language=str(row.language), label=row.article_id)
        graph.add_edge(parent, row.article_id, relation="translation", confidence=round(min(0.9, 0.5 + 0.5 * scores[best]), 4),
                       evidence={"relation_reason": f"written in an unsupported language ({row.language}): placed by "
                                                    "the numbers and names it shares, not by its words",
                                 "shared_anchors": [key[2:] for key in shared][:20],
                                 "anchor_containment": round(scores[best], 4)})


def _unsupported_similarity(others: pd.DataFrame, scored: pd.DataFrame, config: Mapping) -> pd.DataFrame:
    candidates = _supported_anchor_sets(scored, None)
    rows = []
    for row in others.itertuples(index=False):
        text = row.text if isinstance(row.text, str) else ""
        anchors = language_free_anchors(text)
        if not anchors:
            continue
        scores = _anchor_scores(anchors, candidates)
        for name in sorted(scores, key=lambda n: -scores[n])[: int(config["neighbours"])]:
            shared = anchors & candidates[name]
            a, b = sorted((row.article_id, name))
            rows.append({"a": a, "b": b, "score": round(scores[name], 4),
                         "evidence": {"languages": [str(row.language), "supported"], "method": "numbers and names only",
                                      "shared_anchors": len(shared), "anchor_examples": sorted(k[2:] for k in shared)[:10]}})
    return pd.DataFrame(rows, columns=list(SIMILARITY_COLUMNS)) if rows else _empty(SIMILARITY_COLUMNS)


# ---------------------------------------------------------------------------------------------
# Credits


@lru_cache(maxsize=None)
def _credit_patterns(language: str) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(row[0].replace("{outlet}", _OUTLET), re.IGNORECASE) for row in word_table(language, "credit_phrases"))


def credits_table(articles: pd.DataFrame, boilerplate: pd.DataFrame | None, source: str | None = None) -> pd.DataFrame:
    """The ``credits`` table: does each version credit the report it took its story from?

    Evidence, each with its span: a credit line the boilerplate layer removed (reason
    ``source_credit``: "Source link", "Quelle: dpa", "Originally published at …"); a phrase in the
    prose crediting an outlet (``spin/data/<lang>/credit_phrases.txt``: "as first reported by
    Reuters", "wie der Spiegel berichtete", "selon un article du Monde"); a link to the source's
    address; a mention of the source's outlet (when the source is given) or of an outlet another
    version credits. ``credits_source`` is true when there is any; the source itself is not asked.
    """
    if articles.empty:
        return _empty(CREDIT_COLUMNS)
    lines = defaultdict(list)
    if boilerplate is not None and not boilerplate.empty:
        for row in boilerplate[boilerplate["reason"] == "source_credit"].itertuples(index=False):
            lines[row.article_id].append({"kind": "credit_line", "text": row.text, "start": int(row.start), "end": int(row.end),
                                          "offsets": "raw_text"})
    phrases = {row.article_id: _credit_phrases(_cell(row.text), _cell(row.language)) for row in articles.itertuples(index=False)}
    credited = sorted({item["outlet"] for found in phrases.values() for item in found if item.get("outlet")})
    source_row = articles[articles["article_id"] == source] if source else articles.iloc[0:0]
    source_names = _source_names(source_row)
    rows = []
    for row in articles.itertuples(index=False):
        text, raw = _cell(row.text), _cell(getattr(row, "raw_text", "")) or _cell(row.text)
        if row.article_id == source:
            rows.append({"article_id": row.article_id, "credits_source": False,
                         "evidence": [{"kind": "is_source", "text": "this is the source"}]})
            continue
        evidence = list(lines.get(row.article_id, [])) + phrases[row.article_id]
        evidence += _links_to(raw, source_names["urls"])
        evidence += _mentions(text, source_names["names"], "names_source_outlet")
        evidence += _mentions(text, [name for name in credited if name not in source_names["names"]], "names_credited_outlet")
        rows.append({"article_id": row.article_id, "credits_source": bool(evidence), "evidence": evidence})
    return pd.DataFrame(rows, columns=list(CREDIT_COLUMNS)).astype({"credits_source": "bool"})


def _cell(value) -> str:
    return value if isinstance(value, str) else ""


def _credit_phrases(text: str, language: str) -> list[dict]:
    if language not in SUPPORTED or not text:
        return []
    found = []
    for pattern in _credit_patterns(language):
        for match in pattern.finditer(text):
            found.append({"kind": "credit_phrase", "text": match.group(0), "start": match.start(), "end": match.end(),
                          "outlet": match.group("outlet")})
    found.sort(key=lambda item: item["start"])
    kept, last_end = [], -1
    for item in found:
        if item["start"] >= last_end:
            kept.append(item)
            last_end = item["end"]
    return kept


def _source_names(source_row: pd.DataFrame) -> dict[str, list[str]]:
    if source_row.empty:
        return {"names": [], "urls": []}
    record = source_row.iloc[0]
    names = [name for name in [_cell(record.get("outlet"))] if name.strip()]
    url = _cell(record.get("url"))
    urls = [url] if url else []
    domain = re.sub(r"^(?:https?://)?(?:www\.)?", "", url).split("/")[0] if url else ""
    if domain:
        urls.append(domain)
    return {"names": names, "urls": urls}


def _links_to(raw: str, urls: Sequence[str]) -> list[dict]:
    found = []
    for match in _URL.finditer(raw):
        if any(url and url in match.group(0) for url in urls):
            found.append({"kind": "link_to_source", "text": match.group(0), "start": match.start(), "end": match.end(),
                          "offsets": "raw_text"})
    return found


def _mentions(text: str, names: Sequence[str], kind: str) -> list[dict]:
    found = []
    for name in names:
        match = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
        if match:
            found.append({"kind": kind, "text": match.group(0), "start": match.start(), "end": match.end(), "outlet": name})
    return found


# ---------------------------------------------------------------------------------------------
# Small helpers


def _sentences_by_article(sentences: pd.DataFrame) -> dict[str, pd.DataFrame]:
    if sentences.empty:
        return {}
    ordered = sentences.sort_values(["article_id", "sent_id"], kind="stable")
    order = list(dict.fromkeys(sentences["article_id"]))
    groups = dict(tuple(ordered.groupby("article_id", sort=False)))
    return {aid: groups[aid] for aid in order}


def _main_language(rows: pd.DataFrame) -> str:
    languages = [language for language in rows["language"] if isinstance(language, str) and language]
    if not languages:
        return ""
    counts = Counter(languages)
    return max(dict.fromkeys(languages), key=lambda language: counts[language])


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in columns})
