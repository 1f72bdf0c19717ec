"""Sentence alignment between two versions of a story, monolingual or cross-lingual, offline.

A version's sentences are linked to the reference's sentences: 1–1, 1–n and n–1 links, moved
content, and sentences with no counterpart on either side. Every link carries a similarity
score, the method that found it and the evidence a reader can check (shared anchors, matched
words, which evidence sources were used).

How it works:

1. Each sentence becomes a set of *types*: its words (lemma, accent-folded) and its claim
   anchors (numbers, dates, names, quotes from :func:`spin.claims.anchors`). A type weighs
   its rarity in its own document (idf); anchors weigh more.
2. A type of one side matches a type of the other when they are equal, stand for the same
   anchor (:func:`spin.claims.anchors_match`), are spelled alike (rapidfuzz: inflections within
   a language, cognates and names across languages), express the same concept in spin's core
   lexicon (``spin/data/<lang>/core_lexicon.txt``, across languages) or translate each other
   in a bilingual dictionary installed on the machine (FreeDict, ding; optional).
3. For every sentence and every span of 1–3 consecutive sentences on the other side, its
   *coverage* is the weighted share of its types matched in that span, less what a span that
   wide covers by chance.
4. A monotone dynamic programme picks links and unaligned sentences. A link costs, for each of
   its sentences, the share left unmatched, plus a cost per merged sentence and (across
   languages) a Gale–Church length cost; an unaligned sentence costs a constant less the pair's
   evidence level (how much a sentence typically finds in its best match: near zero between
   languages without a dictionary, high within one language).
5. Clean-up: within one language an end sentence of a merged link that matches elsewhere
   better is taken out; a 2–2 link explained better crossed becomes two crossed 1–1 links.
6. The sentences left over are aligned again among themselves, without order or length, and
   kept when their link is strong enough. Links off the heaviest in-order chain are *moved*.

Families: :func:`candidate_pairs` prunes which versions deserve a full alignment, from cheap
language-independent signatures (:func:`article_signature`).
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from rapidfuzz import process
from rapidfuzz.distance import Indel
from scipy import sparse
from scipy.special import log_ndtr

from spin.claims import anchors, anchors_match
from spin.language import lemmatize, words
from spin.resources import word_table
from spin.settings import default_settings

ALIGNMENT_COLUMNS = ("link_id", "a_ids", "b_ids", "score", "method", "evidence")
TABLE_COLUMNS = ("link_id", "reference", "ref_sent", "article_id", "sent_id", "score", "method", "evidence")

LEMMATISED_LANGUAGES = ("en", "de", "fr")
# Link shapes (reference sentences, version sentences) the first pass may choose, besides skips.
LINK_SHAPES = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))
# Gale & Church (1993): variance of the length difference per character.
_LENGTH_VARIANCE = 6.8
# Fewest sentence pairs from which the chance coverage of a wider span is estimated.
_MIN_PAIRS_FOR_CHANCE = 20
# Largest (a types × b types) for which similarities are computed with dense arrays.
_DENSE_TYPE_PAIRS = 2_000_000
_ISO3 = {"en": "eng", "de": "deu", "fr": "fra"}
_DICTIONARY_FILLERS = frozenset(
    {"sb", "sth", "etw", "jdm", "jdn", "jds", "sich", "qn", "qc", "to", "the", "der", "die", "das", "les", "une", "des"}
)
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_BRACKETED = re.compile(r"<[^>]*>|\[[^\]]*\]|\([^)]*\)|\{[^}]*\}|/[^/]*/")
_SENSE_NUMBER = re.compile(r"^\s*\d+\.\s+")
_TRAILING_SENSE = re.compile(r"\s+\d+\.\s*$")
_FIRST_NUMBER = re.compile(r"\d+")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, eq=False)
class BilingualDictionary:
    """Word translations from ``source_language`` into ``target_language`` (accent-folded lemmas).

    Read at run time from dictionaries installed on the machine (see :func:`load_dictionary`);
    ``name`` says which files were read.
    """

    source_language: str
    target_language: str
    name: str
    translations: Mapping[str, tuple[str, ...]]

    def translate(self, word: str) -> tuple[str, ...]:
        """The translations of a folded lemma (empty when the dictionary does not know it)."""
        return self.translations.get(word, ())

    def __len__(self) -> int:
        return len(self.translations)


@dataclass(frozen=True)
class _Side:
    """One document's sentences as weighted types."""

    keys: tuple[str, ...]
    index: Mapping[str, int]
    surfaces: tuple[str, ...]
    presence: sparse.csr_matrix
    weights: np.ndarray
    lengths: np.ndarray
    sentence_types: tuple[tuple[int, ...], ...]

    @property
    def size(self) -> int:
        return self.presence.shape[0]


@dataclass(frozen=True)
class _Matches:
    """Which types of side a match which types of side b (``any``), and how (``how``: for each
    a type, its (b type, "exact" | "fuzzy" | "dictionary") pairs)."""

    any: sparse.csr_matrix
    how: Mapping[int, tuple[tuple[int, str], ...]]


@dataclass(frozen=True)
class _Config:
    """The [align] settings a run uses, resolved for one language pair."""

    crosslingual: bool
    languages: tuple[str, str]
    lexical_weight: float
    length_weight: float
    merge_cost: float
    unaligned_cost: float
    move_min_similarity: float
    fuzzy_min_similarity: float
    fuzzy_min_chars: int
    anchor_weight: float
    evidence_max_items: int
    detach_margin: float
    core_lexicon: bool


@dataclass(frozen=True)
class _Link:
    """A link: raw similarity ``score``; ``strength`` is it on the pair's evidence scale."""

    a_ids: tuple[int, ...]
    b_ids: tuple[int, ...]
    score: float
    moved: bool = False
    strength: float = 0.0


# ---------------------------------------------------------------------------------------------
# Public API


def align_sentences(
    a: Sequence[str],
    a_language: str,
    b: Sequence[str],
    b_language: str,
    dictionary: BilingualDictionary | None = None,
    settings: Mapping[str, Mapping] | None = None,
) -> pd.DataFrame:
    """Align the sentences ``a`` (the reference) with the sentences ``b`` (a version).

    Returns one row per link, in reading order: ``a_ids`` and ``b_ids`` (lists of sentence
    positions; an empty list marks a sentence with no counterpart), ``score`` (0–1: the
    weighted share of the linked sentences' words and anchors matched on the other side; for
    an unaligned sentence, how sure it is to have no counterpart: one minus its best match on
    the pair's evidence scale), ``method`` (the evidence sources used, e.g. "lexical",
    "anchors+cognates+lexicon+length") and ``evidence`` (a dict: shared anchors, matched
    lemmas/cognates/lexicon/dictionary word pairs, ``moved``; for an unaligned sentence its
    nearest candidate). ``dictionary`` translates words of ``a_language`` into ``b_language``
    (see :func:`load_dictionary`); it is used only across languages. ``settings`` defaults to
    the shipped ``[align]`` settings.
    """
    config = _config(a_language, b_language, dictionary, settings)
    side_a = _side(a, a_language, config.anchor_weight)
    side_b = _side(b, b_language, config.anchor_weight)
    return _alignment_frame(side_a, side_b, config, dictionary)


def alignment_table(
    sentences: pd.DataFrame,
    reference: str,
    article_ids: Iterable[str] | None = None,
    settings: Mapping[str, Mapping] | None = None,
    dictionary_dirs: Sequence[str | Path] | None = None,
) -> pd.DataFrame:
    """The ``alignment`` table: every article's sentences against the reference article's.

    ``sentences`` is the sentences table (article_id, sent_id, text, language, …). One row per
    (ref_sent, sent_id) pair of a link; a sentence without counterpart has an empty
    ``ref_sent`` or ``sent_id``. ``link_id`` is unique across the table. Bilingual dictionaries
    are read from ``dictionary_dirs`` (default: the ``[align] dictionary_dirs`` setting) when
    installed there.
    """
    settings = settings or default_settings()
    ids = [aid for aid in (article_ids if article_ids is not None else _article_order(sentences)) if aid != reference]
    reference_rows = _article_sentences(sentences, reference)
    if reference_rows.empty or not ids:
        return _empty_table()
    reference_language = _article_language(reference_rows)
    reference_texts = reference_rows["text"].tolist()
    reference_ids = reference_rows["sent_id"].tolist()
    rows: list[dict] = []
    next_link = 0
    for article_id in ids:
        version = _article_sentences(sentences, article_id)
        if version.empty:
            continue
        language = _article_language(version)
        dictionary = None
        if language != reference_language:
            dictionary = load_dictionary(reference_language, language, dictionary_dirs, settings)
        links = align_sentences(
            reference_texts, reference_language, version["text"].tolist(), language, dictionary, settings
        )
        version_ids = version["sent_id"].tolist()
        for link in links.itertuples(index=False):
            refs = [reference_ids[i] for i in link.a_ids] or [pd.NA]
            sents = [version_ids[j] for j in link.b_ids] or [pd.NA]
            for ref_sent in refs:
                for sent_id in sents:
                    rows.append(
                        {
                            "link_id": next_link + link.link_id,
                            "reference": reference,
                            "ref_sent": ref_sent,
                            "article_id": article_id,
                            "sent_id": sent_id,
                            "score": link.score,
                            "method": link.method,
                            "evidence": link.evidence,
                        }
                    )
        next_link += len(links)
    if not rows:
        return _empty_table()
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    return table.astype({"link_id": "int64", "ref_sent": "Int64", "sent_id": "Int64", "score": "float64"})


def load_dictionary(
    language_a: str,
    language_b: str,
    directories: Sequence[str | Path] | None = None,
    settings: Mapping[str, Mapping] | None = None,
) -> BilingualDictionary | None:
    """A dictionary from ``language_a`` into ``language_b`` read from installed files, or None.

    Looks in ``directories`` (default: the ``[align] dictionary_dirs`` setting, Debian's
    standard locations) for FreeDict dictd files (``freedict-deu-fra.index`` + ``.dict.dz``,
    both directions, the reverse one inverted) and ding's ``de-en``. These dictionaries are
    GPL or CC BY-SA: they are read at run time only and nothing of them ships with spin.
    """
    if language_a == language_b or language_a not in _ISO3 or language_b not in _ISO3:
        return None
    if directories is None:
        directories = (settings or default_settings())["align"]["dictionary_dirs"]
    return _read_dictionary(language_a, language_b, tuple(str(Path(d)) for d in directories))


def article_signature(texts: Sequence[str], language: str) -> frozenset[str]:
    """Cheap, language-independent keys of a version: its anchors and word prefixes.

    Word prefixes (the first five accent-folded letters of words of six letters or more) carry
    names and cognates across en/de/fr; anchors carry numbers, dates, names and quotes.
    """
    keys: set[str] = set()
    for text in texts:
        keys.update("a:" + anchor for anchor in _anchors(text, language))
        keys.update("p:" + _fold(word)[:5] for word in words(text) if len(word) >= 6 and not word.isdigit())
    return frozenset(keys)


def candidate_pairs(signatures: Mapping[str, frozenset[str]], k: int | None = None) -> pd.DataFrame:
    """The version pairs worth a full alignment: each version with its ``k`` most similar others.

    Similarity is the idf-weighted share of the smaller signature found in the other
    (containment, so an excerpt still scores high against its source). A family of n versions
    costs at most n·k alignments instead of n·(n−1)/2. Returns columns a, b (a < b), score;
    ties go to the alphabetically first pair.
    """
    k = default_settings()["align"]["candidate_neighbours"] if k is None else k
    names = sorted(signatures)
    if len(names) < 2 or k <= 0:
        return pd.DataFrame(
            {"a": pd.Series(dtype="str"), "b": pd.Series(dtype="str"), "score": pd.Series(dtype="float64")}
        )
    vocabulary = {key: column for column, key in enumerate(sorted({key for name in names for key in signatures[name]}))}
    rows = [row for row, name in enumerate(names) for _ in signatures[name]]
    columns = [vocabulary[key] for name in names for key in signatures[name]]
    membership = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(names), len(vocabulary)))
    weights = np.log1p(len(names) / np.asarray(membership.sum(axis=0)).ravel())
    shared = (membership.multiply(weights).tocsr() @ membership.T).toarray()
    totals = np.diag(shared).copy()
    smaller = np.minimum(totals[:, None], totals[None, :])
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(smaller > 0, shared / np.where(smaller > 0, smaller, 1.0), 0.0)
    np.fill_diagonal(score, -np.inf)
    chosen: set[tuple[int, int]] = set()
    for row in range(len(names)):
        nearest = sorted(range(len(names)), key=lambda column: (-score[row, column], column))[:k]
        chosen.update((min(row, column), max(row, column)) for column in nearest if column != row)
    ordered = sorted(chosen)
    return pd.DataFrame(
        {
            "a": pd.Series([names[i] for i, _ in ordered], dtype="str"),
            "b": pd.Series([names[j] for _, j in ordered], dtype="str"),
            "score": np.array([score[i, j] for i, j in ordered], dtype=np.float64),
        }
    )


def reference_by_shared_anchors(sentences: pd.DataFrame) -> tuple[str | None, dict]:
    """The version sharing the most claim anchors with the others, and the counts behind it.

    A stand-in for the family's reference until provenance reconstructs the source: each
    version scores the sum, over the other versions, of the anchors they share. Ties go to the
    first version in article order.
    """
    ids = _article_order(sentences)
    if not ids:
        return None, {}
    anchor_sets = {}
    for article_id in ids:
        rows = _article_sentences(sentences, article_id)
        language = _article_language(rows) if not rows.empty else ""
        anchor_sets[article_id] = frozenset(anchor for text in rows["text"] for anchor in _anchors(text, language))
    shared = {
        article_id: sum(len(anchor_sets[article_id] & anchor_sets[other]) for other in ids if other != article_id)
        for article_id in ids
    }
    best = max(ids, key=lambda article_id: shared[article_id])
    return best, {"shared_anchors": shared, "rule": "most anchors shared with the other versions"}


# ---------------------------------------------------------------------------------------------
# Sentences as weighted types


def _anchors(text: str, language: str) -> frozenset[str]:
    """Claim anchors of a text (none for a language spin does not read)."""
    return anchors(text, language) if language in LEMMATISED_LANGUAGES else frozenset()


def _fold(text: str) -> str:
    """Lower-case, ß → ss, accents removed."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=200_000)
def _word_key(word: str, language: str) -> str:
    """The folded lemma of a word (the word itself outside en/de/fr and for numbers)."""
    if not any(ch.isdigit() for ch in word):
        word = lemmatize(word, language)
    return _fold(word)


@lru_cache(maxsize=65_536)
def _sentence_types(text: str, language: str) -> tuple[tuple[str, str], ...]:
    """(type key, surface) for the distinct words and anchors of a sentence (cached: a reference
    is aligned against every version, and provenance aligns many pairs of one family)."""
    found: dict[str, str] = {}
    for word in words(text):
        found.setdefault("w:" + _word_key(word, language), word)
    for anchor in sorted(_anchors(text, language)):
        found.setdefault("a:" + anchor, anchor)
    return tuple(found.items())


def _side(texts: Sequence[str], language: str, anchor_weight: float) -> _Side:
    index: dict[str, int] = {}
    surfaces: list[str] = []
    rows: list[int] = []
    columns: list[int] = []
    for row, text in enumerate(texts):
        for key, surface in _sentence_types(text, language):
            column = index.setdefault(key, len(index))
            if column == len(surfaces):
                surfaces.append(surface)
            rows.append(row)
            columns.append(column)
    presence = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, columns)), shape=(len(texts), len(index)), dtype=np.float64
    )
    presence.sum_duplicates()
    presence.data[:] = 1.0
    keys = tuple(index)
    document_frequency = np.asarray(presence.sum(axis=0)).ravel()
    weights = np.log1p(len(texts) / np.maximum(document_frequency, 1.0))
    weights[[i for i, key in enumerate(keys) if key.startswith("a:")]] *= anchor_weight
    lengths = np.array([len(text.strip()) for text in texts], dtype=np.float64)
    sentence_types = tuple(
        tuple(presence.indices[presence.indptr[row] : presence.indptr[row + 1]].tolist()) for row in range(len(texts))
    )
    return _Side(keys, index, tuple(surfaces), presence, weights, lengths, sentence_types)


def _matches(a: _Side, b: _Side, config: _Config, dictionary: BilingualDictionary | None) -> _Matches:
    how: dict[int, dict[int, str]] = defaultdict(dict)
    for i, key in enumerate(a.keys):
        if key in b.index:
            how[i][b.index[key]] = "exact"
    for i, j in _anchor_variants(a, b):
        how[i].setdefault(j, "exact")
    for i, j in _fuzzy_pairs(a, b, config):
        how[i].setdefault(j, "fuzzy")
    if config.crosslingual and config.core_lexicon:
        for i, j in _lexicon_pairs(a, b, config):
            how[i].setdefault(j, "lexicon")
    if dictionary is not None and config.crosslingual:
        for i, key in enumerate(a.keys):
            if key.startswith("w:"):
                for word in dictionary.translate(key[2:]):
                    j = b.index.get("w:" + word)
                    if j is not None:
                        how[i].setdefault(j, "dictionary")
    pairs = [(i, j) for i, targets in how.items() for j in targets]
    return _Matches(
        _pair_matrix(pairs, (len(a.keys), len(b.keys))),
        {i: tuple(targets.items()) for i, targets in how.items()},
    )


@lru_cache(maxsize=None)
def _core_lexicon(language: str) -> Mapping[str, frozenset[str]]:
    """Folded word (and its folded lemma) → the English concepts it expresses, from
    ``spin/data/<language>/core_lexicon.txt``; empty for a language spin has no lexicon for."""
    if language not in LEMMATISED_LANGUAGES:
        return {}
    concepts: dict[str, set[str]] = defaultdict(set)
    for word, concept, *_ in word_table(language, "core_lexicon"):
        concepts[_fold(word)].add(concept)
        concepts[_word_key(word, language)].add(concept)
    return {word: frozenset(found) for word, found in concepts.items()}


def _lexicon_pairs(a: _Side, b: _Side, config: _Config) -> list[tuple[int, int]]:
    """Word types of a and b that express the same concept in spin's core lexicon."""
    lexicon_a, lexicon_b = _core_lexicon(config.languages[0]), _core_lexicon(config.languages[1])
    by_concept: dict[str, list[int]] = defaultdict(list)
    for j, key in enumerate(b.keys):
        for concept in lexicon_b.get(key[2:], ()) if key.startswith("w:") else ():
            by_concept[concept].append(j)
    return [
        (i, j)
        for i, key in enumerate(a.keys) if key.startswith("w:")
        for concept in lexicon_a.get(key[2:], ())
        for j in by_concept.get(concept, ())
    ]


def _anchor_blocks(anchor: str) -> set[str]:
    """Cheap keys two anchors must share to be worth :func:`spin.claims.anchors_match`: a word's
    first three letters for entities, the first number for values and dates."""
    kind, _, rest = anchor.partition(":")
    if kind == "ent":
        return {"e:" + word[:3] for word in rest.split()}
    number = _FIRST_NUMBER.search(rest)
    return {"v:" + number.group(0)} if number else set()


def _anchor_variants(a: _Side, b: _Side) -> list[tuple[int, int]]:
    """Anchor types of a and b that differ as keys but stand for the same thing (claims'
    :func:`anchors_match`: "trump" / "donald trump", a number with or without its unit)."""
    blocks: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for j, key in enumerate(b.keys):
        if key.startswith("a:"):
            for block in _anchor_blocks(key[2:]):
                blocks[block].append((j, key[2:]))
    pairs = set()
    for i, key in enumerate(a.keys):
        if key.startswith("a:"):
            anchor = key[2:]
            for block in _anchor_blocks(anchor):
                pairs.update(
                    (i, j) for j, other in blocks.get(block, ()) if other != anchor and anchors_match(anchor, other)
                )
    return sorted(pairs)


def _fuzzy_pairs(a: _Side, b: _Side, config: _Config) -> list[tuple[int, int]]:
    """Word types spelled alike (normalised Indel similarity), digits and short words excluded."""

    def candidates(side: _Side) -> tuple[list[int], list[str]]:
        chosen = [
            (i, key[2:]) for i, key in enumerate(side.keys)
            if key.startswith("w:") and len(key) >= config.fuzzy_min_chars + 2 and not _DIGIT.search(key)
        ]
        return [i for i, _ in chosen], [word for _, word in chosen]

    a_positions, a_words = candidates(a)
    b_positions, b_words = candidates(b)
    if not a_words or not b_words:
        return []
    similarity = process.cdist(
        a_words, b_words, scorer=Indel.normalized_similarity, score_cutoff=config.fuzzy_min_similarity, workers=1
    )
    rows, columns = np.nonzero(similarity)
    return [
        (a_positions[r], b_positions[c])
        for r, c in zip(rows.tolist(), columns.tolist())
        if a_words[r] != b_words[c]
    ]


def _pair_matrix(pairs: list[tuple[int, int]], shape: tuple[int, int]) -> sparse.csr_matrix:
    if not pairs:
        return sparse.csr_matrix(shape, dtype=np.float64)
    rows, columns = zip(*pairs)
    matrix = sparse.csr_matrix((np.ones(len(pairs)), (rows, columns)), shape=shape, dtype=np.float64)
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


# ---------------------------------------------------------------------------------------------
# Span similarities and costs


def _spans(presence: sparse.csr_matrix | np.ndarray, order: np.ndarray, width: int):
    """Presence of types in every run of ``width`` consecutive sentences of ``order``."""
    rows = presence[order]
    count = rows.shape[0] - width + 1
    total = rows[:count]
    for offset in range(1, width):
        total = total + rows[offset : offset + count]
    return _binary(total)


def _binary(matrix: sparse.spmatrix | np.ndarray):
    """1 where a matrix is positive (a new matrix; sparse stays sparse)."""
    if sparse.issparse(matrix):
        matrix = matrix.tocsr(copy=True)
        matrix.data[:] = 1.0
        return matrix
    return np.minimum(matrix, 1.0)


def _dense(matrix: sparse.spmatrix | np.ndarray) -> np.ndarray:
    return matrix.toarray() if sparse.issparse(matrix) else np.asarray(matrix)


def _times_columns(matrix: sparse.spmatrix | np.ndarray, weights: np.ndarray):
    return matrix.multiply(weights).tocsr() if sparse.issparse(matrix) else matrix * weights


def _window_sum(values: np.ndarray, width: int) -> np.ndarray:
    """Sums of ``width`` consecutive rows."""
    cumulative = np.concatenate([np.zeros((1,) + values.shape[1:]), np.cumsum(values, axis=0)])
    return cumulative[width:] - cumulative[:-width]


@dataclass(frozen=True)
class _Scores:
    """Evidence for every candidate link of one pass, per link shape (p, q).

    ``similarity[(p, q)][i, j]``: weighted share of the types of a-span [i, i+p) and b-span
    [j, j+q) that find a match in the other span. ``coverage_a[q][i, j]``: share of sentence
    a_i's weight matched in b-span [j, j+q); ``coverage_b[p][j, i]`` the same for b_j.
    """

    similarity: dict[tuple[int, int], np.ndarray]
    coverage_a: dict[int, np.ndarray]
    coverage_b: dict[int, np.ndarray]


def _scores(
    a: _Side, b: _Side, matches: _Matches, a_order: np.ndarray, b_order: np.ndarray, shapes: Sequence[tuple[int, int]]
) -> _Scores:
    widths_a = sorted({p for p, _ in shapes} | {1})
    widths_b = sorted({q for _, q in shapes} | {1})
    # Small documents (the usual news article) are faster with dense presence arrays; the
    # type-to-type matches stay sparse (a type matches a handful of others).
    dense = len(a.keys) * len(b.keys) <= _DENSE_TYPE_PAIRS
    a_presence, b_presence = (a.presence.toarray(), b.presence.toarray()) if dense else (a.presence, b.presence)
    matched_types = matches.any
    spans_a = {p: _spans(a_presence, a_order, p) for p in widths_a}
    spans_b = {q: _spans(b_presence, b_order, q) for q in widths_b}
    reach_b = {q: _binary(matched_types @ spans_b[q].T) for q in widths_b}  # a types × b spans
    reach_a = {p: _binary(matched_types.T @ spans_a[p].T) for p in widths_a}  # b types × a spans
    weighted_a = _times_columns(spans_a[1], a.weights)
    weighted_b = _times_columns(spans_b[1], b.weights)
    total_a = np.asarray(weighted_a.sum(axis=1)).ravel()
    total_b = np.asarray(weighted_b.sum(axis=1)).ravel()
    covered_a = {q: _dense(weighted_a @ reach_b[q]) for q in widths_b}  # n × m_q
    covered_b = {p: _dense(weighted_b @ reach_a[p]) for p in widths_a}  # m × n_p
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage_a = {q: np.where(total_a[:, None] > 0, c / total_a[:, None], np.nan) for q, c in covered_a.items()}
        coverage_b = {p: np.where(total_b[:, None] > 0, c / total_b[:, None], np.nan) for p, c in covered_b.items()}
        similarity = {}
        for p, q in shapes:
            matched = _window_sum(covered_a[q], p) + _window_sum(covered_b[p], q).T
            total = _window_sum(total_a, p)[:, None] + _window_sum(total_b, q)[None, :]
            similarity[(p, q)] = np.where(total > 0, matched / np.where(total > 0, total, 1.0), 0.0)
    return _Scores(similarity, coverage_a, coverage_b)


def _length_ratio(a_lengths: np.ndarray, b_lengths: np.ndarray, scores: _Scores) -> float:
    """How much longer b's sentences are than a's: the documents' total length ratio, unless the
    sentence pairs that are each other's best match show a ratio more than 1.5 times off (one
    document is an excerpt, or lost or gained whole passages), in which case theirs."""
    single_a = np.nan_to_num(scores.coverage_a[1], nan=0.0)
    single_b = np.nan_to_num(scores.coverage_b[1], nan=0.0)
    best_of_a, best_of_b = single_a.argmax(axis=1), single_b.argmax(axis=1)
    mutual = [(i, j) for i, j in enumerate(best_of_a.tolist()) if best_of_b[j] == i and single_a[i, j] > 0]
    ratio = b_lengths.sum() / max(a_lengths.sum(), 1.0)
    if mutual:
        rows, columns = zip(*mutual)
        matched = b_lengths[list(columns)].sum() / max(a_lengths[list(rows)].sum(), 1.0)
        if abs(np.log(max(matched, 1e-3) / max(ratio, 1e-3))) > np.log(1.5):
            ratio = matched
    return float(np.clip(ratio, 0.5, 2.0))


def _length_costs(
    a: _Side, b: _Side, scores: _Scores, shapes: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], np.ndarray]:
    """Gale–Church cost −log P(|δ|) of the character lengths of every pair of spans (first pass:
    documents in order)."""
    ratio = _length_ratio(a.lengths, b.lengths, scores)
    result = {}
    for p, q in shapes:
        la = np.convolve(a.lengths, np.ones(p), mode="valid")[:, None]
        lb = np.convolve(b.lengths, np.ones(q), mode="valid")[None, :]
        delta = (lb - ratio * la) / np.sqrt(_LENGTH_VARIANCE * (ratio * la + lb) / 2 + 1.0)
        result[(p, q)] = -(np.log(2.0) + log_ndtr(-np.abs(delta)))
    return result


def _best_path(
    link_costs: Mapping[tuple[int, int], np.ndarray], n: int, m: int, skip_cost: float
) -> list[tuple[int, int, int, int]]:
    """Monotone alignment of n with m sentences of least total cost, as (i, p, j, q) steps.

    Row by row: links and a-skips come from earlier rows (vectorised over the row); b-skips
    chain within a row, solved as a running minimum of cost − position · skip_cost.
    """
    shapes = list(link_costs)
    best = np.full((n + 1, m + 1), np.inf)
    choice = np.full((n + 1, m + 1), -1, dtype=np.int8)  # index into shapes, or -1 = skip a, -2 = skip b
    columns = np.arange(m + 1)
    for i in range(n + 1):
        candidate = np.full(m + 1, np.inf)
        chosen = np.full(m + 1, -2, dtype=np.int8)
        if i == 0:
            candidate[0] = 0.0
        else:
            candidate = best[i - 1] + skip_cost
            chosen[:] = -1
            for number, (p, q) in enumerate(shapes):
                if p <= i and q <= m:
                    values = best[i - p, : m + 1 - q] + link_costs[(p, q)][i - p]
                    better = values < candidate[q:]
                    candidate[q:] = np.where(better, values, candidate[q:])
                    chosen[q:] = np.where(better, number, chosen[q:])
        offset = candidate - columns * skip_cost
        running = np.minimum.accumulate(offset)
        from_skip = running < offset
        best[i] = running + columns * skip_cost
        choice[i] = np.where(from_skip, -2, chosen)
    steps = []
    i, j = n, m
    while i > 0 or j > 0:
        move = int(choice[i, j])
        p, q = (1, 0) if move == -1 else (0, 1) if move == -2 else shapes[move]
        steps.append((i - p, p, j - q, q))
        i, j = i - p, j - q
    return steps[::-1]


@dataclass(frozen=True)
class _Scale:
    """The evidence scale of a document pair.

    ``background``: median coverage of a sentence by another (mostly unrelated); ``typical``: median
    coverage of a sentence by its best match. Both depend on how much evidence the language
    pair offers (a dictionary, cognates, one language). ``excess_a[q]`` is how much more of an
    a-sentence a span of q b-sentences covers by chance than one sentence does (and
    ``excess_b[p]`` the same for b), so that merging sentences gains nothing by chance alone.
    """

    background: float
    typical: float
    excess_a: Mapping[int, float]
    excess_b: Mapping[int, float]


def _evidence_scale(scores: _Scores) -> _Scale:
    single_a, single_b = scores.coverage_a[1], scores.coverage_b[1]
    every = np.concatenate([single_a.ravel(), single_b.ravel()])
    background = float(np.nanmedian(every)) if not np.all(np.isnan(every)) else 0.0
    best = [np.nanmax(np.nan_to_num(c, nan=0.0), axis=1) for c in (single_a, single_b) if c.shape[1]]
    typical = float(np.median(np.concatenate(best))) if best else 1.0
    excess_a = {q: _chance_gain(c, single_a) for q, c in scores.coverage_a.items()}
    excess_b = {p: _chance_gain(c, single_b) for p, c in scores.coverage_b.items()}
    return _Scale(background, typical, excess_a, excess_b)


def _chance_gain(wide: np.ndarray, single: np.ndarray) -> float:
    """How much more of a sentence a wider span covers by chance than one sentence does: the
    difference of the mean coverages (mostly unrelated pairs). Zero for documents too short to
    tell chance from content."""
    if min(wide.size, single.size) < _MIN_PAIRS_FOR_CHANCE or np.all(np.isnan(wide)):
        return 0.0
    return max(0.0, float(np.nanmean(wide)) - float(np.nanmean(single)))


def _corrected(coverage: np.ndarray, excess: float) -> np.ndarray:
    """Coverage less what a wider span gains by chance; 0.5 for a sentence with nothing to match."""
    return np.where(np.isnan(coverage), 0.5, np.clip(coverage - excess, 0.0, 1.0))


def _on_scale(coverage: np.ndarray, scale: _Scale) -> np.ndarray:
    """Coverage on the pair's evidence scale: 0 at background, 1 at (or above) a typical best match."""
    spread = scale.typical - scale.background
    if spread <= 1e-6:
        return np.zeros_like(coverage)
    return np.clip((coverage - scale.background) / spread, 0.0, 1.0)


def _align_orders(
    a: _Side,
    b: _Side,
    matches: _Matches,
    a_order: np.ndarray,
    b_order: np.ndarray,
    config: _Config,
    scale: _Scale | None,
) -> tuple[list[_Link], _Scores, _Scale]:
    """Links between the sentences a_order and b_order (positions into a and b), in order.

    Without a ``scale`` (the first pass) the evidence scale is measured here and the length
    prior applies; with one (passes over leftovers) order and length carry no evidence.

    A link's cost adds, for every sentence in it, how much of that sentence finds no match on
    the other side of the link; a sentence left unaligned costs ``unaligned_cost`` less the
    pair's evidence level; a link merging sentences costs ``merge_cost`` per extra sentence.
    """
    shapes = [(p, q) for p, q in LINK_SHAPES if p <= len(a_order) and q <= len(b_order)]
    scores = _scores(a, b, matches, a_order, b_order, shapes)
    use_length = scale is None and config.length_weight > 0
    if scale is None:
        scale = _evidence_scale(scores)
    lengths = _length_costs(a, b, scores, shapes) if use_length else {}
    unmatched_a = {q: 1.0 - _corrected(c, scale.excess_a[q]) for q, c in scores.coverage_a.items()}
    unmatched_b = {p: 1.0 - _corrected(c, scale.excess_b[p]) for p, c in scores.coverage_b.items()}
    link_costs, unmatched = {}, {}
    for p, q in shapes:
        unmatched[(p, q)] = _window_sum(unmatched_a[q], p) + _window_sum(unmatched_b[p], q).T
        cost = config.lexical_weight * unmatched[(p, q)] + config.merge_cost * (p + q - 2)
        if (p, q) in lengths:
            cost = cost + config.length_weight * lengths[(p, q)]
        link_costs[(p, q)] = cost
    links = []
    skip = config.unaligned_cost - (scale.background + scale.typical) / 2
    strengths = _strengths(scores, scale)
    for i, p, j, q in _best_path(link_costs, len(a_order), len(b_order), skip):
        a_ids = tuple(int(x) for x in a_order[i : i + p])
        b_ids = tuple(int(x) for x in b_order[j : j + q])
        if p and q:
            strength = _strength(strengths, i, p, j, q)
            links.append(_Link(a_ids, b_ids, float(scores.similarity[(p, q)][i, j]), strength=strength))
        else:
            links.append(_Link(a_ids, b_ids, 0.0))
    return links, scores, scale


def _strengths(scores: _Scores, scale: _Scale) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Every coverage of :class:`_Scores` on the evidence scale (1 = a typical best match)."""
    return (
        {q: _on_scale(_corrected(c, scale.excess_a[q]), scale) for q, c in scores.coverage_a.items()},
        {p: _on_scale(_corrected(c, scale.excess_b[p]), scale) for p, c in scores.coverage_b.items()},
    )


def _strength(strengths: tuple[dict[int, np.ndarray], dict[int, np.ndarray]], i: int, p: int, j: int, q: int) -> float:
    """Mean strength of the sentences of the link a[i, i+p) – b[j, j+q)."""
    total = strengths[0][q][i : i + p, j].sum() + strengths[1][p][j : j + q, i].sum()
    return float(total) / (p + q)


def _is_run(ids: tuple[int, ...]) -> bool:
    return all(second == first + 1 for first, second in zip(ids, ids[1:]))


def _align(
    a: _Side, b: _Side, config: _Config, matches: _Matches
) -> tuple[list[_Link], tuple[np.ndarray, np.ndarray]]:
    """First pass in document order, then passes over the leftovers for moved content.

    Returns the links in reading order and each sentence's nearest match (see :func:`_nearest`).
    """
    links, scores, scale = _align_orders(a, b, matches, np.arange(a.size), np.arange(b.size), config, scale=None)
    pairs = [link for link in links if link.a_ids and link.b_ids]
    if not config.crosslingual:
        pairs = _detach_strays(pairs, scores, scale, config)
    pairs = _uncross_swaps(pairs, scores, scale, config)
    for _ in range(2):
        free_a = np.array(sorted(set(range(a.size)) - {i for link in pairs for i in link.a_ids}), dtype=int)
        free_b = np.array(sorted(set(range(b.size)) - {j for link in pairs for j in link.b_ids}), dtype=int)
        if len(free_a) == 0 or len(free_b) == 0:
            break
        extra, _, _ = _align_orders(a, b, matches, free_a, free_b, config, scale)
        found = [
            link
            for link in extra
            if link.a_ids and link.b_ids and link.strength >= config.move_min_similarity
            and _is_run(link.a_ids) and _is_run(link.b_ids)
        ]
        if not found:
            break
        pairs += found
    pairs = _mark_moves(pairs)
    nearest = _nearest(scores, scale, a.size, b.size)
    unaligned_a = sorted(set(range(a.size)) - {i for link in pairs for i in link.a_ids})
    unaligned_b = sorted(set(range(b.size)) - {j for link in pairs for j in link.b_ids})
    result = list(pairs)
    result += [_Link((i,), (), 1.0 - float(nearest[0][i, 1])) for i in unaligned_a]
    result += [_Link((), (j,), 1.0 - float(nearest[1][j, 1])) for j in unaligned_b]
    return _in_reading_order(result, pairs), nearest


def _detach_strays(pairs: list[_Link], scores: _Scores, scale: _Scale, config: _Config) -> list[_Link]:
    """Take out of a multi-sentence link an end sentence that matches a sentence outside the link
    better than the link itself: clearly better (``detach_margin``) when that sentence is linked
    elsewhere, at least as well when it is left unaligned. The sentence goes back to the
    leftovers, to be linked again as moved content or stay unaligned."""
    single = {"a": _on_scale(np.nan_to_num(scores.coverage_a[1], nan=0.0), scale),
              "b": _on_scale(np.nan_to_num(scores.coverage_b[1], nan=0.0), scale)}
    strengths = _strengths(scores, scale)
    linked = {"a": {i for link in pairs for i in link.a_ids}, "b": {j for link in pairs for j in link.b_ids}}
    result = []
    for link in pairs:
        ids = {"a": list(link.a_ids), "b": list(link.b_ids)}
        changed = True
        while changed and len(ids["a"]) + len(ids["b"]) > 2:
            changed = False
            for side, other_side in (("a", "b"), ("b", "a")):
                own, other = ids[side], ids[other_side]
                if len(own) < 2:
                    continue
                strength = strengths[0] if side == "a" else strengths[1]
                margin = np.array(
                    [np.inf if k in other else config.detach_margin if k in linked[other_side] else 0.0
                     for k in range(single[side].shape[1])]
                )
                for member in (own[0], own[-1]):
                    inside = float(strength[len(other)][member, other[0]])
                    if np.any((single[side][member] > 0) & (single[side][member] >= inside + margin)):
                        own.remove(member)
                        changed = True
                        break
        if ids["a"] == list(link.a_ids) and ids["b"] == list(link.b_ids):
            result.append(link)
        else:
            i, p, j, q = ids["a"][0], len(ids["a"]), ids["b"][0], len(ids["b"])
            score = float(scores.similarity[(p, q)][i, j])
            result.append(_Link(tuple(ids["a"]), tuple(ids["b"]), score, strength=_strength(strengths, i, p, j, q)))
    return result


def _mark_moves(pairs: list[_Link]) -> list[_Link]:
    """Mark as moved the links off the heaviest chain of links in document order on both sides
    (heaviest: most sentences; the earlier link wins a tie)."""
    ordered = sorted(pairs, key=lambda link: (min(link.a_ids), min(link.b_ids)))
    weight = [len(link.a_ids) + len(link.b_ids) for link in ordered]
    best = list(weight)
    previous = [-1] * len(ordered)
    for k, link in enumerate(ordered):
        for earlier in range(k):
            before = ordered[earlier]
            if max(before.a_ids) < min(link.a_ids) and max(before.b_ids) < min(link.b_ids):
                if best[earlier] + weight[k] > best[k]:
                    best[k], previous[k] = best[earlier] + weight[k], earlier
    chain = set()
    k = max(range(len(ordered)), key=lambda position: (best[position], -position)) if ordered else -1
    while k >= 0:
        chain.add(k)
        k = previous[k]
    return [
        _Link(link.a_ids, link.b_ids, link.score, k not in chain, link.strength) for k, link in enumerate(ordered)
    ]


def _nearest(scores: _Scores, scale: _Scale, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Per sentence of a and of b: (position of its best single match on the other side, that
    match's strength on the evidence scale); (−1, 0) when the other side is empty."""
    result = []
    for coverage, size, other in ((scores.coverage_a.get(1), n, m), (scores.coverage_b.get(1), m, n)):
        if coverage is None or other == 0 or size == 0:
            result.append(_no_match(size))
            continue
        values = _on_scale(np.nan_to_num(coverage, nan=0.0), scale)
        result.append(np.column_stack([values.argmax(axis=1), values.max(axis=1)]))
    return result[0], result[1]


def _no_match(size: int) -> np.ndarray:
    return np.column_stack([np.full(size, -1.0), np.zeros(size)])


def _uncross_swaps(pairs: list[_Link], scores: _Scores, scale: _Scale, config: _Config) -> list[_Link]:
    """Replace a 2–2 link by two crossed 1–1 links when the swapped pairing explains it better."""
    strengths = _strengths(scores, scale)
    result = []
    for link in pairs:
        if len(link.a_ids) == 2 and len(link.b_ids) == 2:
            (first_a, second_a), (first_b, second_b) = link.a_ids, link.b_ids
            crossed = [(first_a, second_b), (second_a, first_b)]
            crossed_strengths = [_strength(strengths, i, 1, j, 1) for i, j in crossed]
            crossed_cost = sum(2 * (1.0 - strength) for strength in crossed_strengths)
            merged_cost = 4 * (1.0 - link.strength) + 2 * config.merge_cost
            if crossed_cost < merged_cost:
                result += [
                    _Link((i,), (j,), float(scores.similarity[(1, 1)][i, j]), strength=strength)
                    for (i, j), strength in zip(crossed, crossed_strengths)
                ]
                continue
        result.append(link)
    return result


def _in_reading_order(links: list[_Link], pairs: list[_Link]) -> list[_Link]:
    """Links sorted by reference position; a version-only sentence goes after the link before it."""
    anchor_of_b = {}
    for link in pairs:
        for j in link.b_ids:
            anchor_of_b[j] = min(link.a_ids)

    def position(link: _Link) -> tuple[float, float]:
        if link.a_ids:
            return (min(link.a_ids), min(link.b_ids) if link.b_ids else -1)
        j = link.b_ids[0]
        before = [anchor_of_b[k] for k in anchor_of_b if k < j]
        return (max(before) + 0.5 if before else -0.5, j)

    return sorted(links, key=position)


# ---------------------------------------------------------------------------------------------
# Evidence and output


def _config(
    a_language: str, b_language: str, dictionary: BilingualDictionary | None, settings: Mapping | None
) -> _Config:
    values = (settings or default_settings())["align"]
    cross = a_language != b_language
    mode = "crosslingual" if cross else "monolingual"
    return _Config(
        crosslingual=cross,
        languages=(a_language, b_language),
        lexical_weight=float(values["lexical_weight"]),
        length_weight=float(values[f"length_weight_{mode}"]),
        merge_cost=float(values["merge_cost"]),
        unaligned_cost=float(values[f"unaligned_cost_{mode}"]),
        move_min_similarity=float(values[f"move_min_similarity_{mode}"]),
        fuzzy_min_similarity=float(values[f"fuzzy_min_similarity_{mode}"]),
        fuzzy_min_chars=int(values["fuzzy_min_chars"]),
        anchor_weight=float(values["anchor_weight"]),
        evidence_max_items=int(values["evidence_max_items"]),
        detach_margin=float(values["detach_margin"]),
        core_lexicon=bool(values["core_lexicon"]),
    )


def _sources(config: _Config, dictionary: BilingualDictionary | None, moved: bool) -> list[str]:
    if not config.crosslingual:
        sources = ["lemmas", "fuzzy", "anchors"]
    else:
        sources = ["anchors", "cognates"] + (["lexicon"] if config.core_lexicon else [])
        sources += ["dictionary"] if dictionary is not None else []
    if config.length_weight > 0 and not moved:
        sources.append("length")
    return sources


def _method(config: _Config, dictionary: BilingualDictionary | None, moved: bool) -> str:
    if not config.crosslingual:
        return "lexical"
    return "+".join(_sources(config, dictionary, moved))


def _evidence(
    link: _Link,
    a: _Side,
    b: _Side,
    matches: _Matches,
    config: _Config,
    dictionary: BilingualDictionary | None,
    nearest: tuple[np.ndarray, np.ndarray],
) -> dict:
    evidence: dict = {"sources": _sources(config, dictionary, link.moved)}
    if dictionary is not None and config.crosslingual:
        evidence["dictionary_name"] = dictionary.name
    if not (link.a_ids and link.b_ids):
        position, strength = nearest[0][link.a_ids[0]] if link.a_ids else nearest[1][link.b_ids[0]]
        evidence["unaligned"] = True
        evidence["nearest"] = int(position) if position >= 0 else None
        evidence["nearest_strength"] = round(float(strength), 4)
        return evidence
    a_types = {t for i in link.a_ids for t in a.sentence_types[i]}
    b_types = {t for j in link.b_ids for t in b.sentence_types[j]}
    found: dict[str, list[tuple[float, str, str, str]]] = defaultdict(list)
    for i in a_types:
        for j, kind in matches.how.get(i, ()):
            if j in b_types:
                kind = "anchor" if a.keys[i].startswith("a:") else kind
                found[kind].append((-(a.weights[i] + b.weights[j]), a.keys[i], a.surfaces[i], b.surfaces[j]))
    ranked = {kind: sorted(items)[: config.evidence_max_items] for kind, items in found.items()}
    evidence["anchors"] = [a_key[2:] for _, a_key, _, _ in ranked.get("anchor", [])]
    words = [[x, y] for _, _, x, y in ranked.get("exact", [])]
    fuzzy = [[x, y] for _, _, x, y in ranked.get("fuzzy", [])]
    if config.crosslingual:
        evidence["cognates"] = (words + fuzzy)[: config.evidence_max_items]
        evidence["lexicon"] = [[x, y] for _, _, x, y in ranked.get("lexicon", [])]
        if dictionary is not None:
            evidence["dictionary"] = [[x, y] for _, _, x, y in ranked.get("dictionary", [])]
    else:
        evidence["lemmas"] = [x for x, _ in words]
        evidence["fuzzy"] = fuzzy
    evidence["moved"] = link.moved
    return evidence


def _alignment_frame(a: _Side, b: _Side, config: _Config, dictionary: BilingualDictionary | None) -> pd.DataFrame:
    if a.size == 0 and b.size == 0:
        return _empty_alignment()
    matches = _matches(a, b, config, dictionary)
    if a.size == 0 or b.size == 0:
        links = [_Link((i,), (), 1.0) for i in range(a.size)] + [_Link((), (j,), 1.0) for j in range(b.size)]
        nearest = (_no_match(a.size), _no_match(b.size))
    else:
        links, nearest = _align(a, b, config, matches)
    return pd.DataFrame(
        {
            "link_id": np.arange(len(links), dtype=np.int64),
            "a_ids": pd.Series([list(link.a_ids) for link in links], dtype=object),
            "b_ids": pd.Series([list(link.b_ids) for link in links], dtype=object),
            "score": np.array([round(min(max(link.score, 0.0), 1.0), 4) for link in links], dtype=np.float64),
            "method": pd.Series([_method(config, dictionary, link.moved) for link in links], dtype="str"),
            "evidence": pd.Series(
                [_evidence(link, a, b, matches, config, dictionary, nearest) for link in links], dtype=object
            ),
        }
    )


def _empty_alignment() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "link_id": pd.Series(dtype="int64"),
            "a_ids": pd.Series(dtype="object"),
            "b_ids": pd.Series(dtype="object"),
            "score": pd.Series(dtype="float64"),
            "method": pd.Series(dtype="str"),
            "evidence": pd.Series(dtype="object"),
        }
    )


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "link_id": pd.Series(dtype="int64"),
            "reference": pd.Series(dtype="str"),
            "ref_sent": pd.Series(dtype="Int64"),
            "article_id": pd.Series(dtype="str"),
            "sent_id": pd.Series(dtype="Int64"),
            "score": pd.Series(dtype="float64"),
            "method": pd.Series(dtype="str"),
            "evidence": pd.Series(dtype="object"),
        }
    )


def _article_order(sentences: pd.DataFrame) -> list[str]:
    if sentences.empty or "article_id" not in sentences:
        return []
    return list(dict.fromkeys(sentences["article_id"].tolist()))


def _article_sentences(sentences: pd.DataFrame, article_id: str) -> pd.DataFrame:
    if sentences.empty:
        return sentences
    rows = sentences[sentences["article_id"] == article_id]
    return rows.sort_values("sent_id", kind="stable")


def _article_language(rows: pd.DataFrame) -> str:
    """The most frequent sentence language of an article (its first one on ties)."""
    languages = [language for language in rows["language"].tolist() if isinstance(language, str) and language]
    if not languages:
        return ""
    counts = Counter(languages)
    return max(dict.fromkeys(languages), key=lambda language: counts[language])


# ---------------------------------------------------------------------------------------------
# Installed bilingual dictionaries (read at run time only; never copied into spin)


@lru_cache(maxsize=8)
def _read_dictionary(language_a: str, language_b: str, directories: tuple[str, ...]) -> BilingualDictionary | None:
    """Every installed dictionary between the two languages, merged. FreeDict's German–English
    files are built from ding's data, so ding's own file is read instead when it is installed."""
    translations: dict[str, set[str]] = defaultdict(set)
    used: list[str] = []
    if {language_a, language_b} == {"de", "en"}:
        for directory in map(Path, directories):
            ding = directory / "de-en"
            if ding.is_file():
                _add_pairs(translations, _ding_pairs(ding), invert=language_a == "en")
                used.append("ding de-en" + (" (reversed)" if language_a == "en" else ""))
    code_a, code_b = _ISO3[language_a], _ISO3[language_b]
    for directory in map(Path, directories if not used else ()):
        for code_from, code_to, invert in ((code_a, code_b, False), (code_b, code_a, True)):
            stem = directory / f"freedict-{code_from}-{code_to}"
            index, data = stem.with_suffix(".index"), stem.with_suffix(".dict.dz")
            if index.is_file() and data.is_file():
                _add_pairs(translations, _dictd_pairs(index, data), invert)
                used.append(stem.name + (" (reversed)" if invert else ""))
    if not translations:
        return None
    return BilingualDictionary(
        language_a,
        language_b,
        " + ".join(used),
        {word: tuple(sorted(targets)) for word, targets in translations.items()},
    )


def _add_pairs(translations: dict[str, set[str]], pairs: Iterable[tuple[str, str]], invert: bool) -> None:
    for source, target in pairs:
        if invert:
            source, target = target, source
        translations[source].add(target)


def _dictionary_words(text: str) -> list[str]:
    """Folded words of one translation, without fillers (sb., etw., to …) and very short words."""
    words = [_fold(word) for word in _WORD.findall(_BRACKETED.sub(" ", text))]
    return [word for word in words if len(word) >= 3 and word not in _DICTIONARY_FILLERS]


def _headword(text: str) -> str | None:
    words = _dictionary_words(text)
    return words[0] if len(words) == 1 else None


def _dictd_pairs(index: Path, data: Path) -> list[tuple[str, str]]:
    """(headword, translation word) pairs of a FreeDict dictd file (.index + dictzip .dict.dz)."""
    raw = gzip.decompress(data.read_bytes())
    pairs = []
    for line in index.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) < 3 or fields[0].startswith("00database"):
            continue
        offset, length = _base64_number(fields[1]), _base64_number(fields[2])
        lines = raw[offset : offset + length].decode("utf-8", errors="replace").splitlines()
        if len(lines) < 2:
            continue
        head = _headword(re.split(r" /| <", lines[0], maxsplit=1)[0])
        if head is None:
            continue
        for number, body in enumerate(lines[1:]):
            if number > 0 and not _SENSE_NUMBER.match(body):
                continue
            body = _TRAILING_SENSE.sub("", _SENSE_NUMBER.sub("", body))
            for piece in re.split(r"[,;]", body):
                pairs.extend((head, word) for word in _dictionary_words(piece))
    return pairs


def _base64_number(text: str) -> int:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    value = 0
    for ch in text:
        value = value * 64 + alphabet.index(ch)
    return value


def _ding_pairs(path: Path) -> list[tuple[str, str]]:
    """(German word, English word) pairs of ding's ``de-en`` file (``German :: English`` lines)."""
    pairs = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("#") or " :: " not in line:
                continue
            german, english = line.rstrip("\n").split(" :: ", 1)
            for german_part, english_part in zip(german.split(" | "), english.split(" | ")):
                heads = [head for head in map(_headword, german_part.split("; ")) if head]
                if not heads:
                    continue
                targets = {word for synonym in english_part.split("; ") for word in _dictionary_words(synonym)}
                pairs.extend((head, target) for head in heads for target in targets)
    return pairs

