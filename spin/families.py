"""Story families in a large corpus: MinHash LSH over word shingles, plus language-independent anchors.

A family is every article that reposts one story: verbatim copies, rewrites, synonym-spun
copies, truncations and translations. The pipeline is a chain of small pure functions over
pandas partitions, so the same code runs on one machine or on a Dask cluster
(:mod:`spin.scale`):

1. :func:`fingerprint_partition` — per article: language, a densified one-permutation MinHash
   of its word shingles, and its claim anchors (numbers, dates, names, quotes; from
   :func:`spin.claims.anchors`, normalised across en/de/fr).
2. :func:`candidate_pairs` — articles sharing an LSH band, plus articles sharing several rare
   anchors (this finds translations, spun copies and truncations, which share few shingles).
   Buckets are capped, so there is never an all-pairs matrix.
3. :func:`verify_pairs` — cheap checks of each candidate: estimated shingle Jaccard and
   containment (how much of the shorter article the longer one covers), shared anchors.
4. :func:`connected_families` — connected components of the verified pairs, with evidence.

:func:`find_families` chains the four on an articles DataFrame.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from typing import Callable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from spin import claims, language
from spin.errors import InputError
from spin.settings import default_settings

FAMILY_COLUMNS = ("article_id", "family_id", "family_size", "language", "evidence")
FINGERPRINT_COLUMNS = ("article_id", "language", "words", "shingles", "signature", "anchors", "anchor_hashes")
PAIR_COLUMNS = ("a", "b", "via")
EDGE_COLUMNS = ("a", "b", "via", "jaccard", "containment", "shared_anchors", "anchor_overlap", "cross_lingual")
SUPPORTED = ("en", "de", "fr")
_EMPTY_SLOT = np.uint32(0xFFFFFFFF)


@dataclass(frozen=True)
class FamilySettings:
    """Thresholds of family finding; the defaults are ``[families]`` in ``spin/settings.toml``."""

    num_perm: int
    bands: int
    rows_per_band: int
    shingle_words: int
    max_bucket: int
    anchor_max_articles: int
    min_shared_anchors: int
    min_jaccard: float
    min_containment: float
    min_shingles_for_containment: int
    min_anchor_overlap: float
    min_anchor_overlap_crosslingual: float
    min_jaccard_with_anchors: float
    language_prefix_chars: int
    evidence_anchors: int

    @classmethod
    def from_settings(cls, settings: Mapping | None = None) -> "FamilySettings":
        section = (settings or default_settings())["families"]
        return cls(**{f.name: section[f.name] for f in fields(cls)})


# --------------------------------------------------------------------------- hashing

_M64 = np.uint64
_TOKEN_BASE = _M64(0x100000001B3)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over the whole 64-bit word."""
    x = x ^ (x >> _M64(30))
    x = x * _M64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _M64(27))
    x = x * _M64(0x94D049BB133111EB)
    return x ^ (x >> _M64(31))


def _rotate(x: np.ndarray, bits: int) -> np.ndarray:
    return (x << _M64(bits)) | (x >> _M64(64 - bits))


def _byte_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lower = np.arange(256, dtype=np.uint8)
    lower[ord("A"): ord("Z") + 1] += 32
    word = np.zeros(256, dtype=bool)
    for start, end in (("0", "9"), ("a", "z"), ("A", "Z")):
        word[ord(start): ord(end) + 1] = True
    word[0x80:] = True  # bytes of non-ASCII characters: letters, except the punctuation fixed below
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.full(256, _TOKEN_BASE, dtype=np.uint64)) // _TOKEN_BASE
    powers[0] = 1
    return lower, word, powers


_LOWER, _WORD_BYTE, _POWERS = _byte_tables()
# Second bytes of U+00A0 no-break space, « and »; third bytes after E2 80 of dashes, quotes, …
_C2_PUNCTUATION = np.array([0xA0, 0xAB, 0xBB], dtype=np.uint8)


def _utf8_buffer(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of all texts, concatenated, and the start offset of each (n + 1 offsets)."""
    array = pa.array(texts.fillna("").astype(str), type=pa.large_string())
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64, count=len(array) + 1, offset=array.offset * 8)
    data = array.buffers()[2]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return data[offsets[0]: offsets[-1]], offsets - offsets[0]


def token_hashes(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Case-folded word tokens of each text, hashed to uint64; returns (hashes, tokens per text).

    Vectorised over the UTF-8 bytes: a token is a run of letters and digits (any non-ASCII
    character except common punctuation counts as a letter); A–Z and À–Þ are lower-cased.
    Hashes are the same in every process (no dependence on Python's salted ``hash``).
    """
    data, offsets = _utf8_buffer(texts)
    return _chunk_token_hashes(data, offsets)


def text_signatures(texts: pd.Series, num_perm: int, shingle_words: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(MinHash signatures, words per text, shingles per text) of every text.

    Works through the texts about a megabyte at a time, so the byte-level arrays stay in cache.
    """
    texts = texts.reset_index(drop=True)
    lengths = texts.fillna("").astype(str).str.len().to_numpy()
    ends = np.cumsum(lengths)
    signatures, words, shingles = [], [], []
    first = 0
    while first < len(texts):
        last = max(first + 1, int(np.searchsorted(ends, ends[first] - lengths[first] + _CHUNK_CHARS, side="right")))
        tokens, per_text = token_hashes(texts.iloc[first:last])
        hashes, per_shingle = shingle_hashes(tokens, per_text, shingle_words)
        signatures.append(minhash_signatures(hashes, per_shingle, num_perm))
        words.append(per_text)
        shingles.append(per_shingle)
        first = last
    if not signatures:
        return np.zeros((0, num_perm), dtype=np.uint32), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(signatures), np.concatenate(words), np.concatenate(shingles)


_CHUNK_CHARS = 1 << 20


def _chunk_token_hashes(data: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(offsets) - 1
    if len(data) == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(n, dtype=np.int64)
    folded = _LOWER[data]
    second = folded[1:]
    upper_latin = (folded[:-1] == 0xC3) & (second >= 0x80) & (second <= 0x9E) & (second != 0x97)
    second[upper_latin] += 0x20
    word = _WORD_BYTE[folded]
    general_punctuation = np.flatnonzero((folded[:-2] == 0xE2) & (folded[1:-1] == 0x80))
    for shift in range(3):
        word[general_punctuation + shift] = False
    latin_punctuation = np.flatnonzero((folded[:-1] == 0xC2) & np.isin(folded[1:], _C2_PUNCTUATION))
    word[latin_punctuation] = False
    word[latin_punctuation + 1] = False

    starts = word.copy()
    starts[1:] &= ~word[:-1]
    article_starts = offsets[:-1][offsets[:-1] < len(data)]
    starts[article_starts] = word[article_starts]
    positions = np.flatnonzero(word)
    first_flags = starts[positions]
    token_of_byte = np.cumsum(first_flags) - 1
    firsts = np.flatnonzero(first_flags)
    relative = np.arange(len(positions)) - firsts[token_of_byte]
    values = (folded[positions].astype(np.uint64) + _M64(1)) * _POWERS[np.minimum(relative, 255)]
    hashes = _mix(np.add.reduceat(values, firsts) if len(firsts) else np.zeros(0, dtype=np.uint64))
    per_text = np.diff(np.searchsorted(positions[firsts], offsets)).astype(np.int64)
    return hashes, per_text


def shingle_hashes(tokens: np.ndarray, per_text: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of ``width`` consecutive tokens inside one text; (hashes, shingles per text).

    A text shorter than ``width`` tokens keeps its tokens as shingles, so it still has a signature.
    """
    if width <= 1 or len(tokens) == 0:
        return tokens, per_text.copy()
    owner = np.repeat(np.arange(len(per_text)), per_text)
    combined = tokens.copy()
    for shift in range(1, width):
        combined[:-shift] ^= _rotate(tokens[shift:], (21 * shift) % 64)
    whole = np.zeros(len(tokens), dtype=bool)
    whole[: len(tokens) - width + 1] = owner[: len(tokens) - width + 1] == owner[width - 1:]
    short = per_text < width
    short_token = short[owner]
    keep = whole | short_token
    hashes = np.where(short_token, tokens, _mix(combined))[keep]
    return hashes, np.where(short, per_text, per_text - (width - 1)).astype(np.int64)


def minhash_signatures(shingles: np.ndarray, per_text: np.ndarray, num_perm: int) -> np.ndarray:
    """Densified one-permutation MinHash: an (n, num_perm) uint32 matrix.

    Each shingle hash falls in one of ``num_perm`` bins (its top bits) and each bin keeps the
    smallest low 32 bits: the same estimator as ``num_perm`` independent permutations at the cost
    of one pass (Li, Owen & Zhang 2012). Empty bins borrow from the next filled bin to their right,
    with an offset per step (rotation densification, Shrivastava & Li 2014). A text without
    shingles keeps every slot empty (0xFFFFFFFF) and never matches.
    """
    n = len(per_text)
    bits = int(num_perm).bit_length() - 1
    if num_perm != 1 << bits:
        raise ValueError(f"num_perm must be a power of two, not {num_perm}")
    owner = np.repeat(np.arange(n), per_text)
    slots = owner * num_perm + (shingles >> _M64(64 - bits)).astype(np.int64)
    signatures = np.full(n * num_perm, _EMPTY_SLOT, dtype=np.uint32)
    np.minimum.at(signatures, slots, (shingles & _M64(0xFFFFFFFF)).astype(np.uint32))
    return _densify(signatures.reshape(n, num_perm))


def _densify(signatures: np.ndarray) -> np.ndarray:
    n, width = signatures.shape
    filled = signatures != _EMPTY_SLOT
    if filled.all() or n == 0:
        return signatures
    doubled = np.concatenate([signatures, signatures], axis=1)
    columns = np.arange(2 * width)
    candidate = np.where(np.concatenate([filled, filled], axis=1), columns, 2 * width)
    next_filled = np.minimum.accumulate(candidate[:, ::-1], axis=1)[:, ::-1][:, :width]
    has_any = filled.any(axis=1)
    rows = np.arange(n)[:, None]
    source = np.minimum(next_filled, 2 * width - 1)
    steps = (source - np.arange(width)).astype(np.uint32)
    with np.errstate(over="ignore"):
        dense = doubled[rows, source] + steps * np.uint32(0x9E3779B1)
    dense[~filled & ~has_any[:, None]] = _EMPTY_SLOT
    return np.where(filled, signatures, dense)


def band_keys(signatures: np.ndarray, bands: int, rows_per_band: int) -> np.ndarray:
    """One uint64 key per (article, band): equal keys mean the band's slots are all equal."""
    n = signatures.shape[0]
    used = signatures[:, : bands * rows_per_band].astype(np.uint64).reshape(n, bands, rows_per_band)
    keys = np.zeros((n, bands), dtype=np.uint64)
    for row in range(rows_per_band):
        keys = _mix(keys ^ _rotate(used[:, :, row], (17 * row) % 64 or 1))
    with np.errstate(over="ignore"):
        return _mix(keys + np.arange(1, bands + 1, dtype=np.uint64) * _M64(0x9E3779B97F4A7C15))


def _anchor_hashes(keys: list[str]) -> np.ndarray:
    if not keys:
        return np.zeros(0, dtype=np.uint64)
    return np.unique(pd.util.hash_array(np.array(keys, dtype=object), categorize=False))


# --------------------------------------------------------------------------- fingerprints


def normalise_language(value) -> str | None:
    """A language cell of the input as spin writes it, or None when it must be detected."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    code = str(value).strip()
    if not code:
        return None
    lowered = code.lower()
    if lowered in SUPPORTED or lowered == "unknown" or lowered.startswith("unsupported:"):
        return lowered
    return f"unsupported:{lowered}"


def article_languages(articles: pd.DataFrame, prefix_chars: int) -> list[str]:
    """The language of each article: the input's ``language`` column where it says, else detected.

    Detection reads only the first ``prefix_chars`` characters (the lede is enough and keeps a
    large crawl fast).
    """
    given = articles["language"].map(normalise_language) if "language" in articles.columns else None
    out = []
    for position, text in enumerate(articles["text"]):
        stated = given.iat[position] if given is not None else None
        if stated is not None:
            out.append(stated)
        elif not isinstance(text, str) or not text.strip():
            out.append("unknown")
        else:
            out.append(language.detect_language(text[:prefix_chars]))
    return out


def article_anchors(text: str, language_code: str) -> frozenset[str]:
    """The claim anchors of one article; a language spin does not read is parsed with English rules.

    Digits, capitalised names and quotes are mostly script-level, so an unsupported-language
    repost still shares anchors with its source (DESIGN: unsupported versions take part in
    provenance through language-independent anchors where they can).
    """
    if not isinstance(text, str) or not text.strip():
        return frozenset()
    return claims.anchors(text, language_code if language_code in SUPPORTED else "en")


def fingerprint_partition(
    articles: pd.DataFrame,
    settings: FamilySettings | None = None,
    anchor_function: Callable[[str, str], frozenset[str]] = article_anchors,
) -> pd.DataFrame:
    """Fingerprint every article of one partition (columns article_id, text, optional language).

    Returns one row per article: article_id, language, words, shingles (count), signature
    (uint32 MinHash array), anchors (sorted tuple of anchor keys) and anchor_hashes (sorted uint64).
    """
    settings = settings or FamilySettings.from_settings()
    texts = articles["text"].fillna("").astype(str).reset_index(drop=True)
    languages = article_languages(articles.reset_index(drop=True), settings.language_prefix_chars)
    signatures, words, per_text = text_signatures(texts, settings.num_perm, settings.shingle_words)
    anchors = [tuple(sorted(anchor_function(text, code))) for text, code in zip(texts, languages)]
    return pd.DataFrame({
        "article_id": articles["article_id"].astype(str).to_numpy(),
        "language": pd.Series(languages, dtype=object).to_numpy(),
        "words": words,
        "shingles": per_text,
        "signature": pd.Series(list(signatures), dtype=object).to_numpy() if len(texts) else np.zeros(0, dtype=object),
        "anchors": pd.Series(anchors, dtype=object).to_numpy(),
        "anchor_hashes": pd.Series([_anchor_hashes(list(keys)) for keys in anchors], dtype=object).to_numpy(),
    }, columns=list(FINGERPRINT_COLUMNS))


def _signature_matrix(fingerprints: pd.DataFrame, num_perm: int) -> np.ndarray:
    if fingerprints.empty:
        return np.zeros((0, num_perm), dtype=np.uint32)
    return np.stack(fingerprints["signature"].to_numpy())


# --------------------------------------------------------------------------- candidates


def _pairs_in_groups(members: np.ndarray, keys: np.ndarray, max_bucket: int, span: np.int64) -> np.ndarray:
    """Pairs (as a*N+b codes, a < b) of members sharing a key; groups over ``max_bucket`` are chained.

    ``members`` and ``keys`` are parallel arrays. A huge group is boilerplate or an exact-duplicate
    flood: linking each member to the next keeps it connected at a linear cost.
    """
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((members, keys))
    keys, members = keys[order], members[order]
    boundaries = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True])
    starts, sizes = boundaries[:-1], np.diff(boundaries)
    codes = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_bucket)]):
        group = members[starts[sizes == size][:, None] + np.arange(size)]
        first, second = np.triu_indices(size, 1)
        codes.append(_pair_codes(group[:, first].ravel(), group[:, second].ravel(), span))
    big = np.flatnonzero(sizes > max_bucket)
    if len(big):
        inside = np.concatenate([np.arange(starts[g], starts[g] + sizes[g] - 1) for g in big])
        codes.append(_pair_codes(members[inside], members[inside + 1], span))
    if not codes:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(codes)


def _pair_codes(a: np.ndarray, b: np.ndarray, span: np.int64) -> np.ndarray:
    low, high = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
    distinct = low != high
    return low[distinct] * span + high[distinct]


def _anchor_postings(fingerprints: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    hashes = fingerprints["anchor_hashes"].to_numpy()
    counts = np.fromiter((len(h) for h in hashes), dtype=np.int64, count=len(hashes))
    flat = np.concatenate(list(hashes)) if counts.sum() else np.zeros(0, dtype=np.uint64)
    return flat, np.repeat(np.arange(len(hashes)), counts)


def candidate_pairs(fingerprints: pd.DataFrame, settings: FamilySettings | None = None) -> pd.DataFrame:
    """Candidate pairs (a, b: row positions, a < b) with how they were found (``via``).

    ``shingles``: the two articles agree on every slot of at least one LSH band.
    ``anchors``: they share at least ``min_shared_anchors`` anchors that occur in no more than
    ``anchor_max_articles`` articles (commoner ones — "2024", a capital city — say nothing).
    ``both``: found both ways.
    """
    settings = settings or FamilySettings.from_settings()
    n = len(fingerprints)
    span = np.int64(max(n, 1))
    signatures = _signature_matrix(fingerprints, settings.num_perm)
    has_shingles = fingerprints["shingles"].to_numpy() > 0
    keys = band_keys(signatures[has_shingles], settings.bands, settings.rows_per_band)
    owners = np.repeat(np.flatnonzero(has_shingles), settings.bands)
    by_band = np.unique(_pairs_in_groups(owners, keys.ravel(), settings.max_bucket, span))

    flat, posting_owner = _anchor_postings(fingerprints)
    _, inverse, frequency = np.unique(flat, return_inverse=True, return_counts=True)
    common = frequency[inverse] > settings.anchor_max_articles
    shared = _pairs_in_groups(posting_owner[~common], flat[~common], settings.anchor_max_articles, span)
    codes, counts = np.unique(shared, return_counts=True)
    by_anchor = codes[counts >= settings.min_shared_anchors]

    both = np.intersect1d(by_band, by_anchor, assume_unique=True)
    everything = np.union1d(by_band, by_anchor)
    via = np.where(np.isin(everything, both, assume_unique=True), "both",
                   np.where(np.isin(everything, by_band, assume_unique=True), "shingles", "anchors"))
    return pd.DataFrame({"a": everything // span, "b": everything % span, "via": via.astype(object)},
                        columns=list(PAIR_COLUMNS))


# --------------------------------------------------------------------------- verification


def _anchor_matrix(fingerprints: pd.DataFrame) -> csr_matrix:
    flat, owners = _anchor_postings(fingerprints)
    _, columns = np.unique(flat, return_inverse=True)
    width = int(columns.max()) + 1 if len(columns) else 1
    return csr_matrix((np.ones(len(flat), dtype=np.float32), (owners, columns)), shape=(len(fingerprints), width))


def verify_pairs(fingerprints: pd.DataFrame, candidates: pd.DataFrame,
                 settings: FamilySettings | None = None) -> pd.DataFrame:
    """The candidate pairs that pass the cheap checks, with their measures (EDGE_COLUMNS).

    Same language: shingle Jaccard ≥ ``min_jaccard`` (copies, rewrites, spun copies); or the
    shorter article ≥ ``min_containment`` inside the longer (truncations, excerpts); or shared
    anchors ≥ ``min_shared_anchors`` covering ≥ ``min_anchor_overlap`` of the smaller anchor set
    with some shingle overlap left (heavy rewrites). Across languages (translations): the anchor
    test alone, at ``min_anchor_overlap_crosslingual``.
    """
    settings = settings or FamilySettings.from_settings()
    if candidates.empty:
        return pd.DataFrame({column: pd.Series(dtype=_EDGE_DTYPES[column]) for column in EDGE_COLUMNS})
    a = candidates["a"].to_numpy(dtype=np.int64)
    b = candidates["b"].to_numpy(dtype=np.int64)
    signatures = _signature_matrix(fingerprints, settings.num_perm)
    jaccard = np.concatenate([
        (signatures[a[i: i + 65536]] == signatures[b[i: i + 65536]]).mean(axis=1) for i in range(0, len(a), 65536)
    ])
    sizes = fingerprints["shingles"].to_numpy(dtype=np.float64)
    smaller = np.minimum(sizes[a], sizes[b])
    with np.errstate(divide="ignore", invalid="ignore"):
        containment = np.where(smaller > 0, jaccard / (1 + jaccard) * (sizes[a] + sizes[b]) / smaller, 0.0)
    containment = np.clip(containment, 0.0, 1.0)
    matrix = _anchor_matrix(fingerprints)
    shared = np.asarray(matrix[a].multiply(matrix[b]).sum(axis=1)).ravel().astype(np.int64)
    anchor_counts = np.diff(matrix.indptr)
    fewest = np.minimum(anchor_counts[a], anchor_counts[b])
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = np.where(fewest > 0, shared / fewest, 0.0)
    languages = fingerprints["language"].to_numpy()
    cross = languages[a] != languages[b]

    enough_anchors = shared >= settings.min_shared_anchors
    same_language = (
        (jaccard >= settings.min_jaccard)
        | ((containment >= settings.min_containment) & (smaller >= settings.min_shingles_for_containment))
        | (enough_anchors & (overlap >= settings.min_anchor_overlap) & (jaccard >= settings.min_jaccard_with_anchors))
    )
    across = (jaccard >= settings.min_jaccard) | (enough_anchors & (overlap >= settings.min_anchor_overlap_crosslingual))
    keep = np.where(cross, across, same_language)
    return pd.DataFrame({
        "a": a[keep], "b": b[keep], "via": candidates["via"].to_numpy()[keep],
        "jaccard": jaccard[keep], "containment": containment[keep], "shared_anchors": shared[keep],
        "anchor_overlap": overlap[keep], "cross_lingual": cross[keep],
    }, columns=list(EDGE_COLUMNS))


_EDGE_DTYPES = {"a": "int64", "b": "int64", "via": object, "jaccard": "float64", "containment": "float64",
                "shared_anchors": "int64", "anchor_overlap": "float64", "cross_lingual": "bool"}


# --------------------------------------------------------------------------- families


def connected_families(fingerprints: pd.DataFrame, edges: pd.DataFrame,
                       settings: FamilySettings | None = None) -> pd.DataFrame:
    """One row per article: its family (connected component of the verified pairs) and evidence.

    Families are numbered ``F0000001``… by size (largest first), then by their smallest
    article_id, so the numbering depends only on who is in which family. ``evidence`` is the
    article's strongest verified link: the article it links to, how the pair was found, the
    estimated shingle Jaccard and containment, and the anchors the two share.
    """
    settings = settings or FamilySettings.from_settings()
    n = len(fingerprints)
    if n == 0:
        return pd.DataFrame({column: pd.Series(dtype=object if column != "family_size" else "int64")
                             for column in FAMILY_COLUMNS})
    a, b = edges["a"].to_numpy(dtype=np.int64), edges["b"].to_numpy(dtype=np.int64)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    ids = fingerprints["article_id"].to_numpy().astype(str)
    components = pd.DataFrame({"label": labels, "article_id": ids})
    summary = components.groupby("label").agg(size=("article_id", "size"), first=("article_id", "min"))
    summary = summary.sort_values(["size", "first"], ascending=[False, True], kind="stable")
    number = pd.Series(np.arange(1, len(summary) + 1), index=summary.index)
    family_ids = np.array([f"F{k:07d}" for k in number.reindex(labels).to_numpy()], dtype=object)
    sizes = summary["size"].reindex(labels).to_numpy()
    return pd.DataFrame({
        "article_id": ids.astype(object),
        "family_id": family_ids,
        "family_size": sizes.astype(np.int64),
        "language": fingerprints["language"].to_numpy(),
        "evidence": _evidence(fingerprints, edges, settings.evidence_anchors),
    }, columns=list(FAMILY_COLUMNS))


def _evidence(fingerprints: pd.DataFrame, edges: pd.DataFrame, max_anchors: int) -> np.ndarray:
    evidence = np.empty(len(fingerprints), dtype=object)
    evidence[:] = [{} for _ in range(len(fingerprints))]
    if edges.empty:
        return evidence
    both_ways = pd.concat([
        edges.assign(article=edges["a"], other=edges["b"]),
        edges.assign(article=edges["b"], other=edges["a"]),
    ], ignore_index=True)
    strength = both_ways["jaccard"] + both_ways["anchor_overlap"] + both_ways["containment"]
    best = both_ways.assign(strength=strength).sort_values(["article", "strength", "other"],
                                                           ascending=[True, False, True], kind="stable")
    best = best.drop_duplicates("article")
    ids = fingerprints["article_id"].to_numpy()
    anchors = fingerprints["anchors"].to_numpy()
    languages = fingerprints["language"].to_numpy()
    for row in best.itertuples(index=False):
        common = sorted(set(anchors[row.article]) & set(anchors[row.other]))
        evidence[row.article] = {
            "linked_to": str(ids[row.other]),
            "via": row.via,
            "jaccard": round(float(row.jaccard), 3),
            "containment": round(float(row.containment), 3),
            "shared_anchors": int(row.shared_anchors),
            "anchors": common[:max_anchors],
            "languages": f"{languages[row.article]}-{languages[row.other]}",
        }
    return evidence


def find_families(articles: pd.DataFrame, settings: FamilySettings | None = None) -> pd.DataFrame:
    """The families table of an articles DataFrame (columns article_id, text, optional language).

    One row per article (FAMILY_COLUMNS); an article with no repost is a family of one.
    Raises :class:`InputError` when a column is missing or an article_id repeats.
    """
    check_articles(articles, "articles")
    settings = settings or FamilySettings.from_settings()
    fingerprints = fingerprint_partition(articles, settings)
    candidates = candidate_pairs(fingerprints, settings)
    edges = verify_pairs(fingerprints, candidates, settings)
    return connected_families(fingerprints, edges, settings)


def check_articles(articles: pd.DataFrame, name: str) -> None:
    """Raise :class:`InputError` unless ``articles`` has article_id and text, with unique ids."""
    missing = [column for column in ("article_id", "text") if column not in articles.columns]
    if missing:
        raise InputError(name, f"missing column(s) {', '.join(missing)} (need article_id and text)")
    duplicated = articles["article_id"].astype(str).duplicated()
    if duplicated.any():
        examples = ", ".join(sorted(set(articles["article_id"].astype(str)[duplicated]))[:5])
        raise InputError(name, f"article_id repeats: {examples}")


def evidence_json(evidence: Mapping) -> str:
    """An evidence cell as the JSON the CSV and Parquet files hold."""
    return json.dumps(evidence, ensure_ascii=False, sort_keys=True)
