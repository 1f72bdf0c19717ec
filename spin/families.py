"""Story families in a large corpus: MinHash LSH over word shingles, plus language-independent anchors.

A family is every article that reposts one story: verbatim copies, rewrites, synonym-spun
copies, truncations and translations. The pipeline is a chain of small pure functions over
pandas partitions, so the same code runs on one machine or on a Dask cluster
(:mod:`spin.scale`):

1. :func:`fingerprint_partition` — per article, in one vectorised pass over its UTF-8 bytes:
   language (distinctive function words; lingua only when they leave it open), a densified
   one-permutation MinHash of its word 3-shingles, and its anchors — digit groups keyed by
   claims' number parser, and capitalised names that claims would not read as common words.
2. :func:`candidate_pairs` — articles sharing an LSH band, plus articles sharing several rare
   anchors (this finds translations, spun copies and truncations, which share few shingles).
   Buckets are capped, so there is never an all-pairs matrix.
3. :func:`verify_pairs` — cheap checks of each candidate: estimated shingle Jaccard and
   containment (how much of the shorter article the longer one covers), shared rare anchors and
   how evenly they spread over the article (:func:`anchor_coverage`).
4. :func:`connected_families` — connected components of the verified pairs, with evidence.

:func:`find_families` chains the four on an articles DataFrame. The anchors are a fast
pre-pass, not :func:`spin.claims.anchors` itself: that full extraction (dates, quotes, multi-word
entities) costs 15–50 ms per 600-word article, far over the budget of a 100,000-article crawl;
the pre-pass reuses claims' number parser and its word-frequency thresholds for names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache
from typing import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from spin import claims, language
from spin.errors import InputError
from spin.settings import default_settings

FAMILY_COLUMNS = ("article_id", "family_id", "family_size", "language", "evidence")
FINGERPRINT_COLUMNS = ("article_id", "language", "words", "shingles", "signature", "anchors", "anchor_hashes",
                       "anchor_deciles")
DECILES = 10
PAIR_COLUMNS = ("a", "b", "via")
EDGE_COLUMNS = ("a", "b", "via", "jaccard", "containment", "shared_anchors", "anchor_overlap", "anchor_coverage",
                "cross_lingual")
SUPPORTED = language.SUPPORTED


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
    min_anchor_coverage: float
    min_anchor_agreement: float
    min_jaccard_despite_anchors: float
    language_prefix_chars: int
    language_sample_words: int
    fast_language_min_share: float
    fast_language_margin: float
    evidence_anchors: int

    @classmethod
    def from_settings(cls, settings: Mapping | None = None) -> "FamilySettings":
        section = (settings or default_settings())["families"]
        return cls(**{f.name: section[f.name] for f in fields(cls)})


# --------------------------------------------------------------------------- tokens

_M64 = np.uint64
_TOKEN_BASE = _M64(0x100000001B3)
_NAME_SALT = _M64(0x6E616D6500000001)
_NUMBER_SALT = _M64(0x6E756D6200000002)
_EMPTY_SLOT = np.uint32(0xFFFFFFFF)
WORD, NAME, NUMBER = 0, 1, 2
_ANCHOR_SEPARATOR = "\x1f"


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads every input bit over the whole 64-bit word."""
    x = x ^ (x >> _M64(30))
    x = x * _M64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _M64(27))
    x = x * _M64(0x94D049BB133111EB)
    return x ^ (x >> _M64(31))


def _rotate(x: np.ndarray, bits: int) -> np.ndarray:
    return (x << _M64(bits)) | (x >> _M64(64 - bits))


def _byte_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    lower = np.arange(256, dtype=np.uint8)
    lower[ord("A"): ord("Z") + 1] += 32
    word = np.zeros(256, dtype=bool)
    for start, end in (("0", "9"), ("a", "z"), ("A", "Z")):
        word[ord(start): ord(end) + 1] = True
    word[0x80:] = True  # bytes of non-ASCII characters: letters, except the punctuation fixed below
    digit = np.zeros(256, dtype=bool)
    digit[ord("0"): ord("9") + 1] = True
    with np.errstate(over="ignore"):
        powers = np.cumprod(np.r_[np.uint64(1), np.full(255, _TOKEN_BASE, dtype=np.uint64)])  # base^r mod 2^64
        # the hash term of byte value b at position r of a token: (b + 1) · base^r
        terms = (np.arange(1, 257, dtype=np.uint64)[None, :] * powers[:, None]).ravel()
    return lower, word, digit, terms


_LOWER, _WORD_BYTE, _DIGIT_BYTE, _TERMS = _byte_tables()


@dataclass(frozen=True)
class Tokens:
    """The word tokens of a batch of texts, found and hashed over their UTF-8 bytes."""

    hashes: np.ndarray  # uint64 per token, of the case-folded token
    per_text: np.ndarray  # int64, tokens in each text
    starts: np.ndarray  # int64 byte offset of each token in ``data``
    ends: np.ndarray  # int64 byte offset just after each token
    kinds: np.ndarray  # uint8: WORD, NAME (capitalised) or NUMBER (starts with a digit)
    data: np.ndarray  # uint8, the texts' bytes as given, one after the other


def _utf8_buffer(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The UTF-8 bytes of all texts, concatenated, and the start offset of each (n + 1 offsets)."""
    array = pa.array(texts.fillna("").astype(str), type=pa.large_string())
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64, count=len(array) + 1, offset=array.offset * 8)
    data = array.buffers()[2]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, dtype=np.uint8)
    return data[offsets[0]: offsets[-1]], offsets - offsets[0]


def _digit_joins(padded: np.ndarray, separators: np.ndarray, width: int) -> np.ndarray:
    """Separators of ``width`` bytes (at ``separators``) with a digit right before and after
    (``padded``: the bytes followed by a few zero bytes)."""
    separators = separators[separators > 0]
    return separators[_DIGIT_BYTE[padded[separators - 1]] & _DIGIT_BYTE[padded[separators + width]]]


def _thousands_spaces(padded: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """Spaces that separate thousands ("46 855"): a digit before, exactly three digits after."""
    spaces = digits + 1
    spaces = spaces[padded[spaces] == ord(" ")]
    three = _DIGIT_BYTE[padded[spaces + 1]] & _DIGIT_BYTE[padded[spaces + 2]] & _DIGIT_BYTE[padded[spaces + 3]]
    after = padded[spaces + 4]
    decimal = ((after == ord(".")) | (after == ord(","))) & _DIGIT_BYTE[padded[spaces + 5]]
    return spaces[three & ~_DIGIT_BYTE[after] & ~decimal]


def tokenize_bytes(texts: pd.Series) -> Tokens:
    """Word tokens of every text, hashed; vectorised over the UTF-8 bytes (no Python per token).

    A token is a run of letters and digits; any non-ASCII character counts as a letter except
    punctuation and symbols (U+2000–U+2FFF: dashes, curly quotes, €, arrows…), guillemets,
    no-break spaces, emoji and variation selectors. Digit groups stay one token across ``.``,
    ``,``, no-break or thin spaces, and spaces before a group of exactly three digits ("1,5",
    "272.000", "46 855"), as claims reads them. Hashes are of the case-folded token (A–Z and
    À–Þ lower-cased) and are the same in every process.
    """
    data, offsets = _utf8_buffer(texts)
    n = len(offsets) - 1
    if len(data) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Tokens(np.zeros(0, dtype=np.uint64), np.zeros(n, dtype=np.int64), empty, empty,
                      np.zeros(0, dtype=np.uint8), data)
    padded = np.concatenate([data, np.zeros(8, dtype=np.uint8)])
    leads = np.flatnonzero(data >= 0xC2)  # first bytes of multi-byte characters
    lead, second, third = padded[leads], padded[leads + 1], padded[leads + 2]
    folded = _LOWER[data]
    upper_latin = leads[(lead == 0xC3) & (second >= 0x80) & (second <= 0x9E) & (second != 0x97)]
    folded[upper_latin + 1] += 0x20
    word = _WORD_BYTE[folded]
    latin = (lead == 0xC2) & ((second == 0xA0) | (second == 0xAB) | (second == 0xBB))
    symbols = (lead == 0xE2) | ((lead == 0xEF) & (second == 0xB8))  # punctuation, €, arrows…; selectors
    for mask, width in ((latin, 2), (symbols, 3), (lead >= 0xF0, 4)):  # …; emoji
        for shift in range(width):
            word[np.minimum(leads[mask] + shift, len(data) - 1)] = False
    digits = np.flatnonzero(_DIGIT_BYTE[data])
    after = padded[digits + 1]
    joins = [_digit_joins(padded, digits[(after == ord(".")) | (after == ord(","))] + 1, 1),
             _thousands_spaces(padded, digits)]
    thin = (lead == 0xE2) & (second == 0x80) & ((third == 0x89) | (third == 0xAF))
    for mask, width in ((latin & (second == 0xA0), 2), (thin, 3)):
        joined = _digit_joins(padded, leads[mask], width)
        joins += [joined + shift for shift in range(width)]
    word[np.concatenate(joins)] = True

    starts = word.copy()
    starts[1:] &= ~word[:-1]
    article_starts = offsets[:-1][offsets[:-1] < len(data)]
    starts[article_starts] = word[article_starts]
    positions = np.flatnonzero(word)
    first_flags = starts[positions]
    firsts = np.flatnonzero(first_flags)
    relative = np.arange(len(positions)) - firsts[np.cumsum(first_flags) - 1]
    terms = _TERMS[(np.minimum(relative, 255) << 8) + folded[positions]]
    hashes = _mix(np.add.reduceat(terms, firsts) if len(firsts) else np.zeros(0, dtype=np.uint64))
    token_starts = positions[firsts]
    token_ends = positions[np.r_[firsts[1:], len(positions)] - 1] + 1
    return Tokens(hashes, np.diff(np.searchsorted(token_starts, offsets)).astype(np.int64),
                  token_starts, token_ends, _token_kinds(data, token_starts), data)


def _token_kinds(data: np.ndarray, starts: np.ndarray) -> np.ndarray:
    first = data[starts]
    following = data[np.minimum(starts + 1, len(data) - 1)]
    capital = ((first >= ord("A")) & (first <= ord("Z"))) | (
        (first == 0xC3) & (following >= 0x80) & (following <= 0x9E) & (following != 0x97))
    return np.where(_DIGIT_BYTE[first], NUMBER, np.where(capital, NAME, WORD)).astype(np.uint8)


def token_hashes(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(hashes of the case-folded word tokens of all texts, tokens per text)."""
    tokens = tokenize_bytes(texts)
    return tokens.hashes, tokens.per_text


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
    return hashes, np.where(short, per_text, np.maximum(per_text - (width - 1), 0)).astype(np.int64)


def minhash_signatures(shingles: np.ndarray, per_text: np.ndarray, num_perm: int) -> np.ndarray:
    """Densified one-permutation MinHash: an (n, num_perm) uint32 matrix.

    Each shingle hash falls in one of ``num_perm`` bins (its top bits) and each bin keeps the
    smallest low 32 bits: the estimator of ``num_perm`` independent permutations at the cost of
    one pass (Li, Owen & Zhang 2012). Empty bins borrow from the next filled bin to their right,
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
    if n == 0 or filled.all():
        return signatures
    doubled = np.concatenate([signatures, signatures], axis=1)
    candidate = np.where(np.concatenate([filled, filled], axis=1), np.arange(2 * width), 2 * width - 1)
    source = np.minimum.accumulate(candidate[:, ::-1], axis=1)[:, ::-1][:, :width]
    steps = (source - np.arange(width)).astype(np.uint32)
    with np.errstate(over="ignore"):
        dense = doubled[np.arange(n)[:, None], source] + steps * np.uint32(0x9E3779B1)
    dense[~filled.any(axis=1)] = _EMPTY_SLOT
    return np.where(filled, signatures, dense)


def band_keys(signatures: np.ndarray, bands: int, rows_per_band: int) -> np.ndarray:
    """One uint64 key per (article, band): equal keys mean the band's slots are all equal."""
    n = signatures.shape[0]
    used = signatures[:, : bands * rows_per_band].astype(np.uint64).reshape(n, bands, rows_per_band)
    keys = np.zeros((n, bands), dtype=np.uint64)
    for row in range(rows_per_band):
        keys = _mix(keys ^ _rotate(used[:, :, row], 17 * row + 1))
    with np.errstate(over="ignore"):
        return _mix(keys + np.arange(1, bands + 1, dtype=np.uint64) * _M64(0x9E3779B97F4A7C15))


# --------------------------------------------------------------------------- anchors


@lru_cache(maxsize=1 << 16)
def number_key(digits: str, language_code: str) -> str | None:
    """The claims key of a digit group ("1,5" in de -> ``num:1.5``), with claims' own parser."""
    value = claims.parse_number(digits, language_code if language_code in SUPPORTED else "en")
    return None if value is None else claims.Number(0, len(digits), digits, value, value).key


def _string_hashes(keys: list[str]) -> np.ndarray:
    if not keys:
        return np.zeros(0, dtype=np.uint64)
    return pd.util.hash_array(np.array(keys, dtype=object), categorize=False).astype(np.uint64)


@lru_cache(maxsize=None)
def _word_table(name: str) -> tuple[pd.Index, np.ndarray]:
    """Token hashes of a word list of each supported language, and per hash a bit per language
    (bit k for ``SUPPORTED[k]``), for one hash lookup per token.

    ``function_words``: spin/data/<lang>/function_words.txt; ``common``: :func:`_common_words`.
    """
    bits: dict[int, int] = {}
    for position, code in enumerate(SUPPORTED):
        words = sorted(_function_words(code)) if name == "function_words" else _common_words(code)
        hashes, counts = token_hashes(pd.Series(words, dtype=object))
        for value in np.unique(hashes[np.repeat(counts == 1, counts)]).tolist():
            bits[value] = bits.get(value, 0) | (1 << position)
    keys = np.array(sorted(bits), dtype=np.uint64)
    return pd.Index(keys), np.array([bits[k] for k in keys.tolist()], dtype=np.uint8)


def _function_words(language_code: str) -> frozenset[str]:
    from spin.resources import word_list

    return word_list(language_code, "function_words")


def _common_words(language_code: str) -> list[str]:
    """The words claims reads as common rather than as names: at least as frequent as claims'
    ``initial_common_zipf`` (wordfreq Zipf scale) in ``language_code``, and not names travelling
    between languages (used about as often in en, de or fr, by claims' ``name_min_foreign_zipf``
    and ``name_zipf_gap``)."""
    limits = default_settings()["claims"]
    own = _frequencies(language_code)
    own = own[own >= 10 ** (limits["initial_common_zipf"] - 9)]
    abroad = pd.concat([_frequencies(code).reindex(own.index) for code in SUPPORTED if code != language_code],
                       axis=1).max(axis=1).fillna(0.0)
    travels = (abroad >= 10 ** (limits["name_min_foreign_zipf"] - 9)) & (abroad * 10 ** limits["name_zipf_gap"] >= own)
    return own.index[~travels.to_numpy()].tolist()


@lru_cache(maxsize=None)
def _frequencies(language_code: str) -> pd.Series:
    """wordfreq frequencies of the words of ``language_code`` frequent enough for :func:`_common_words`."""
    from wordfreq import get_frequency_list

    limits = default_settings()["claims"]
    rarest = min(limits["initial_common_zipf"], limits["name_min_foreign_zipf"])
    words, frequencies = [], []
    for centibels, bucket in enumerate(get_frequency_list(language_code, "best")):
        frequency = 10 ** (-centibels / 100)
        if frequency < 10 ** (rarest - 9):
            break
        words += bucket
        frequencies += [frequency] * len(bucket)
    series = pd.Series(frequencies, index=words, dtype=np.float64)
    return series[~series.index.duplicated()]


def _word_bits(hashes: np.ndarray, name: str) -> np.ndarray:
    index, bits = _word_table(name)
    found = index.get_indexer(hashes)
    return np.where(found >= 0, bits[found], 0).astype(np.uint8)


def _language_bits(languages: np.ndarray) -> np.ndarray:
    """Per text, the bit of its language in :func:`_word_table` (English rules for the others)."""
    codes = pd.Series(languages, dtype=object)
    positions = codes.map({code: k for k, code in enumerate(SUPPORTED)}).fillna(0).to_numpy(dtype=np.int64)
    return (1 << positions).astype(np.uint8)


def token_anchors(tokens: Tokens, languages: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The anchors of every text from its tokens: (owner text, anchor hash, token index), one per
    distinct anchor of a text (its first occurrence), sorted by owner.

    Names are capitalised tokens of two letters or more, keyed by the folded token, except the
    words claims reads as common rather than as names (:func:`_common_words`, wherever the word
    stands: "Critics", "Regierung" or "Minister" are no evidence of a shared story). Numbers are
    digit groups, keyed by :func:`number_key` (claims' parser and key). What slips through (a rare
    German noun) is dropped by the corpus' document-frequency window unless it really links
    articles (:func:`rare_postings`).
    """
    owner = np.repeat(np.arange(len(tokens.per_text)), tokens.per_text)
    language_bits = _language_bits(np.asarray(languages, dtype=object))
    names = np.flatnonzero((tokens.kinds == NAME) & (tokens.ends - tokens.starts >= 2))
    names = names[(_word_bits(tokens.hashes[names], "common") & language_bits[owner[names]]) == 0]
    numbers, number_hashes = _number_anchors(tokens, owner, language_bits, languages)
    chosen = np.concatenate([names, numbers])
    hashes = np.concatenate([_mix(tokens.hashes[names] ^ _NAME_SALT), number_hashes])
    owners = owner[chosen]
    order = np.lexsort((chosen, hashes, owners))
    owners, hashes, chosen = owners[order], hashes[order], chosen[order]
    first = np.r_[True, (owners[1:] != owners[:-1]) | (hashes[1:] != hashes[:-1])][: len(owners)]
    return owners[first], hashes[first], chosen[first]


def _number_anchors(tokens: Tokens, owner: np.ndarray, language_bits: np.ndarray,
                    languages: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(token index, anchor hash) of the number tokens claims can parse; each distinct
    (digits, language) is parsed once."""
    numbers = np.flatnonzero(tokens.kinds == NUMBER)
    if not len(numbers):
        return numbers, np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        spelled = tokens.hashes[numbers] ^ (language_bits[owner[numbers]].astype(np.uint64) * _NUMBER_SALT)
    distinct, first, inverse = np.unique(spelled, return_index=True, return_inverse=True)
    keys = [number_key(tokens.data[tokens.starts[t]: tokens.ends[t]].tobytes().decode("utf-8", "replace"),
                       languages[owner[t]]) for t in numbers[first]]
    parsed = np.array([key is not None for key in keys], dtype=bool)
    key_hashes = np.zeros(len(distinct), dtype=np.uint64)
    key_hashes[parsed] = _mix(_string_hashes([key for key in keys if key is not None]) ^ _NUMBER_SALT)
    keep = parsed[inverse]
    return numbers[keep], key_hashes[inverse][keep]


def _joined_token_texts(tokens: Tokens, chosen: np.ndarray, owners: np.ndarray, n: int) -> pd.Series:
    """Per text, the chosen tokens' own text joined by a unit separator (an Arrow-backed column)."""
    lengths = (tokens.ends[chosen] - tokens.starts[chosen] + 1).astype(np.int64)
    out_starts = np.cumsum(lengths) - lengths
    gather = np.repeat(tokens.starts[chosen] - out_starts, lengths) + np.arange(int(lengths.sum()))
    buffer = tokens.data[np.minimum(gather, max(len(tokens.data) - 1, 0))] if len(gather) else np.zeros(0, np.uint8)
    buffer[out_starts + lengths - 1] = ord(_ANCHOR_SEPARATOR)
    per_text = np.bincount(owners, weights=lengths, minlength=n).astype(np.int64)
    offsets = np.r_[0, np.cumsum(per_text)].astype(np.int64)
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buffer.tobytes()))
    return array.to_pandas()


def split_anchor_texts(joined: str) -> list[str]:
    """The anchor texts of one article from the ``anchors`` column of its fingerprint."""
    return [part for part in str(joined).split(_ANCHOR_SEPARATOR) if part]


# --------------------------------------------------------------------------- language


def article_languages(articles: pd.DataFrame, tokens: Tokens, settings: FamilySettings) -> list[str]:
    """The language of each article: the input's ``language`` column where it says, else detected.

    Detection first counts each language's distinctive function words among the first
    ``language_sample_words`` tokens (no extra pass over the text); an article whose count does
    not clearly single out en, de or fr — another language, a mixed or a very short text — goes
    to :func:`spin.language.detect_language`, on its first ``language_prefix_chars`` characters.
    """
    n = len(tokens.per_text)
    given = (articles["language"].map(language.normalise_language).to_numpy()
             if "language" in articles.columns else np.full(n, "", dtype=object))
    owner = np.repeat(np.arange(n), tokens.per_text)
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(tokens.per_text) - tokens.per_text, tokens.per_text)
    sampled = np.flatnonzero(rank < settings.language_sample_words)
    bits = _word_bits(tokens.hashes[sampled], "function_words")
    counted = np.minimum(tokens.per_text, settings.language_sample_words)
    shares = np.zeros((n, len(SUPPORTED)))
    for column in range(len(SUPPORTED)):
        hits = sampled[(bits & (1 << column)) > 0]
        shares[:, column] = np.bincount(owner[hits], minlength=n) / np.maximum(counted, 1)
    ranked = np.sort(shares, axis=1)
    best, runner_up = ranked[:, -1], ranked[:, -2]
    clear = (best >= settings.fast_language_min_share) & (best >= settings.fast_language_margin * runner_up)
    fast = np.array(SUPPORTED, dtype=object)[shares.argmax(axis=1)]
    texts = articles["text"]
    out = []
    for position in range(n):
        if given[position]:
            out.append(given[position])
        elif clear[position]:
            out.append(fast[position])
        elif tokens.per_text[position] == 0:
            out.append(language.UNKNOWN)
        else:
            out.append(language.detect_language(str(texts.iat[position])[: settings.language_prefix_chars]))
    return out


# --------------------------------------------------------------------------- fingerprints


def fingerprint_partition(articles: pd.DataFrame, settings: FamilySettings | None = None) -> pd.DataFrame:
    """Fingerprint every article of one partition (columns article_id, text, optional language).

    One row per article (FINGERPRINT_COLUMNS): article_id, language, words, shingles (count),
    signature (uint32 MinHash array), anchors (the anchor tokens' text, unit-separated),
    anchor_hashes (sorted uint64) and anchor_deciles (the tenth of the text where each anchor
    first occurs). Works through the partition about a megabyte at a time.
    """
    settings = settings or FamilySettings.from_settings()
    articles = articles.reset_index(drop=True)
    lengths = articles["text"].fillna("").astype(str).str.len().to_numpy()
    ends = np.cumsum(lengths)
    pieces = []
    first = 0
    while first < len(articles):
        last = max(first + 1, int(np.searchsorted(ends, ends[first] - lengths[first] + _CHUNK_CHARS, side="right")))
        pieces.append(_fingerprint_chunk(articles.iloc[first:last].reset_index(drop=True), settings))
        first = last
    if not pieces:
        return empty_fingerprints()
    return pd.concat(pieces, ignore_index=True)


_CHUNK_CHARS = 1 << 20


def _fingerprint_chunk(articles: pd.DataFrame, settings: FamilySettings) -> pd.DataFrame:
    n = len(articles)
    tokens = tokenize_bytes(articles["text"])
    languages = article_languages(articles, tokens, settings)
    shingles, per_text = shingle_hashes(tokens.hashes, tokens.per_text, settings.shingle_words)
    signatures = minhash_signatures(shingles, per_text, settings.num_perm)
    owners, hashes, chosen = token_anchors(tokens, languages)
    split_at = np.searchsorted(owners, np.arange(1, n))
    return pd.DataFrame({
        "article_id": articles["article_id"].astype(str).to_numpy(dtype=object),
        "language": np.array(languages, dtype=object),
        "words": tokens.per_text,
        "shingles": per_text,
        "signature": _object_column(list(signatures)),
        "anchors": _joined_token_texts(tokens, chosen, owners, n).to_numpy(dtype=object),
        "anchor_hashes": _object_column(np.split(hashes, split_at)),
        "anchor_deciles": _object_column(np.split(_deciles(tokens, owners, chosen), split_at)),
    }, columns=list(FINGERPRINT_COLUMNS))


def _deciles(tokens: Tokens, owners: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Which tenth of its text each chosen token falls in (0–9)."""
    first = (np.cumsum(tokens.per_text) - tokens.per_text)[owners]
    return (DECILES * (chosen - first) // np.maximum(tokens.per_text[owners], 1)).astype(np.uint8)


def _object_column(values: list) -> np.ndarray:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def empty_fingerprints() -> pd.DataFrame:
    """A fingerprints table with no rows (FINGERPRINT_COLUMNS, with their types)."""
    return pd.DataFrame({
        "article_id": pd.Series(dtype=object), "language": pd.Series(dtype=object),
        "words": pd.Series(dtype="int64"), "shingles": pd.Series(dtype="int64"),
        "signature": pd.Series(dtype=object), "anchors": pd.Series(dtype=object),
        "anchor_hashes": pd.Series(dtype=object), "anchor_deciles": pd.Series(dtype=object),
    })


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


@dataclass(frozen=True)
class RarePostings:
    """Every (article, anchor) of the corpus whose anchor is rare enough to be evidence."""

    articles: int  # rows of the fingerprints
    owners: np.ndarray  # row position of the article
    hashes: np.ndarray  # anchor hash
    columns: np.ndarray  # position of the anchor in ``vocabulary``
    deciles: np.ndarray  # tenth of the article where the anchor first occurs
    slots: np.ndarray  # position of the anchor in its article's anchor list (and ``anchors`` text)
    vocabulary: np.ndarray  # sorted distinct rare anchor hashes
    frequency: np.ndarray  # articles per vocabulary entry

    def matrix(self, values: np.ndarray | None = None) -> csr_matrix:
        """Articles × rare anchors: 1 (or ``values``, one per posting) where the article has the anchor."""
        data = np.ones(len(self.owners), dtype=np.float64) if values is None else values.astype(np.float64)
        return csr_matrix((data, (self.owners, self.columns)), shape=(self.articles, max(len(self.vocabulary), 1)))

    @cached_property
    def presence(self) -> csr_matrix:
        return self.matrix()

    @cached_property
    def tenths(self) -> csr_matrix:
        """Like :attr:`presence`, holding the bit 2^tenth of where each anchor first occurs."""
        return self.matrix(np.left_shift(1, self.deciles.astype(np.int64)))

    @cached_property
    def held_tenths(self) -> np.ndarray:
        """Per article, how many tenths of it hold a rare anchor."""
        return _tenths_held(self.tenths)

    @cached_property
    def counts(self) -> np.ndarray:
        """Rare anchors per article."""
        return np.diff(self.presence.indptr)


def rare_postings(fingerprints: pd.DataFrame, settings: FamilySettings) -> RarePostings:
    """The anchors found in at most ``anchor_max_articles`` articles (passim's document-frequency
    window): one in hundreds ("2024", "The", a capital city, a German common noun) is no evidence
    of a shared story. Anchors of a single article stay: they link nothing, but they are facts the
    article does not share, so they count in its share of shared anchors."""
    hashes = fingerprints["anchor_hashes"].to_numpy()
    counts = np.fromiter((len(h) for h in hashes), dtype=np.int64, count=len(hashes))
    flat = np.concatenate(list(hashes)) if counts.sum() else np.zeros(0, dtype=np.uint64)
    deciles = (np.concatenate(list(fingerprints["anchor_deciles"].to_numpy())) if counts.sum()
               else np.zeros(0, dtype=np.uint8))
    owners = np.repeat(np.arange(len(hashes)), counts)
    slots = np.arange(len(flat)) - np.repeat(np.cumsum(counts) - counts, counts)
    vocabulary, inverse, frequency = np.unique(flat, return_inverse=True, return_counts=True)
    window = frequency <= settings.anchor_max_articles
    keep = window[inverse]
    columns = (np.cumsum(window) - 1)[inverse[keep]]
    return RarePostings(len(hashes), owners[keep], flat[keep], columns, deciles[keep], slots[keep], vocabulary[window],
                     frequency[window])


def candidate_pairs(fingerprints: pd.DataFrame, settings: FamilySettings | None = None,
                    postings: RarePostings | None = None) -> pd.DataFrame:
    """Candidate pairs (a, b: row positions, a < b) with how they were found (``via``).

    ``shingles``: the two articles agree on every slot of at least one LSH band.
    ``anchors``: they share at least ``min_shared_anchors`` rare anchors
    (:func:`rare_postings`).
    ``both``: found both ways. ``postings`` saves recomputing :func:`rare_postings`.
    """
    settings = settings or FamilySettings.from_settings()
    n = len(fingerprints)
    span = np.int64(max(n, 1))
    signatures = _signature_matrix(fingerprints, settings.num_perm)
    has_shingles = fingerprints["shingles"].to_numpy() > 0
    keys = band_keys(signatures[has_shingles], settings.bands, settings.rows_per_band)
    owners = np.repeat(np.flatnonzero(has_shingles), settings.bands)
    by_band = np.unique(_pairs_in_groups(owners, keys.ravel(), settings.max_bucket, span))

    postings = postings or rare_postings(fingerprints, settings)
    shared = _pairs_in_groups(postings.owners, postings.hashes, settings.anchor_max_articles, span)
    codes, counts = np.unique(shared, return_counts=True)
    by_anchor = codes[counts >= settings.min_shared_anchors]

    both = np.intersect1d(by_band, by_anchor, assume_unique=True)
    everything = np.union1d(by_band, by_anchor)
    via = np.where(np.isin(everything, both, assume_unique=True), "both",
                   np.where(np.isin(everything, by_band, assume_unique=True), "shingles", "anchors"))
    return pd.DataFrame({"a": everything // span, "b": everything % span, "via": via.astype(object)},
                        columns=list(PAIR_COLUMNS))


# --------------------------------------------------------------------------- verification


def anchor_sharing(postings: RarePostings, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rare anchors ``a`` and ``b`` share, coverage) for each pair.

    Coverage is how evenly the shared anchors spread over ``a`` (the alignment check): the share
    of ``a``'s tenths holding a rare anchor that hold one shared with ``b``. A translation or a
    truncation shares anchors all along; two stories that merely quote the same sentence share
    them in one place.
    """
    common = postings.tenths[a].multiply(postings.presence[b]).tocsr()
    shared = np.diff(common.indptr)
    covered = _tenths_held(common)
    held = postings.held_tenths[a]
    with np.errstate(divide="ignore", invalid="ignore"):
        return shared.astype(np.int64), np.where(held > 0, covered / held, 0.0)


def anchor_coverage(postings: RarePostings, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The coverage part of :func:`anchor_sharing`."""
    return anchor_sharing(postings, a, b)[1]


def _tenths_held(bits: csr_matrix) -> np.ndarray:
    """Per row of a matrix of 2^tenth values, how many distinct tenths it holds."""
    masks = np.zeros(bits.shape[0], dtype=np.int64)
    filled = np.diff(bits.indptr) > 0
    if filled.any():
        masks[filled] = np.bitwise_or.reduceat(bits.data.astype(np.int64), bits.indptr[:-1][filled])
    return _POPCOUNT[masks]


_POPCOUNT = np.array([bin(mask).count("1") for mask in range(1 << DECILES)], dtype=np.int64)


def verify_pairs(fingerprints: pd.DataFrame, candidates: pd.DataFrame,
                 settings: FamilySettings | None = None, postings: RarePostings | None = None) -> pd.DataFrame:
    """The candidate pairs that pass the cheap checks, with their measures (EDGE_COLUMNS).

    Same language: shingle Jaccard ≥ ``min_jaccard`` (copies, rewrites, spun copies); or the
    shorter article ≥ ``min_containment`` inside the longer (truncations, excerpts) — both only
    when the two agree on their facts (share ≥ ``min_anchor_agreement`` of the smaller set of
    rare anchors, or have too few to tell, or Jaccard ≥ ``min_jaccard_despite_anchors``); or shared
    rare anchors ≥ ``min_shared_anchors`` covering ≥ ``min_anchor_overlap`` of the smaller
    rare anchor set and spread over ≥ ``min_anchor_coverage`` of it (:func:`anchor_coverage`),
    with some shingle overlap left (heavy rewrites, spun copies). Across languages (translations):
    the anchor test alone, at ``min_anchor_overlap_crosslingual``.
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
    postings = postings or rare_postings(fingerprints, settings)
    a_fewer = postings.counts[a] <= postings.counts[b]
    shared, coverage = anchor_sharing(postings, np.where(a_fewer, a, b), np.where(a_fewer, b, a))
    fewest = np.minimum(postings.counts[a], postings.counts[b])
    with np.errstate(divide="ignore", invalid="ignore"):
        overlap = np.where(fewest > 0, shared / fewest, 0.0)
    languages = fingerprints["language"].to_numpy()
    cross = languages[a] != languages[b]

    enough_anchors = (shared >= settings.min_shared_anchors) & (coverage >= settings.min_anchor_coverage)
    # the same wording around other names and numbers is another story (a template, a stock phrase)
    facts_agree = ((jaccard >= settings.min_jaccard_despite_anchors) | (fewest < settings.min_shared_anchors)
                   | (overlap >= settings.min_anchor_agreement))
    by_wording = facts_agree & (
        (jaccard >= settings.min_jaccard)
        | ((containment >= settings.min_containment) & (smaller >= settings.min_shingles_for_containment)))
    same_language = by_wording | (
        enough_anchors & (overlap >= settings.min_anchor_overlap) & (jaccard >= settings.min_jaccard_with_anchors))
    across = by_wording | (enough_anchors & (overlap >= settings.min_anchor_overlap_crosslingual))
    keep = np.where(cross, across, same_language)
    return pd.DataFrame({
        "a": a[keep], "b": b[keep], "via": candidates["via"].to_numpy()[keep],
        "jaccard": jaccard[keep], "containment": containment[keep], "shared_anchors": shared[keep],
        "anchor_overlap": overlap[keep], "anchor_coverage": coverage[keep], "cross_lingual": cross[keep],
    }, columns=list(EDGE_COLUMNS))


_EDGE_DTYPES = {"a": "int64", "b": "int64", "via": object, "jaccard": "float64", "containment": "float64",
                "shared_anchors": "int64", "anchor_overlap": "float64", "anchor_coverage": "float64",
                "cross_lingual": "bool"}


# --------------------------------------------------------------------------- families


def connected_families(fingerprints: pd.DataFrame, edges: pd.DataFrame,
                       settings: FamilySettings | None = None, postings: RarePostings | None = None) -> pd.DataFrame:
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
        "evidence": _evidence(fingerprints, edges, settings, postings or rare_postings(fingerprints, settings)),
    }, columns=list(FAMILY_COLUMNS))


def _evidence(fingerprints: pd.DataFrame, edges: pd.DataFrame, settings: FamilySettings,
              postings: RarePostings) -> np.ndarray:
    """Per article, its strongest verified link (by Jaccard + anchor overlap + containment)."""
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
    best = best.drop_duplicates("article").reset_index(drop=True)
    shared = _shared_anchor_slots(postings, best["article"].to_numpy(), best["other"].to_numpy(),
                                  settings.evidence_anchors)
    ids = fingerprints["article_id"].to_numpy()
    anchors = fingerprints["anchors"].to_numpy()
    languages = fingerprints["language"].to_numpy()
    for row, slots in zip(best.itertuples(index=False), shared):
        texts = split_anchor_texts(anchors[row.article])
        evidence[row.article] = {
            "linked_to": str(ids[row.other]),
            "via": row.via,
            "jaccard": round(float(row.jaccard), 3),
            "containment": round(float(row.containment), 3),
            "shared_anchors": int(row.shared_anchors),
            "anchor_coverage": round(float(row.anchor_coverage), 3),
            "anchors": [texts[slot] for slot in slots],
            "languages": f"{languages[row.article]}-{languages[row.other]}",
        }
    return evidence


def _shared_anchor_slots(postings: RarePostings, a: np.ndarray, b: np.ndarray, limit: int) -> list[np.ndarray]:
    """For each pair, the positions in ``a``'s anchor list of up to ``limit`` rare anchors
    it shares with ``b``, rarest first."""
    common = postings.matrix(postings.slots + 1)[a].multiply(postings.presence[b]).tocsr()
    common.sort_indices()
    rows = np.repeat(np.arange(len(a)), np.diff(common.indptr))
    rarity = postings.frequency[common.indices] if len(common.indices) else common.indices
    order = np.lexsort((common.indices, rarity, rows))
    rows, found = rows[order], (common.data[order] - 1).astype(np.int64)
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    keep = rank < limit
    return np.split(found[keep], np.searchsorted(rows[keep], np.arange(1, len(a))))


def find_families(articles: pd.DataFrame, settings: FamilySettings | None = None) -> pd.DataFrame:
    """The families table of an articles DataFrame (columns article_id, text, optional language).

    One row per article (FAMILY_COLUMNS); an article with no repost is a family of one.
    Raises :class:`InputError` when a column is missing or an article_id repeats.
    """
    check_articles(articles, "articles")
    settings = settings or FamilySettings.from_settings()
    return families_from_fingerprints(fingerprint_partition(articles, settings), settings)


def families_from_fingerprints(fingerprints: pd.DataFrame, settings: FamilySettings | None = None) -> pd.DataFrame:
    """The families table of a corpus from the fingerprints of all its articles (any partitioning)."""
    settings = settings or FamilySettings.from_settings()
    postings = rare_postings(fingerprints, settings)
    candidates = candidate_pairs(fingerprints, settings, postings)
    edges = verify_pairs(fingerprints, candidates, settings, postings)
    return connected_families(fingerprints, edges, settings, postings)


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
