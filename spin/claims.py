"""Claim units: numbers, dates, named entities, quotes, attribution, certainty and negation.

These are the cross-lingual anchors of spin. Every finder returns frozen dataclasses with
character offsets into the text it was given, and every finding carries a normalised,
language-independent form, so "1,5 Milliarden Dollar", "1,5 milliard de dollars" and
"$1.5 billion" compare equal (``Number.key == "num:1.5e9:USD"``).

Word lists live in ``spin/data/<lang>/*.txt``; month and weekday names, country names and
city names come from babel's CLDR data. Nothing is downloaded and no model is used.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
import os
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Iterable

import pandas as pd

from spin.language import split_sentences
from spin.resources import word_table
from spin.settings import default_settings

LANGUAGES = ("en", "de", "fr")
CLAIM_COLUMNS = (
    "sent_id", "claim_id", "start", "end", "text", "numbers", "dates", "entities",
    "quotes", "attribution", "certainty", "negated",
)
TABLE_COLUMNS = ("article_id", *CLAIM_COLUMNS)


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class Number:
    """A quantity: ``low == high`` for one value; values are fully scaled (1.5e9 for "$1.5 billion")."""

    start: int
    end: int
    text: str
    low: float
    high: float
    unit: str | None = None
    scale: float = 1.0
    currency: str | None = None
    approximate: bool = False
    kind: str = "cardinal"  # cardinal / percent / ordinal / multiplier / range / approximate

    @property
    def key(self) -> str:
        """Language-independent anchor, e.g. ``num:1.5e9:USD``, ``num:60e9-80e9``, ``ord:3``."""
        if self.kind == "ordinal":
            return f"ord:{_canonical(self.low)}"
        if self.kind == "multiplier":
            return f"mult:{_canonical(self.low)}"
        if self.kind == "approximate":
            value = "~" + _canonical(self.low)
        elif self.low == self.high:
            value = _canonical(self.low)
        else:
            value = f"{_canonical(self.low)}-{_canonical(self.high)}"
        return ":".join(part for part in ("num", value, self.unit, self.currency) if part)


@dataclass(frozen=True)
class DateRef:
    """A date or period; ``resolved`` is ISO-like (2025-03-06, 2025-03, 2023-Q2, 2023-H1, 1960s)."""

    start: int
    end: int
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    quarter: int | None = None
    relative: str | None = None  # last / next / this / day offset / weekday / ago / decade
    resolved: str | None = None

    @property
    def key(self) -> str:
        """Language-independent anchor: the resolved form, else the known parts (``date:--03``)."""
        if self.resolved:
            return f"date:{self.resolved}"
        if self.relative and not (self.month or self.quarter):
            return f"date:rel:{self.relative}"
        year = f"{self.year:04d}" if self.year else "-"
        if self.quarter:
            return f"date:{year}-Q{self.quarter}"
        parts = [year, f"{self.month:02d}" if self.month else None, f"{self.day:02d}" if self.day else None]
        return "date:" + "-".join(part for part in parts if part)


@dataclass(frozen=True)
class Entity:
    """A name; ``key`` is casefolded, possessive stripped, diacritics folded, and cross-lingual for places."""

    start: int
    end: int
    text: str
    key: str
    kind: str = "other"  # person / organisation / place / other


@dataclass(frozen=True)
class Quote:
    """A quoted passage: ``start``/``end`` include the quote marks, ``inner_*`` exclude them."""

    start: int
    end: int
    text: str
    inner_start: int
    inner_end: int

    @property
    def key(self) -> str:
        """Anchor of the quoted words (casefolded, diacritics folded, punctuation dropped)."""
        return "quote:" + " ".join(_fold(word) for word in _WORD.findall(self.text))[:80]


@dataclass(frozen=True)
class Attribution:
    """Who or what a claim is attributed to: speaker (or source document) plus verb or marker."""

    start: int
    end: int
    text: str
    speaker: str
    verb: str
    speaker_start: int
    speaker_end: int


@dataclass(frozen=True)
class Cue:
    """A certainty cue (kind ``hedge`` / ``booster``) or a negation cue (kind ``negation``)."""

    start: int
    end: int
    text: str
    kind: str


# --------------------------------------------------------------------------- small helpers

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(
    r"(?:jusqu|lorsqu|puisqu|quoiqu|qu|[^\W\d_])['’](?=\w)"  # French elisions: l', d', qu'
    r"|\w+(?:[-'’.&]\w+)*",
    re.UNICODE,
)


def _canonical(value: float) -> str:
    """1500000000.0 -> '1.5e9', 272000.0 -> '272000', 0.5 -> '0.5'."""
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    text = format(value, ".6g")
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}e{int(exponent)}"
    if "." not in text and len(text) > 6:
        digits = text.rstrip("0")
        return f"{digits[0]}{'.' + digits[1:] if len(digits) > 1 else ''}e{len(text) - 1}"
    return text


def _fold(text: str) -> str:
    """Casefold and strip diacritics (ß -> ss)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"claims: unsupported language {language!r} (supported: en, de, fr)")
    return language


def _phrase_pattern(phrases: Iterable[str]) -> str:
    """One alternation of phrases, longest first, spaces matching any whitespace (never matches if empty)."""
    unique = sorted(set(phrases), key=lambda p: (-len(p), p))
    if not unique:
        return "(?!)"
    return "|".join(r"\s+".join(re.escape(part) for part in phrase.split()) for phrase in unique)


@lru_cache(maxsize=None)
def _mapping(language: str, name: str) -> dict[str, str]:
    """First field (lower-cased) -> second field of a data file."""
    return {row[0].lower(): (row[1] if len(row) > 1 else "") for row in word_table(language, name)}


@lru_cache(maxsize=None)
def _settings() -> dict:
    return dict(default_settings()["claims"])


# --------------------------------------------------------------------------- numbers

_SINGLE_ARTICLES = {"en": {"one", "a"}, "de": {"ein", "eine", "einen", "einem", "einer", "eins"}, "fr": {"un", "une"}}
_OF = {"en": r"of\s+", "de": r"", "fr": r"(?:de\s+|d['’]\s*)"}
_DIGITS = r"(?<![^\W\d_])(?<![\d.,]\d[.,])\d+(?:(?:[.,]|[\u00a0\u202f\u2009](?=\d{3}(?!\d))| (?=\d{3}(?![\d.,]\d)(?!\d)))\d+)*(?!\d)"


@dataclass(frozen=True)
class _NumberLexicon:
    atom: re.Pattern
    approximate: re.Pattern
    multiplier: re.Pattern
    ordinal: re.Pattern
    time: re.Pattern
    words: dict[str, float]
    scales: dict[str, float]
    currencies: dict[str, str]
    units: dict[str, str]
    modifiers: dict[str, str]
    approximates: dict[str, tuple[float, str]]
    multipliers: dict[str, float]
    ordinals: dict[str, float]
    range_words: dict[str, str]
    fraction: re.Pattern
    fractions: dict[str, float]


_CLOCK = r"|(?<![\d.,:])(?P<h2>[01]?\d|2[0-3]):(?P<m2>[0-5]\d)(?![\d:])"
_TIME = {
    "en": r"(?<!\d)(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s?(?P<ampm>a\.?m\.?|p\.?m\.?)(?!\w)" + _CLOCK,
    "de": r"(?<!\d)(?P<h>\d{1,2})(?:[.:](?P<m>\d{2}))?\s?Uhr(?!\w)" + _CLOCK,
    "fr": r"(?<!\d)(?P<h>\d{1,2})\s?h\s?(?P<m>\d{2})?(?!\w)" + _CLOCK,
}
_DIGIT_ORDINAL = {
    "en": r"(?<![\w.,])(?P<n>\d+)(?:st|nd|rd|th)(?!\w)",
    "de": r"(?<![\w.,])(?P<n>\d{1,3})\.(?=[ \u00a0][^\W\d_])",
    "fr": r"(?<![\w.,])(?P<n>\d+)(?:er|re|ère|e|ème|eme|è|nd|nde)(?!\w)"
          r"|(?<![\w.,])(?-i:(?P<roman>[IVX][IVXLC]*|[LC][IVXLC]+)(?:e|ème|er))(?!\w)",
}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def _roman(numeral: str) -> int:
    total = 0
    for k, ch in enumerate(numeral):
        value = _ROMAN[ch]
        total += -value if k + 1 < len(numeral) and _ROMAN[numeral[k + 1]] > value else value
    return total


@lru_cache(maxsize=None)
def _number_lexicon(language: str) -> _NumberLexicon:
    words = {k: float(v) for k, v in _mapping(language, "number_words").items()}
    scales = {k: float(v) for k, v in _mapping(language, "scale_words").items()}
    currencies = _mapping(language, "currencies")
    units = _mapping(language, "units")
    modifiers = _mapping(language, "number_modifiers")
    approximates = {row[0].lower(): (float(row[1]), row[2]) for row in word_table(language, "approximate_words")}
    multipliers = {k: float(v) for k, v in _mapping(language, "multiplier_words").items()}
    ordinals = {k: float(v) for k, v in _mapping(language, "ordinal_words").items()}
    range_words = _mapping(language, "range_words")
    fractions = {k: float(v) for k, v in _mapping(language, "fractions").items()}

    word_alt = _phrase_pattern(words)
    if language == "de":
        number_words = rf"(?:{word_alt}|und)+"
    else:
        joiner = r"(?:\s+and\s+|-and-|\s+|-)" if language == "en" else r"(?:-et-|\s+et\s+|\s+|-)"
        number_words = rf"(?:{word_alt})(?:{joiner}(?:{word_alt}))*"
    symbols = [c for c in currencies if not c[0].isalpha()]
    codes = [c for c in currencies if c.isalpha() and len(c) == 3 and currencies[c].lower() == c]
    prefix = _phrase_pattern(symbols + [c.upper() for c in codes])
    short_scales = [s for s in scales if len(s.rstrip(".")) <= 2]
    long_scales = [s for s in scales if s not in short_scales]
    of = _OF[language]
    atom = (
        rf"(?:(?P<mod>{_phrase_pattern(modifiers)})\s+)?"
        rf"(?:(?P<curpre>{prefix})\s?)?"
        rf"(?:(?P<digits>{_DIGITS})|(?<!\w)(?P<words>{number_words})(?!\w))"
        rf"(?:(?P<short>{_phrase_pattern(short_scales)})(?!\w)|[\s-]?(?P<scale>{_phrase_pattern(long_scales)})(?!\w))?"
        rf"(?:[\s-]?(?:{of})?(?P<curpost>{_phrase_pattern(currencies)})(?!\w)"
        rf"|[\s-]?(?:{of})?(?P<unit>{_phrase_pattern(units)})(?!\w))?"
        r"(?:(?<=\d)(?![^\W\d_])|(?<!\d))"
    )
    approximate = (
        rf"(?<!\w)(?P<approx>{_phrase_pattern(approximates)})(?!\w)"
        rf"(?:\s+(?:{of})?(?P<curpost>{_phrase_pattern(currencies)})(?!\w)"
        rf"|\s+(?:{of})?(?P<unit>{_phrase_pattern(units)})(?!\w))?"
    )
    multiplier = (
        rf"(?<!\w)(?:(?P<word>{_phrase_pattern(multipliers)})"
        rf"|(?P<n>\d+(?:[.,]\d+)?)\s?(?:-?fold|x|×|-?fach(?:e[nrs]?)?|fois\s+plus))(?!\w)"
    )
    ordinal = rf"(?<!\w)(?P<word>{_phrase_pattern(ordinals)})(?!\w)|{_DIGIT_ORDINAL[language]}"
    flags = re.IGNORECASE | re.UNICODE
    return _NumberLexicon(
        atom=re.compile(atom, flags),
        approximate=re.compile(approximate, flags),
        multiplier=re.compile(multiplier, flags),
        ordinal=re.compile(ordinal, flags),
        time=re.compile(_TIME[language], flags),
        words=words, scales=scales, currencies=currencies, units=units, modifiers=modifiers,
        approximates=approximates, multipliers=multipliers, ordinals=ordinals, range_words=range_words,
        fraction=re.compile(rf"(?<!\w)(?:{_phrase_pattern(fractions)})(?!\w)", flags), fractions=fractions,
    )


def parse_number(text: str, language: str) -> float | None:
    """Read digits with the separators of ``language`` ("1.234,5" in de/fr, "1,234.5" in en)."""
    raw = re.sub(r"[\u00a0\u202f\u2009 ]", "", text)
    if not raw:
        return None
    has_dot, has_comma = "." in raw, "," in raw
    if has_dot and has_comma:
        decimal = "." if raw.rfind(".") > raw.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        raw = raw.replace(thousands, "").replace(decimal, ".")
    elif has_dot or has_comma:
        sep = "." if has_dot else ","
        groups = raw.split(sep)
        grouping = all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3
        decimal_sep = "." if language == "en" else ","
        if len(groups) > 2 or (grouping and sep != decimal_sep):
            raw = raw.replace(sep, "") if grouping else raw.replace(sep, "", len(groups) - 2).replace(sep, ".")
        else:
            raw = raw.replace(sep, ".")
    try:
        return float(raw)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _word_parts(token: str, language: str) -> tuple[str, ...]:
    """Split a (German compound) number word into the words of the number-word list."""
    words = _number_lexicon(language).words
    if language != "de":
        return tuple(p for p in re.split(r"[\s-]+", token.lower()) if p and p not in ("and", "et"))
    parts: list[str] = []
    rest = token.lower()
    ordered = sorted(set(words) | {"und"}, key=len, reverse=True)
    while rest:
        for word in ordered:
            if rest.startswith(word):
                parts.append(word)
                rest = rest[len(word):]
                break
        else:
            return ()
    return tuple(p for p in parts if p != "und")


def parse_number_words(text: str, language: str) -> float | None:
    """Value of spelled-out numbers: "twenty-two", "zweihundertdreiundzwanzig", "quatre-vingt-dix"."""
    words = _number_lexicon(language).words
    parts = _word_parts(text, language)
    if not parts or any(p not in words for p in parts):
        return None
    total, current = 0.0, 0.0
    for part in parts:
        value = words[part]
        if value == 100:
            current = (current or 1) * 100
        elif value == 1000:
            total += (current or 1) * 1000
            current = 0
        elif value == 20 and language == "fr" and current and current % 100 in (4,):
            current = current - 4 + 80  # quatre-vingt(s)
        else:
            current += value
    return total + current


def _merge_ranges(items: list[Number], text: str, language: str) -> list[Number]:
    """Join "1,5 bis 2 Milliarden", "$60-80 billion", "entre 1,5 et 2 milliards" into one range.

    A dash between a larger and a smaller number ("2-0") is a score, not a range."""
    roles = _number_lexicon(language).range_words
    to_re, and_re, opener_re = _range_patterns(language)
    merged: list[Number] = []
    i = 0
    while i < len(items):
        left = items[i]
        if i + 1 < len(items) and left.kind in ("cardinal", "percent") and items[i + 1].kind in ("cardinal", "percent"):
            right = items[i + 1]
            between = text[left.end:right.start]
            opener = opener_re.search(text[max(0, left.start - 12):left.start])
            is_to = to_re.fullmatch(between) is not None
            is_between = (and_re.fullmatch(between) is not None and opener is not None
                          and roles.get(opener.group("w").lower()) == "between")
            if is_to or is_between:
                candidate = _range(left, right, text, opener)
                if between.strip() not in "-–—" or left.low <= right.low or candidate.scale != 1:
                    merged.append(candidate)
                    i += 2
                    continue
        merged.append(left)
        i += 1
    return merged


@lru_cache(maxsize=None)
def _range_patterns(language: str) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    roles = _number_lexicon(language).range_words
    words = lambda *kinds: _phrase_pattern(w for w, r in roles.items() if r in kinds)  # noqa: E731
    return (re.compile(rf"\s*(?:{words('to')})\s*", re.IGNORECASE),
            re.compile(rf"\s*(?:{words('and')})\s*", re.IGNORECASE),
            re.compile(rf"(?<!\w)(?P<w>{words('between', 'from')})\s+$", re.IGNORECASE))


def _range(left: Number, right: Number, text: str, opener) -> Number:
    """One range from its two ends; the left end takes the right end's scale, unit and currency
    when it has none ("1,5 à 2 milliards de dollars", "$60-80 billion")."""
    low, scale = left.low, left.scale
    if left.scale == 1 and right.scale != 1 and left.low < 1000:
        low, scale = left.low * right.scale, right.scale
    start = left.start
    if opener is not None:
        start = left.start - (len(text[max(0, left.start - 12):left.start]) - opener.start())
    lo, hi = sorted((low, right.high))
    return Number(start, right.end, text[start:right.end], lo, hi, left.unit or right.unit,
                  max(scale, right.scale), left.currency or right.currency,
                  left.approximate or right.approximate, "range")


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


_SCAN_TOKEN = re.compile(r"[^\W_]+|[$€£¥₹₽₩]")
_SCAN_STOP = frozenset({"of", "de", "des", "d", "a", "an", "ein", "eine", "un", "une", "the", "le", "la", "l"})


def _scan_tokens(text: str) -> list[tuple[int, str]]:
    """(start, lower-cased text) of every word and currency symbol: the places a finder may start."""
    return [(m.start(), m.group()) for m in _SCAN_TOKEN.finditer(_lowered(text))]


def _scan(pattern: re.Pattern, text: str, tokens: list[tuple[int, str]], triggers: list[int],
          lead_words: frozenset[str] = frozenset(), back: int = 3) -> list[re.Match]:
    """Left-to-right, non-overlapping matches of ``pattern`` that cover a trigger token.

    Running a large pattern only where one of its words occurs (starting up to ``back`` tokens
    earlier when those are ``lead_words``, the optional leading words such as "im", "the" or
    "more than") gives the matches ``finditer`` would give, many times faster."""
    found: list[re.Match] = []
    covered = -1
    for index in triggers:
        start = tokens[index][0]
        if start < covered:
            continue
        first = index
        while first > 0 and index - first < back and tokens[first - 1][1] in lead_words:
            first -= 1
        for candidate in range(first, index + 1):
            position = tokens[candidate][0]
            if position < covered:
                continue
            m = pattern.match(text, position)
            if m and m.end() > start:
                found.append(m)
                covered = m.end()
                break
    return found


_DIGIT, _NUMBER_WORD, _ORDINAL, _MULTIPLIER, _APPROXIMATE, _DATE, _FRACTION = 1, 2, 4, 8, 16, 32, 64


@lru_cache(maxsize=100_000)
def _token_flags(word: str, language: str) -> int:
    """Which finders a scan token can start or anchor (a bit per finder)."""
    if word[0].isdigit():
        return _DIGIT | _NUMBER_WORD | _ORDINAL | _MULTIPLIER | _DATE
    numbers = _number_triggers(language)
    flags = 0
    if word in numbers.atom or (language == "de" and parse_number_words(word, language) is not None):
        flags |= _NUMBER_WORD
    if word in numbers.ordinal or (language == "fr" and word[0] in "ivxlc"):
        flags |= _ORDINAL
    if word in numbers.multiplier:
        flags |= _MULTIPLIER
    if word in numbers.approximate:
        flags |= _APPROXIMATE
    if word in numbers.fraction:
        flags |= _FRACTION
    if word in _date_triggers(language):
        flags |= _DATE
    return flags


def _trigger_indices(tokens: list[tuple[int, str]], language: str) -> dict[int, list[int]]:
    """For each finder bit, the indices of the tokens that trigger it."""
    at: dict[int, list[int]] = {bit: [] for bit in (_DIGIT, _NUMBER_WORD, _ORDINAL, _MULTIPLIER, _APPROXIMATE, _DATE, _FRACTION)}
    for index, (_, word) in enumerate(tokens):
        flags = _token_flags(word, language)
        if flags:
            for bit, indices in at.items():
                if flags & bit:
                    indices.append(index)
    return at


@dataclass(frozen=True)
class _NumberTriggers:
    atom: frozenset[str]
    ordinal: frozenset[str]
    multiplier: frozenset[str]
    approximate: frozenset[str]
    fraction: frozenset[str]
    lead: frozenset[str]


@lru_cache(maxsize=None)
def _number_triggers(language: str) -> _NumberTriggers:
    lex = _number_lexicon(language)
    words = lambda phrases: frozenset(w for p in phrases for w in _SCAN_TOKEN.findall(p.lower()) if w not in _SCAN_STOP)  # noqa: E731
    lead = {w for p in list(lex.modifiers) + list(lex.currencies) for w in _SCAN_TOKEN.findall(p.lower())}
    return _NumberTriggers(words(lex.words) | words(lex.scales) | frozenset("$€£¥₹₽₩"), words(lex.ordinals),
                           words(lex.multipliers), words(lex.approximates), words(lex.fractions),
                           frozenset(lead) | _SCAN_STOP)


def _find_numbers(text: str, language: str, dates: list[DateRef], tokens: list[tuple[int, str]] | None = None,
                  at: dict[int, list[int]] | None = None) -> list[Number]:
    lex = _number_lexicon(language)
    triggers = _number_triggers(language)
    if tokens is None:
        tokens = _scan_tokens(text)
    if at is None:
        at = _trigger_indices(tokens, language)
    masked = _mask(text, ((d.start, d.end) for d in dates)) if dates else text
    found: list[Number] = []
    taken: list[tuple[int, int]] = []
    for m in _scan(lex.time, masked, tokens, at[_DIGIT], back=0):
        hour = int(m.group("h") or m.group("h2"))
        minute = int(m.group("m") or m.group("m2") or 0)
        ampm = (m.groupdict().get("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour <= 24 and minute < 60:
            value = hour + minute / 60
            found.append(Number(m.start(), m.end(), m.group(0), value, value, "time"))
            taken.append(m.span())
    masked = _mask(masked, taken)
    for m in _scan(lex.fraction, masked, tokens, at[_FRACTION], _SCAN_STOP | triggers.fraction):
        value = lex.fractions[_space(m.group(0)).lower()]
        found.append(Number(m.start(), m.end(), m.group(0), value, value))
        taken.append(m.span())
    masked = _mask(masked, taken)
    for m in _scan(lex.ordinal, masked, tokens, at[_ORDINAL], back=0):
        groups = m.groupdict()
        if groups.get("roman"):
            value = float(_roman(groups["roman"]))
        elif groups.get("word"):
            value = lex.ordinals.get(m.group("word").lower())
            following = re.match(r"\s+(\w+)", masked[m.end():m.end() + 30])
            if following and _is_title(f"{m.group('word')} {following.group(1)}", language):
                continue  # "premier ministre" is a title, not an ordinal
        else:
            value = float(m.group("n"))
        if value is not None:
            found.append(Number(m.start(), m.end(), m.group(0), value, value, kind="ordinal"))
            taken.append(m.span())
    masked = _mask(masked, taken)
    for m in _scan(lex.multiplier, masked, tokens, at[_MULTIPLIER], back=0):
        factor = lex.multipliers.get(_space(m.group("word")).lower()) if m.group("word") else parse_number(m.group("n"), language)
        if factor is not None:
            found.append(Number(m.start(), m.end(), m.group(0), factor, factor, kind="multiplier"))
            taken.append(m.span())
    masked = _mask(masked, taken)
    atoms = []
    for m in _scan(lex.atom, masked, tokens, at[_NUMBER_WORD], triggers.lead):
        number = _atom(m, language, lex)
        if number is not None:
            atoms.append(number)
    atoms = _merge_ranges(atoms, text, language)
    found.extend(atoms)
    masked = _mask(masked, ((n.start, n.end) for n in atoms))
    for m in _scan(lex.approximate, masked, tokens, at[_APPROXIMATE], _SCAN_STOP | triggers.approximate):
        base, how = lex.approximates[_space(m.group("approx")).lower()]
        unit = lex.units.get(_space(m.group("unit")).lower()) if m.group("unit") else None
        currency = lex.currencies.get(_space(m.group("curpost")).lower()) if m.group("curpost") else None
        if how == "plural":
            found.append(Number(m.start(), m.end(), m.group(0), base, base * 10, unit, base, currency, True, "approximate"))
        else:
            found.append(Number(m.start(), m.end(), m.group(0), base, base, unit, 1.0, currency, True, "cardinal"))
    found.sort(key=lambda n: (n.start, -n.end))
    return [n for n in found if _text_ok(n, text)]


def _text_ok(number: Number, text: str) -> bool:
    return text[number.start:number.end] == number.text


def _space(phrase: str) -> str:
    return " ".join(phrase.split())


def _atom(m: re.Match, language: str, lex: _NumberLexicon) -> Number | None:
    digits, words = m.group("digits"), m.group("words")
    if digits:
        value = parse_number(digits, language)
    else:
        value = parse_number_words(words, language)
    if value is None:
        return None
    short, scale_word = m.group("short"), m.group("scale")
    curpre, curpost, unit_word = m.group("curpre"), m.group("curpost"), m.group("unit")
    start, end = m.start(), m.end()
    text = m.string
    if short and not (curpre or curpost or digits):
        return None
    scale_key = (short or scale_word or "").lower()
    scale = lex.scales.get(_space(scale_key), lex.scales.get(scale_key.rstrip("."), 1.0)) if scale_key else 1.0
    if words and not (scale_word or short or curpre or curpost or unit_word):
        if words.lower() in _SINGLE_ARTICLES[language]:
            return None
        if language != "de" and words[0].isupper() and not _is_initial(text, m.start("words")):
            return None  # "the Five Eyes", "Les Sept Sœurs": a name
    if words and value == 1 and words.lower() in _SINGLE_ARTICLES[language] and not (scale_word or short):
        return None
    currency = None
    for part in (curpre, curpost):
        if part:
            currency = lex.currencies.get(_space(part).lower()) or lex.currencies.get(part.lower())
    unit = lex.units.get(_space(unit_word).lower()) if unit_word else None
    mod = m.group("mod")
    approximate = bool(mod)
    if mod is None:
        start = m.start("curpre") if curpre else m.start("digits" if digits else "words")
    if unit_word and unit is None:
        return None
    kind = "percent" if unit == "%" else "cardinal"
    full = value * scale
    return Number(start, end, text[start:end], full, full, unit, scale, currency, approximate, kind)


# --------------------------------------------------------------------------- dates

_YEAR = r"(?P<year>1[89]\d\d|20\d\d)"
_YEAR_CUES = {
    "en": ("in", "since", "by", "until", "till", "from", "of", "year", "early", "late", "mid", "before", "after", "during", "through", "fiscal"),
    "de": ("im", "jahr", "jahre", "jahres", "seit", "bis", "ab", "von", "vor", "nach", "in", "anfang", "ende", "mitte", "frühjahr", "herbst", "sommer", "winter", "geschäftsjahr"),
    "fr": ("en", "depuis", "année", "an", "dès", "jusqu'en", "jusqu’en", "avant", "après", "de", "fin", "début", "mi", "d'ici", "d’ici", "entre"),
}


@dataclass(frozen=True)
class _DateLexicon:
    pattern: re.Pattern
    months: dict[str, int]
    wide_months: frozenset[str]
    weekdays: dict[str, int]
    ordinals: dict[str, float]
    date_words: dict[str, str]


@lru_cache(maxsize=None)
def _calendar_names(language: str) -> tuple[dict[str, int], dict[str, int]]:
    """Month and weekday names (wide and abbreviated, format and stand-alone) from babel's CLDR data."""
    from babel import Locale

    locale = Locale(language)
    months: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                months[name.lower().rstrip(".")] = number
    months.update({"sept": 9} if language != "fr" else {"juill": 7})
    if language == "de":
        months["jänner"] = 1
    weekdays: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for number, name in locale.days[context]["wide"].items():
            weekdays[name.lower()] = number
    return months, weekdays


@lru_cache(maxsize=None)
def _date_lexicon(language: str) -> _DateLexicon:
    months, weekdays = _calendar_names(language)
    ordinals = {k: float(v) for k, v in _mapping(language, "ordinal_words").items()}
    date_words = _mapping(language, "date_words")
    month_alt = _phrase_pattern(months)
    if language in ("en", "de"):  # months are capitalised there: "may"/"march" are other words
        month_alt = "|".join(f"{m[0].upper()}{re.escape(m[1:])}" for m in sorted(months, key=len, reverse=True))
    month = rf"(?P<month>(?-i:{month_alt}))\.?" if language != "fr" else rf"(?P<month>{month_alt})\.?"
    weekday_alt = _phrase_pattern(weekdays)
    weekday = rf"(?P<weekday>{weekday_alt})"
    if language == "de":  # "Samstagmorgen", "Sonntagabend"
        weekday += r"(?:morgen|vormittag|mittag|nachmittag|abend|nacht)?"
    day = r"(?P<day>[0-3]?\d)"
    year = _YEAR
    ordinal_alt = _phrase_pattern(ordinals)
    rel = lambda kind: _phrase_pattern(w for w, k in date_words.items() if k == kind)  # noqa: E731
    last_next_this = _phrase_pattern(w for w, k in date_words.items() if k in ("last", "next", "this"))
    units = _phrase_pattern(w for w, k in date_words.items() if k == "unit")
    quarter_words = rel("quarter")
    half_words = rel("half")
    offsets = _phrase_pattern(w for w, k in date_words.items() if re.fullmatch(r"-?\d", k))
    q_ord = rf"(?P<qord>{ordinal_alt}|[1-4](?:\.|st|nd|rd|th|er|e|ème)?)"
    dayword = rf"(?P<dayword>{ordinal_alt})"
    previous = _phrase_pattern(w for w, k in date_words.items() if ":" in k)
    if language == "en":
        specific = [
            rf"{month}\s+{day}(?:st|nd|rd|th)?(?:,?\s+{year})?(?!\d)",
            rf"(?:the\s+)?{day}(?:st|nd|rd|th)?\s+(?:of\s+)?{month}(?:,?\s+{year})?",
            rf"{month},?\s+{year}",
            rf"{month}\s+(?P<dayfrom>[0-3]?\d)\s*(?:-|–|to|through)\s*{day}(?:,?\s+{year})?(?!\d)",
            rf"(?:the\s+)?{dayword}\s+(?:of\s+)?{month}(?:,?\s+{year})?",
            rf"{month}\s+(?:the\s+)?{dayword}(?:,?\s+{year})?",
            rf"(?:the\s+)?{q_ord}\s+(?P<qword>{quarter_words}|{half_words})(?:\s+of)?(?:\s+{year})?",
            rf"(?P<rel>{last_next_this})\s+(?:(?P<relmonth>{month_alt})|(?P<relweekday>{weekday_alt})|(?P<relunit>{units}|{quarter_words}|{half_words}))",
            rf"(?:the\s+)?(?P<decade>1[89]\d0|20\d0)['’]?s|['’]?(?P<decade2>\d0)['’]?s",
        ]
    elif language == "de":
        specific = [
            rf"(?P<dayfrom>[0-3]?\d)\.\s*(?:bis|-|–)\s*{day}\.\s?{month}(?:\s+{year})?",
            rf"{day}\.\s?{month}(?:\s+{year})?",
            rf"(?:am\s+)?{dayword}\s+{month}(?:\s+{year})?",
            rf"{month}\s+{year}",
            rf"(?:des\s+|im\s+|dem\s+|vom\s+)?(?P<prev>{previous})",
            rf"(?:im\s+|in\s+|am\s+)?{q_ord}\s+(?P<qword>{quarter_words}|{half_words})(?:es|s)?(?:\s+{year})?",
            rf"(?:im\s+|am\s+|in\s+der\s+|in\s+diesem\s+|in\s+dieser\s+)?(?P<rel>{last_next_this})\s+(?:(?P<relmonth>{month_alt})|(?P<relweekday>{weekday_alt})|(?P<relunit>{units}|{quarter_words}|{half_words}))",
            rf"(?P<decade2>\d0)er(?:[\s-]+Jahren?|-Jahre)?|(?P<decade>1[89]\d0|20\d0)er(?:[\s-]+Jahren?)?",
        ]
    else:
        specific = [
            rf"(?P<dayfrom>[0-3]?\d|1er)\s*(?:au|-|–)\s*{day}\s+{month}(?:\s+{year})?",
            rf"(?:{day}|(?P<first>1er|premier))\s+{month}(?:\s+{year})?",
            rf"{month}\s+{year}",
            rf"(?:au\s+|le\s+|du\s+)?{q_ord}\s+(?P<qword>{quarter_words}|{half_words})(?:\s+(?:de\s+)?{year})?",
            rf"(?:en\s+)?(?P<relmonth2>{month_alt})\s+(?P<rel2>{_phrase_pattern(w for w, k in date_words.items() if k in ('last', 'next'))})",
            rf"(?:(?:l['’]|le\s+|la\s+|l['’]\s*)?(?P<relunit2>{units}|{quarter_words}|{half_words})\s+(?P<rel3>{_phrase_pattern(w for w, k in date_words.items() if k in ('last', 'next'))}))",
            rf"(?P<prev>{previous})",
            rf"(?P<rel>ce|cet|cette)\s+(?P<relunit>{units}|{quarter_words}|{half_words})",
            rf"(?:les\s+)?années\s+(?P<decade>1[89]\d0|20\d0|\d0)",
        ]
    common = [
        r"(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})(?!\d)",
        r"(?P<n1>\d{1,2})[./](?P<n2>\d{1,2})[./](?P<ny>\d{4}|\d{2})(?!\d)",
        r"(?<![\w.])(?:Q|T)(?P<qnum>[1-4])(?:\s*/\s*|\s+|-)?(?P<qyear>(?:19|20)\d\d|'?\d\d)?(?!\w)",
        r"(?<![\w.])H(?P<hnum>[12])(?:\s*/\s*|\s+)?(?P<hyear>(?:19|20)\d\d)?(?!\w)",
        rf"(?P<offset>{offsets})",
        rf"{month}",
        rf"{weekday}",
        rf"(?P<yr1>1[89]\d\d|20\d\d)\s?[-–/]\s?(?P<yr2>1[89]\d\d|20\d\d|\d\d)(?!\d)",
        rf"{_YEAR}",
    ]
    alternatives = specific + common
    body = "|".join(f"(?:{alt})" for alt in alternatives)
    # group names repeat across alternatives; number them apart
    counts: Counter = Counter()

    def rename(m: re.Match) -> str:
        name = m.group(1)
        counts[name] += 1
        return f"(?P<{name}__{counts[name]}>"

    body = re.sub(r"\(\?P<(\w+)>", rename, body)
    pattern = re.compile(rf"(?<![\w])(?:{body})(?![\w])", re.IGNORECASE | re.UNICODE)
    return _DateLexicon(pattern, months, _wide_months(language), weekdays, ordinals, date_words)


@lru_cache(maxsize=None)
def _wide_months(language: str) -> frozenset[str]:
    from babel import Locale

    locale = Locale(language)
    return frozenset(name.lower() for context in ("format", "stand-alone")
                     for name in locale.months[context]["wide"].values())


def _groups(m: re.Match) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in m.groupdict().items():
        if value is not None:
            found.setdefault(name.split("__")[0], value)
    return found


def _as_date(published) -> dt.date | None:
    if published is None or (isinstance(published, float) and published != published):
        return None
    if isinstance(published, dt.datetime):
        return published.date()
    if isinstance(published, dt.date):
        return published
    try:
        stamp = pd.Timestamp(str(published))
    except (ValueError, TypeError):
        return None
    return None if pd.isna(stamp) else stamp.date()


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _date_from_match(m: re.Match, language: str, lex: _DateLexicon, published: dt.date | None, text: str) -> DateRef | None:
    g = _groups(m)
    start, end, span = m.start(), m.end(), m.group(0)
    month = lex.months.get(g["month"].lower().rstrip(".")) if "month" in g else None

    def make(year=None, month=None, day=None, quarter=None, relative=None, resolved=None):
        if resolved is None and year and not relative:
            if quarter:
                resolved = f"{year:04d}-Q{quarter}"
            elif month and day:
                resolved = f"{year:04d}-{month:02d}-{day:02d}"
            elif month:
                resolved = f"{year:04d}-{month:02d}"
            else:
                resolved = f"{year:04d}"
        return DateRef(start, end, span, year, month, day, quarter, relative, resolved)

    if "iy" in g:
        return make(int(g["iy"]), int(g["im"]), int(g["id"]))
    if "n1" in g:
        first, second, year = int(g["n1"]), int(g["n2"]), int(g["ny"])
        year = year + 2000 if year < 100 else year
        day, mon = (first, second) if (language != "en" or first > 12) else (second, first)
        if not (1 <= mon <= 12 and 1 <= day <= 31):
            return None
        return make(year, mon, day)
    if "qnum" in g:
        year = g.get("qyear")
        year = int(year.lstrip("'")) if year else None
        if year is not None and year < 100:
            year += 2000
        return make(year, quarter=int(g["qnum"]))
    if "hnum" in g:
        year = int(g["hyear"]) if "hyear" in g else None
        return make(year, resolved=f"{year}-H{g['hnum']}" if year else None, relative=None if year else f"H{g['hnum']}")
    if "qword" in g:
        q_raw = g["qord"].lower()
        number = lex.ordinals.get(q_raw)
        if number is None:
            digits = re.match(r"\d", q_raw)
            number = float(digits.group(0)) if digits else None
        year = int(g["year"]) if "year" in g else None
        kind = lex.date_words.get(g["qword"].lower().rstrip("s") if g["qword"].lower() not in lex.date_words else g["qword"].lower())
        if number is None or not 1 <= number <= (4 if kind == "quarter" else 2):
            return None
        if kind == "half":
            return make(year, resolved=f"{year}-H{int(number)}" if year else None, relative=None if year else f"H{int(number)}")
        return make(year, quarter=int(number))
    if "prev" in g:
        direction, _, code = lex.date_words[_space(g["prev"]).lower().replace("’", "'")].partition(":")
        unit_word = {"y": "year", "m": "month", "w": "week", "q": "quarter"}[code]
        return _relative_unit(make, unit_word, "quarter" if code == "q" else "unit", direction, published)
    if "decade" in g or "decade2" in g:
        raw = g.get("decade") or g.get("decade2")
        year = int(raw) if len(raw) == 4 else 1900 + int(raw)
        return make(year, relative="decade", resolved=f"{year}s")
    if "offset" in g:
        word = g["offset"]
        if language == "de" and word.lower() == "morgen" and word[0].isupper():
            return None  # "Morgen" is the morning
        days = int(lex.date_words[_space(word).lower()])
        resolved = (published + dt.timedelta(days=days)).isoformat() if published else None
        return make(relative=f"day{days:+d}", resolved=resolved)
    rel_word = g.get("rel") or g.get("rel2") or g.get("rel3")
    if rel_word:
        direction = lex.date_words.get(_space(rel_word).lower(), "this")
        rel_month = g.get("relmonth") or g.get("relmonth2")
        if rel_month:
            mon = lex.months.get(rel_month.lower().rstrip("."))
            return make(month=mon, relative=direction, resolved=_resolve_month(mon, direction, published))
        if "relweekday" in g:
            wd = lex.weekdays[g["relweekday"].lower()]
            return make(relative=f"{direction}:weekday{wd}", resolved=_resolve_weekday(wd, direction, published))
        unit_word = (g.get("relunit") or g.get("relunit2") or "").lower()
        unit_kind = lex.date_words.get(unit_word, "unit")
        return _relative_unit(make, unit_word, unit_kind, direction, published)
    if "yr1" in g:
        return make(int(g["yr1"]))  # the second year of a range is found by the caller
    if "weekday" in g:
        if language == "en" and _in_title_case(text, start, end):
            return None  # "The Mail on Sunday", "Fox News Sunday"
        wd = lex.weekdays[g["weekday"].lower()]
        return make(relative=f"weekday{wd}", resolved=_resolve_weekday(wd, "this", published))
    if "month" in g and month:
        year = int(g["year"]) if "year" in g else None
        day = int(g["day"]) if "day" in g else (1 if "first" in g else None)
        if "dayword" in g:
            day = int(lex.ordinals.get(g["dayword"].lower(), 0))
        if day is not None and not 1 <= day <= 31:
            return None
        if year is None and day is None:
            if g["month"].lower().rstrip(".") not in lex.wide_months:
                return None  # a lone abbreviation ("sept", "Mar") is too ambiguous
            if language == "fr" and g["month"][0].isupper() and not _is_initial(text, start):
                return None  # "Life on Mars": French months are written in lower case
        if language == "en" and year is None and day is None and not _month_context(text, start, language):
            return None  # "She may", "Thousands March Through City"
        return make(year, month, day)
    if "year" in g:
        if not _year_context(text, start, end, language):
            return None
        return make(int(g["year"]))
    return None


_UNIT_CODES = {"y": ("year", "jahr", "an", "année", "ans", "années", "jahren", "years", "jahres", "jahrs"),
               "m": ("month", "monat", "mois", "monaten", "months", "monats"),
               "w": ("week", "woche", "semaine", "wochen", "semaines", "weeks"),
               "d": ("day", "tag", "jour", "tagen", "jours", "days")}


def _unit_code(unit: str) -> str:
    unit = unit.lower()
    for code, names in _UNIT_CODES.items():
        if unit in names or unit.rstrip("s") in names:
            return code
    return unit[:1]


def _resolve_month(month: int | None, direction: str, published: dt.date | None) -> str | None:
    if published is None or month is None:
        return None
    year = published.year
    if direction == "last" and month >= published.month:
        year -= 1
    elif direction == "next" and month <= published.month:
        year += 1
    return f"{year:04d}-{month:02d}"


def _resolve_weekday(weekday: int, direction: str, published: dt.date | None) -> str | None:
    """The named weekday on or before the publication date (after it for "next")."""
    if published is None:
        return None
    if direction == "next":
        return (published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)).isoformat()
    delta = (published.weekday() - weekday) % 7
    if direction == "last" and delta == 0:
        delta = 7  # "last Tuesday" said on a Tuesday
    return (published - dt.timedelta(days=delta)).isoformat()


def _relative_unit(make, unit_word: str, unit_kind: str, direction: str, published: dt.date | None) -> DateRef:
    step = {"last": -1, "next": 1, "this": 0}.get(direction, 0)
    code = "q" if unit_kind == "quarter" else "h" if unit_kind == "half" else _unit_code(unit_word)
    relative = f"{direction}:{code}"
    if published is None:
        return make(relative=relative)
    if code == "y":
        return make(year=published.year + step, relative=relative, resolved=f"{published.year + step:04d}")
    if code == "m":
        y, mo = _shift_month(published.year, published.month, step)
        return make(year=y, month=mo, relative=relative, resolved=f"{y:04d}-{mo:02d}")
    if code == "q":
        index = published.year * 4 + (published.month - 1) // 3 + step
        return make(year=index // 4, quarter=index % 4 + 1, relative=relative, resolved=f"{index // 4:04d}-Q{index % 4 + 1}")
    if code == "h":
        index = published.year * 2 + (published.month - 1) // 6 + step
        return make(year=index // 2, relative=relative, resolved=f"{index // 2:04d}-H{index % 2 + 1}")
    week = (published + dt.timedelta(weeks=step)).isocalendar()
    return make(relative=relative, resolved=f"{week.year:04d}-W{week.week:02d}")


def _previous_word(text: str, start: int) -> str:
    m = re.search(r"(\w+['’]?\w*)\W*$", text[max(0, start - 30):start])
    return m.group(1).lower() if m else ""


def _in_title_case(text: str, start: int, end: int) -> bool:
    """Is the word at [start, end) next to another capitalised word (part of a name or title)?"""
    before = re.search(r"([^\W\d_]+)\W{0,2}$", text[max(0, start - 25):start])
    after = re.match(r"\W{0,2}([^\W\d_]+)", text[end:end + 25])
    return any(m is not None and m.group(1)[0].isupper() and not _is_initial(text, m.start(1) + (end if m is after else max(0, start - 25)))
               for m in (before, after))


def _month_context(text: str, start: int, language: str) -> bool:
    return _previous_word(text, start) in ("in", "since", "until", "by", "last", "next", "this", "early", "late", "mid", "of", "from", "through", "during", "before", "after")


def _year_context(text: str, start: int, end: int, language: str) -> bool:
    if _previous_word(text, start) in _YEAR_CUES[language]:
        return True
    before = text[max(0, start - 2):start]
    after = text[end:end + 2]
    return "(" in before or not after.strip() or after[:1] in ",.;:)!?»\"”'’" or after.startswith(" –")


_DATE_LEADS = frozenset("the of im in am der dem des den diesem dieser vom au le la l du en les ce cet cette".split())


@lru_cache(maxsize=None)
def _date_triggers(language: str) -> frozenset[str]:
    lex = _date_lexicon(language)
    words = set(lex.months) | set(lex.weekdays) | set(lex.ordinals) | {"années", "q1", "q2", "q3", "q4", "t1", "t2", "t3", "t4", "h1", "h2", "1er"}
    for phrase in lex.date_words:
        words.update(_SCAN_TOKEN.findall(phrase.lower()))
    return frozenset(w for w in words if w not in _DATE_LEADS)


@lru_cache(maxsize=None)
def _date_leads(language: str) -> frozenset[str]:
    """Words that may open a date before its trigger word ("im vergangenen März", "the first quarter")."""
    lex = _date_lexicon(language)
    relative = {w for phrase, kind in lex.date_words.items() if kind in ("last", "next", "this")
                for w in _SCAN_TOKEN.findall(phrase.lower())}
    return _DATE_LEADS | frozenset(relative) | frozenset(lex.ordinals)


def _find_dates(text: str, language: str, published=None, tokens: list[tuple[int, str]] | None = None,
                at: dict[int, list[int]] | None = None) -> list[DateRef]:
    lex = _date_lexicon(language)
    when = _as_date(published)
    if tokens is None:
        tokens = _scan_tokens(text)
    if at is None:
        at = _trigger_indices(tokens, language)
    found: list[DateRef] = []
    for m in _scan(lex.pattern, text, tokens, at[_DATE], _date_leads(language)):
        date = _date_from_match(m, language, lex, when, text)
        if date is None:
            continue
        g = _groups(m)
        if "dayfrom" in g:  # "vom 25. bis 31. Juli": two dates
            first = int(g["dayfrom"].rstrip("er") or 1)
            found.append(DateRef(m.start(), m.start() + len(g["dayfrom"]), g["dayfrom"], date.year, date.month, first,
                                 resolved=f"{date.year:04d}-{date.month:02d}-{first:02d}" if date.year else None))
            found.append(date)
            continue
        if "yr1" in g:
            second = g["yr2"]
            year2 = int(second) if len(second) == 4 else int(g["yr1"][:2] + second)
            mid = m.start("yr2__1") if m.groupdict().get("yr2__1") else m.end() - len(second)
            found.append(DateRef(m.start(), m.start() + len(g["yr1"]), g["yr1"], int(g["yr1"]), resolved=g["yr1"]))
            found.append(DateRef(mid, m.end(), second, year2, resolved=f"{year2:04d}"))
            continue
        found.append(date)
    return found


# --------------------------------------------------------------------------- entities

_NAME_JOINERS = {
    "en": {"of", "de", "van", "von", "der", "den", "al", "bin", "&", "la", "le", "da", "du", "di"},
    "de": {"von", "van", "de", "&", "of", "la", "le", "da", "du", "di", "al", "bin"},
    "fr": {"de", "du", "des", "d'", "d’", "la", "le", "van", "von", "&", "al", "ben", "da", "di"},
}
_ALL_JOINERS = frozenset().union(*_NAME_JOINERS.values()) | {"der", "den"}
_LEADING_ARTICLES = {
    "en": {"the", "a", "an"},
    "de": {"der", "die", "das", "des", "dem", "den", "ein", "eine", "einer"},
    "fr": {"le", "la", "les", "l'", "l’", "un", "une", "du", "des", "de", "d'", "d’"},
}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


@lru_cache(maxsize=None)
def _place_keys(language: str) -> dict[str, str]:
    """Folded country and city names in ``language`` -> the folded English name (CLDR via babel)."""
    from babel import Locale
    from babel.core import get_global

    local, english = Locale(language), Locale("en")
    keys: dict[str, str] = {}
    for code, name in local.territories.items():
        keys[_fold(name)] = _fold(english.territories.get(code, name))
    english_zones = english._data["time_zones"]
    local_zones = local._data["time_zones"]
    for zone in get_global("zone_territories"):
        city_en = english_zones.get(zone, {}).get("city") or zone.split("/")[-1].replace("_", " ")
        city_local = local_zones.get(zone, {}).get("city") or city_en
        keys.setdefault(_fold(city_local), _fold(city_en))
    for alias, key in _mapping(language, "aliases").items():
        keys[_fold(alias)] = key
    return keys


@lru_cache(maxsize=None)
def _place_names(language: str) -> frozenset[str]:
    """Every place key (English CLDR name, folded)."""
    return frozenset(_place_keys(language).values())


@lru_cache(maxsize=None)
def _name_words(language: str) -> tuple[frozenset, frozenset, frozenset, frozenset]:
    non_names = frozenset(_mapping(language, "non_names"))
    titles = frozenset(_mapping(language, "titles"))
    organisations = frozenset(_mapping(language, "organisation_words"))
    from wordfreq import top_n_list

    function_words = frozenset(top_n_list(language, 400))
    return non_names, titles, organisations, function_words


@lru_cache(maxsize=None)
def _quantity_words(language: str) -> frozenset[str]:
    """Currency, unit, scale and calendar words: capitalised in German, never names."""
    months, weekdays = _calendar_names(language)
    words = set(_mapping(language, "currencies")) | set(_mapping(language, "units"))
    words |= set(_mapping(language, "scale_words")) | set(_mapping(language, "approximate_words"))
    words |= set(_mapping(language, "number_words")) | set(_mapping(language, "ordinal_words"))
    words |= set(_mapping(language, "date_words")) | set(months) | set(weekdays)
    return frozenset(w for w in words if " " not in w)


@lru_cache(maxsize=200_000)
def _zipf(word: str, language: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, language)


@lru_cache(maxsize=200_000)
def _is_name_token(token: str, language: str, initial: bool, after_determiner: bool = False) -> bool:
    """Does a capitalised token look like (part of) a name rather than a common word?"""
    return _name_token(token, language, initial, after_determiner)


@lru_cache(maxsize=200_000)
def _name_token(token: str, language: str, initial: bool, after_determiner: bool) -> bool:
    """See :func:`_is_name_token` (cached)."""
    non_names, _, _, function_words = _name_words(language)
    lower = token.lower().replace("’", "'")
    bare = _POSSESSIVE.sub("", lower)
    if lower.endswith("'") and len(bare) <= 5 and "'" not in bare:
        return lower.endswith("s'") and len(bare) > 3  # French elision l', d', c' is no name
    if _place_key(bare, language) or (language == "de" and bare.endswith("er") and _place_key(bare[:-2], language)):
        return True  # a place, or a German place adjective ("Grazer", "Pariser")
    if bare in non_names or lower in non_names or bare in _quantity_words(language) or _is_title(bare, language):
        return False
    if token.isupper() and len(token) > 1:
        return True
    if any(ch.isupper() for ch in token[1:]):  # iPhone, McDonald, OpenAI
        return True
    settings = _settings()
    if initial:
        if lower in function_words or bare in function_words:
            return False
        if language == "de" and _german_noun_form(bare):
            return False
        if language == "en" and bare.endswith("ly") and _zipf(bare, "en") >= 2.0:
            return False  # "Crucially, …"
        return (_international(bare, language, settings["initial_name_zipf_gap"], both=True)
                or _zipf(bare, language) < settings["initial_common_zipf"])
    if language != "de":
        return True
    if after_determiner:
        return False  # German persons and places take no article; "die Opposition" is a noun
    if _international(bare, "de", settings["name_zipf_gap"], both=True):
        return True
    if _zipf(bare, "de") >= settings["german_noun_zipf"]:
        return False
    return not _german_noun_form(bare)


def _international(word: str, language: str, gap: float, both: bool = False) -> bool:
    """Names travel: a word used about as often in the other languages is likely a name.
    ``both`` asks it of both other languages (German shares many nouns with one of them)."""
    own = _zipf(word, language)
    folded = _fold(word)
    foreign = [max(_zipf(word, other), _zipf(folded, other)) for other in LANGUAGES if other != language]
    abroad = min(foreign) if both else max(foreign)
    return abroad >= _settings()["name_min_foreign_zipf"] and abroad >= own - gap


_GERMAN_NOUN_ENDINGS = ("ung", "ungen", "heit", "heiten", "keit", "keiten", "schaft", "schaften", "tion",
                        "tionen", "ität", "itäten", "ismus", "nis", "nisse", "chen", "lein", "ium", "ling",
                        "linge", "innen", "erin", "ierung", "ierungen", "sprozess", "bereich")


def _german_noun_form(word: str) -> bool:
    """A rare capitalised German word that is a common noun by its form: a noun suffix, a
    nominalised participle ("Umstehende"), a compound whose tail is a frequent word, or an
    inflected form of a frequent noun (simplemma)."""
    if word.endswith(_GERMAN_NOUN_ENDINGS) or (len(word) >= 8 and word.endswith(("ende", "enden"))):
        return True
    if len(word) >= 9 and not _international(word, "de", 1.0):  # compound names (Zuckerberg) travel
        rare = _zipf(word, "de") < 3.1  # well-known place compounds (Regensburg) are frequent
        for cut in range(3, len(word) - 3):
            head, tail = word[:cut], word[cut:]
            if _zipf(tail, "de") >= 3.0 and (
                    _zipf(head, "de") >= 3.0 or _zipf(head[:-1], "de") >= 3.0 or (rare and cut >= 4 and len(tail) >= 4)):
                return True
    lemma = _german_lemma(word)
    return lemma != word and _zipf(lemma, "de") >= 3.0 and not _international(lemma, "de", 1.0, both=True)


@lru_cache(maxsize=100_000)
def _german_lemma(word: str) -> str:
    import simplemma

    return simplemma.lemmatize(word[:1].upper() + word[1:], "de").lower()


_GERMAN_DETERMINERS = frozenset(
    "der die das des dem den ein eine einer eines einem einen im am zum zur vom beim ins ans aufs "
    "kein keine keinen keinem keiner keines sein seine seinen seinem seiner seines ihr ihre ihren ihrem "
    "ihrer ihres unser unsere unseren unserem unserer dies diese dieser dieses diesem diesen jede jeder "
    "jedes jedem jeden alle allen viele vielen mehrere einige manche welche solche".split())
_ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")


def _after_german_determiner(text: str, start: int) -> bool:
    """Is the word at ``start`` preceded by an article or determiner, maybe with adjectives between?"""
    words = re.findall(r"[^\W\d_]+", text[max(0, start - 60):start])
    for word in reversed(words[-4:]):
        lower = word.lower()
        if lower in _GERMAN_DETERMINERS:
            return True
        if not (word[0].islower() and lower.endswith(_ADJECTIVE_ENDINGS)):
            return False
    return False


@lru_cache(maxsize=100_000)
def _place_key(word: str, language: str) -> str | None:
    """The English CLDR name of a country or city name, also inflected in German ("Bischkeks",
    "des Weißen Hauses", "den Kanarischen Inseln")."""
    places = _place_keys(language)
    folded = _fold(word)
    if folded in places:
        return places[folded]
    if language == "de":
        if folded.endswith("s") and folded[:-1] in places:
            return places[folded[:-1]]
        return _german_place_stems().get(_german_stem(folded))
    return None


def _german_stem(phrase: str) -> str:
    """Drop German case endings from every word of a folded phrase ("vereinigten konigreichs" ->
    "vereinigt konigreich"), so inflected place names meet their CLDR form."""
    return " ".join(re.sub(r"(?:es|en|er|em|e|s|n)$", "", word) if len(word) > 4 else word for word in phrase.split())


@lru_cache(maxsize=None)
def _german_place_stems() -> dict[str, str]:
    return {_german_stem(name): key for name, key in _place_keys("de").items() if " " in name}


def _place_or_adjective(key: str, language: str) -> str | None:
    """Place key of a name, or of a German place adjective ("grazer" -> "graz")."""
    found = _place_key(key, language)
    if found is None and language == "de" and key.endswith("er") and " " not in key:
        found = _place_key(key[:-2], language)
    return found


_PLACE_ENDINGS = ("burg", "berg", "dorf", "hausen", "heim", "ingen", "hafen", "furt", "brück", "brücken", "stedt", "leben")
_PLACE_PREPOSITIONS = frozenset({"in", "aus", "nach", "bei", "ab", "bis"})


def _speaker_after_verb(text: str, token) -> bool:
    """A capitalised word right after a German reporting verb names the speaker, unless it is a
    common noun ("sagte Anfang der Woche")."""
    return _after_reporting_verb(text, token[0]) and not _is_noun_like(token[2])


def _after_place_preposition(text: str, token) -> bool:
    """German place names take no article: "aus Regensburg", "nach Wolfsburg" (nouns would:
    "aus der Stadt"); only for words shaped like place names."""
    previous = re.search(r"([^\W\d_]+)\s+$", text[max(0, token[0] - 12):token[0]])
    word = token[2].lower()
    return (previous is not None and previous.group(1).lower() in _PLACE_PREPOSITIONS
            and word.endswith(_PLACE_ENDINGS) and len(word) > 6)


def _after_reporting_verb(text: str, start: int) -> bool:
    """Is the word at ``start`` right after a German reporting verb ("sagt Zimmermann")?"""
    previous = re.search(r"([^\W\d_]+)\s+$", text[max(0, start - 25):start])
    return previous is not None and previous.group(1).lower() in _mapping("de", "reporting_verbs")


def _distinctive(entity: Entity, language: str) -> bool:
    """Is a name the same in every language (a cross-lingual anchor)? Translated descriptive
    names ("World Cup", "Parti travailliste") are not: at least one word must be an acronym, a
    known place, rare in the language, or used about as often in the other two languages."""
    if entity.key in _place_names(language) or entity.kind == "person":
        return True
    words = entity.text.split()
    return any(_distinctive_word(word, language, len(words) > 1) for word in words)


@lru_cache(maxsize=100_000)
def _distinctive_word(word: str, language: str, in_phrase: bool = False) -> bool:
    """An acronym, a place, a word rare in ``language``, or one the other languages use as often
    (more strictly inside a multi-word name, whose common words are often translated)."""
    word = _POSSESSIVE.sub("", word.replace("’", "'")).strip(".,;:-")
    if len(word) < 2:
        return False
    if word.isupper() or any(ch.isdigit() for ch in word) or _place_key(word, language):
        return True
    lower = word.lower()
    gap = _settings()["distinctive_phrase_zipf_gap" if in_phrase else "distinctive_zipf_gap"]
    return _zipf(lower, language) < _settings()["distinctive_zipf"] or _international(lower, language, gap, both=True)


_SENTENCE_START = re.compile(r"(?:^|[.!?:;…]\s+|\n\s*|[\"“”„«»‚‘(\[—–-]\s*)$")


def _is_initial(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text[max(0, start - 4):start])) or start == 0


@lru_cache(maxsize=100_000)
def entity_key(name: str, language: str) -> str:
    """Normalised key of a name: folded, possessive stripped, places mapped to their English CLDR name."""
    words = name.replace("’", "'").split()
    if words:
        words[-1] = _POSSESSIVE.sub("", words[-1])
    while len(words) > 1 and words[0].lower() in _LEADING_ARTICLES[language]:
        words = words[1:]
    key = _fold(" ".join(words)).replace(".", "") if all(len(w) <= 4 for w in words) else _fold(" ".join(words))
    key = re.sub(r"\s+", " ", key).strip(" -'")
    return _place_or_adjective(key, language) or key


def _find_entities(text: str, language: str, exclude: Iterable[tuple[int, int]] = (), tokens=None) -> list[Entity]:
    titles = _name_words(language)[1]
    joiners = _NAME_JOINERS[language]
    if tokens is None:
        tokens = _tokens(text)
    if exclude:
        blocked = set()
        for s, e in exclude:
            blocked.update(range(s, e))
        tokens = [t for t in tokens if t[0] not in blocked]
    entities: list[Entity] = []
    i = 0
    n = len(tokens)
    while i < n:
        start, end, _ = tokens[i]
        if not (text[start].isupper() or (text[start].isalpha() and _capitalised(text[start:end]))) or (
                language == "de" and text[end:end + 2] in ("- ", "-,")):  # "Verteidigungs- und Sicherheitsfragen"
            i += 1
            continue
        group = [(start, end, text[start:end])]
        j = i + 1
        raw = lambda k: (tokens[k][0], tokens[k][1], text[tokens[k][0]:tokens[k][1]])  # noqa: E731
        while j < n:
            s, e, lower = tokens[j]
            gap = text[group[-1][1]:s]
            if gap == ". " and _is_title(group[-1][2] + ".", language):
                gap = " "  # "M. Dupont", "Dr. Jane Goodall"
            if gap not in (" ", "\u00a0", "-", " & ") or _POSSESSIVE.search(group[-1][2]):
                break  # punctuation, or a possessive ("Elon Musk's Tesla") ends a name
            if text[s].isupper() or (text[s].isalpha() and _capitalised(text[s:e])):
                group.append(raw(j))
                j += 1
                continue
            if (lower in joiners and lower not in titles and j + 1 < n and _capitalised(raw(j + 1)[2])
                    and text[e:tokens[j + 1][0]] == " "):
                group.extend([raw(j), raw(j + 1)])
                j += 2
                continue
            if (lower in ("von", "van") and j + 2 < n and tokens[j + 1][2] in ("der", "den", "de")
                    and _capitalised(raw(j + 2)[2])):
                group.extend([raw(j), raw(j + 1), raw(j + 2)])  # Ursula von der Leyen
                j += 3
                continue
            break
        entities.extend(_entities_from_group(group, text, language))
        i = j
    return entities


def _capitalised(token: str) -> bool:
    first = token[:1]
    if first.isupper():
        return True
    return first.isalpha() and any(ch.isupper() for ch in token[1:3]) and not token.isupper()


def _is_title(token: str, language: str) -> bool:
    titles = _name_words(language)[1]
    lower = token.lower()
    return lower in titles or lower.rstrip(".") in titles or lower + "." in titles


def _split_at_titles(group, language: str) -> list[tuple[list[tuple[int, int, str]], bool]]:
    """Cut a run of capitalised tokens at titles ("US President Donald Trump" -> US | Donald Trump);
    the flag says whether a title stood right before the piece (so it names a person)."""
    pieces: list[tuple[list, bool]] = [([], False)]
    for s, e, t in group:
        head, dash, tail = t.partition("-")
        if _is_title(t, language):
            before = pieces[-1][0]
            if before and not (len(before) == 1 and (before[0][2].isupper() or _place_key(before[0][2], language))) \
                    and not _place_key(" ".join(tok[2] for tok in before), language):
                before.clear()  # "Transport Secretary", "Foreign Minister": part of the title
            pieces.append(([], True))
            continue
        if dash and _is_title(tail, language):  # US-Präsident, Ex-Minister
            if _is_name_token(head, language, False):
                pieces[-1][0].append((s, s + len(head), head))
            pieces.append(([], True))
            continue
        if dash and language == "de" and _is_name_token(head, language, False) and (
                head.isupper() or not _is_name_token(tail, language, False)):
            pieces[-1][0].append((s, s + len(head), head))  # EU-Kommission -> EU, Trump-Regierung -> Trump
            pieces.append(([], False))
            continue
        pieces[-1][0].append((s, e, t))
    return [(piece, person) for piece, person in pieces if piece]


def _entities_from_group(group, text, language) -> list[Entity]:
    """Split a run of capitalised tokens at titles, drop common words, and key what is left."""
    non_names, _, organisations, function_words = _name_words(language)
    if len(group) > 1 and all(tok[2].isupper() for tok in group):  # a headline in capitals
        words = [tok for tok in group if tok[2].lower() not in function_words and
                 _is_name_token(tok[2][:1] + tok[2][1:].lower(), language, True)]
        return [Entity(s, e, t, entity_key(t, language), "other") for s, e, t in words]
    joiners = _NAME_JOINERS[language]
    found: list[Entity] = []
    for piece, after_title in _split_at_titles(group, language):
        while piece and piece[-1][2].lower() in joiners:
            piece.pop()
        while piece and (piece[0][2].lower() in _LEADING_ARTICLES[language] or piece[0][2].lower() in joiners):
            piece.pop(0)
        if not piece:
            continue
        if not after_title:  # a name right after a title ("M. Dupont") needs no other evidence
            piece = _trim_common(piece, text, language)
        if not piece:
            continue
        s, e = piece[0][0], piece[-1][1]
        span = text[s:e]
        key = entity_key(span, language)
        if not key:
            continue
        if after_title or (language == "de" and len(piece) == 1 and _speaker_after_verb(text, piece[0])):
            kind = "person"
        elif key in _place_names(language):
            kind = "place"
        elif any(tok[2].lower() in organisations or tok[2].lower().rstrip(".") in organisations for tok in piece) or (
                len(piece) == 1 and span.isupper() and len(span) > 1):
            kind = "organisation"
        else:
            kind = "other"
        found.append(Entity(s, e, span, key, kind))
    return found


def _trim_common(piece, text: str, language: str):
    """Drop common words at the ends of a run; a lone common word is no name.

    Inside a run of two or more capitalised words, a word is dropped only when it is clearly a
    common word (in German, where every noun is capitalised, adjacent capitalised nouns are rare,
    so "Olaf Scholz" keeps "Scholz" even though Scholz is a frequent German word)."""
    if _place_key(text[piece[0][0]:piece[-1][1]], language):
        return piece  # "Europäischen Union", "New York"
    initial = _is_initial(text, piece[0][0])
    after_determiner = language == "de" and _after_german_determiner(text, piece[0][0])
    if len(piece) == 1 and language == "de" and _speaker_after_verb(text, piece[0]):
        return piece  # "sagt Zimmermann": the speaker of an inverted quote (kind person)
    if len(piece) == 1 and language == "de" and _after_place_preposition(text, piece[0]):
        return piece  # "aus Regensburg", "nach Wolfsburg": a place name without article
    if len(piece) == 1:
        return piece if _is_name_token(piece[0][2], language, initial, after_determiner) else []
    if initial and not _is_name_token(piece[0][2], language, True):
        dropped = piece[0][2].lower()
        piece = piece[1:]
        while piece and (piece[0][2].lower() in _NAME_JOINERS[language] or piece[0][2].lower() in _LEADING_ARTICLES[language]):
            piece = piece[1:]
        initial = False
        after_determiner = language == "de" and dropped in _GERMAN_DETERMINERS
        if len(piece) == 1:
            return piece if _is_name_token(piece[0][2], language, False, after_determiner) else []
        if not piece:
            return []
    if language == "de":
        organisations = _name_words(language)[2]
        if any(tok[2].lower() in organisations for tok in piece[1:]):
            return piece  # "Deutsche Bank", "Frankfurter Allgemeine Zeitung"
        names = [_is_name_token(tok[2], language, initial and k == 0, after_determiner and k == 0)
                 for k, tok in enumerate(piece)]
        if not any(names):
            return []
        while piece and not names[0] and _is_noun_like(piece[0][2]):
            piece, names = piece[1:], names[1:]
        while piece and not names[-1] and _is_noun_like(piece[-1][2]):
            piece, names = piece[:-1], names[:-1]
    return piece


def _is_noun_like(word: str) -> bool:
    """A German word that is a common noun by frequency or by form."""
    return _is_common_german(word) or _german_noun_form(_POSSESSIVE.sub("", word.lower()))


def _is_common_german(word: str) -> bool:
    """A capitalised German word that is clearly a common noun: frequent in German, rare abroad."""
    lower = _POSSESSIVE.sub("", word.lower())
    own = _zipf(lower, "de")
    abroad = max(_zipf(lower, "en"), _zipf(lower, "fr"))
    return own >= 3.0 and own - abroad >= _settings()["name_zipf_gap"] + 0.5 or lower in _name_words("de")[0]


# --------------------------------------------------------------------------- quotes

_OPEN_CLOSE = {"“": "”", "„": "“", "«": "»", "‹": "›", "»": "«", "‚": "‘", "‘": "’", '"': '"', "'": "'"}
_QUOTE_CHARS = set(_OPEN_CLOSE) | set(_OPEN_CLOSE.values())
_SINGLE = {"‚", "‘", "’", "'", "‹", "›"}
_QUOTE_MARK = re.compile("[" + re.escape("".join(sorted(_QUOTE_CHARS))) + "]")


def find_quotes(text: str) -> list[Quote]:
    """Quoted passages in every common style (“ ” „ “ « » » « " ' ‚ ‘ ‘ ’), nested, across sentences."""
    stack: list[tuple[str, int]] = []
    quotes: list[Quote] = []
    for mark in _QUOTE_MARK.finditer(text):
        index, ch = mark.start(), mark.group(0)
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if ch in _SINGLE and before.isalnum() and after.isalnum():
            continue  # apostrophe inside a word
        closes = [k for k in range(len(stack) - 1, -1, -1) if _OPEN_CLOSE[stack[k][0]] == ch or (stack[k][0] == "„" and ch == "”")]
        guillemet = ch in "«»‹›"
        can_close = closes and (guillemet or not before.isspace())
        can_open = ch in _OPEN_CLOSE and (guillemet or not after.isspace()) and (not before.isalnum() or ch in "„«»")
        if can_close and ch == "'" and index - stack[closes[0]][1] < 3:
            can_close = False  # rock 'n' roll
        if ch in ("'", "’") and before.isalpha() and not after.isalnum():
            can_open = False  # possessive "Reuters’" or a closing mark
        if can_close and (not can_open or ch in ('"', "'") or stack[closes[0]][0] != ch):
            k = closes[0]
            opener, start = stack[k]
            del stack[k:]
            inner_start, inner_end = start + 1, index
            while inner_start < inner_end and text[inner_start].isspace():
                inner_start += 1
            while inner_end > inner_start and text[inner_end - 1].isspace():
                inner_end -= 1
            quotes.append(Quote(start, index + 1, text[start:index + 1], inner_start, inner_end))
            continue
        if can_open:
            if ch in ('"', "“", "«", "„") and stack and stack[-1][0] == ch:
                stack.pop()  # a new paragraph re-opened the quote: the old one never closed
            stack.append((ch, index))
    quotes.sort(key=lambda q: (q.start, -q.end))
    return quotes


# --------------------------------------------------------------------------- cues and attribution


@lru_cache(maxsize=None)
def _phrase_index(language: str, name: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """First word -> the word tuples of every phrase of a list starting with it (longest first);
    ``certainty`` joins the hedge and booster lists."""
    names = ("hedges", "boosters") if name == "certainty" else (name,)
    index: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for list_name in names:
        for phrase in _mapping(language, list_name):
            words = tuple(_token_words(phrase))
            if words:
                index[words[0]].add(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


def _token_words(text: str) -> list[str]:
    return [m.group(0).lower().replace("’", "'") for m in _TOKEN.finditer(text)]


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lower-cased word with ’ as ') of every word token."""
    return [(*m.span(), m.group()) for m in _TOKEN.finditer(_lowered(text))]


def _lowered(text: str) -> str:
    """``text`` lower-cased with typographic apostrophes made plain, offsets unchanged."""
    lowered = text.lower().replace("’", "'")
    return lowered if len(lowered) == len(text) else "".join(ch.lower()[:1] for ch in text).replace("’", "'")


def _match_phrases(tokens, index) -> list[tuple[int, int]]:
    """(first token, last token + 1) of each list phrase in the token sequence, left to right, no overlap."""
    spans = []
    covered = 0
    for i in [k for k, token in enumerate(tokens) if token[2] in index]:
        if i < covered:
            continue
        for phrase in index[tokens[i][2]]:
            size = len(phrase)
            if size == 1 or tuple(t[2] for t in tokens[i:i + size]) == phrase:
                spans.append((i, i + size))
                covered = i + size
                break
    return spans


def find_certainty(text: str, language: str) -> list[Cue]:
    """Hedges ("reportedly", "angeblich", "selon certaines sources") and boosters ("clearly", "bel et bien")."""
    _check_language(language)
    return _find_certainty(text, language, _tokens(text))


def _find_certainty(text: str, language: str, tokens) -> list[Cue]:
    cues = []
    kinds = _cue_kinds(language)
    for i, j in _match_phrases(tokens, _phrase_index(language, "certainty")):
        s, e = tokens[i][0], tokens[j - 1][1]
        cues.append(Cue(s, e, text[s:e], kinds[" ".join(t[2] for t in tokens[i:j])]))
    return cues


@lru_cache(maxsize=None)
def _cue_kinds(language: str) -> dict[str, str]:
    """Phrase -> hedge / booster (a phrase in both lists counts as a hedge)."""
    kinds = {" ".join(_token_words(p)): "booster" for p in _mapping(language, "boosters")}
    kinds.update({" ".join(_token_words(p)): "hedge" for p in _mapping(language, "hedges")})
    return kinds


_FRENCH_NE_PARTNERS = {"pas", "plus", "jamais", "rien", "personne", "aucun", "aucune", "guère", "nullement", "point", "ni"}
_FRENCH_BEFORE_NE = {"personne", "rien", "aucun", "aucune", "jamais", "nul", "nulle"}
_FRENCH_ALONE = {"sans", "jamais", "aucun", "aucune", "ni", "non", "pas", "rien", "nullement"}


def find_negations(text: str, language: str) -> list[Cue]:
    """Negation cues: "not", "n't", "kein", "nicht", "ne … pas", "sans", "jamais"."""
    _check_language(language)
    return _find_negations(text, language, _tokens(text))


def _find_negations(text: str, language: str, tokens) -> list[Cue]:
    cues = []
    if language == "fr":
        used: set[int] = set()
        for i, (s, e, word) in enumerate(tokens):
            if word in ("ne", "n'") and i not in used:
                before = [k for k in range(max(0, i - 2), i) if tokens[k][2] in _FRENCH_BEFORE_NE and k not in used]
                if before:
                    cues.append(Cue(tokens[before[0]][0], e, text[tokens[before[0]][0]:e], "negation"))
                    used.update((before[0], i))
                    continue
                for j in range(i + 1, min(i + 6, len(tokens))):
                    if tokens[j][2] in _FRENCH_NE_PARTNERS:
                        cues.append(Cue(s, tokens[j][1], text[s:tokens[j][1]], "negation"))
                        used.update((i, j))
                        break
        for i, (s, e, word) in enumerate(tokens):
            if i not in used and word in _FRENCH_ALONE:
                cues.append(Cue(s, e, text[s:e], "negation"))
        return sorted(cues, key=lambda c: c.start)
    index = _phrase_index(language, "negators")
    for i, j in _match_phrases(tokens, index):
        s, e = tokens[i][0], tokens[j - 1][1]
        if tokens[i][2] == "no" and re.match(r"\.\s*\d", text[e:e + 3]):
            continue  # "No. 1"
        cues.append(Cue(s, e, text[s:e], "negation"))
    if language == "en":
        for s, e, word in tokens:
            if word.endswith("n't") and word != "n't":
                cues.append(Cue(e - 3, e, text[e - 3:e], "negation"))
    return sorted(cues, key=lambda c: c.start)


_PRONOUNS = {
    "en": {"he", "she", "they", "it", "we", "i", "you"},
    "de": {"er", "sie", "es", "wir", "ich", "man"},
    "fr": {"il", "elle", "ils", "elles", "on", "nous", "je", "t-il", "t-elle", "-t-il", "-t-elle"},
}
_DETERMINERS = {
    "en": {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that"},
    "de": {"der", "die", "das", "ein", "eine", "einer", "des", "dem", "den", "sein", "seine", "ihr", "ihre"},
    "fr": {"le", "la", "les", "l'", "un", "une", "son", "sa", "ses", "leur", "ce", "cette"},
}


_AUXILIARIES = {
    "en": {"has", "had", "have", "was", "is", "were", "also", "later", "then", "previously", "once"},
    "de": {"hat", "habe", "hatte", "haben", "hatten", "auch", "zudem", "bereits", "später"},
    "fr": {"a", "ont", "avait", "avaient", "aurait", "auraient", "est", "sont", "aussi", "également", "déjà"},
}
_INVERSION_BEFORE = re.compile(r"[,:\"”“»«’]\s*$")


def find_attributions(text: str, language: str) -> list[Attribution]:
    """Speaker + reporting verb ("Smith said", "sagte Müller", "a déclaré Dupont"), markers
    ("according to", "laut", "selon", "zufolge") and document sources ("a court filing shows")."""
    _check_language(language)
    return _find_attributions(text, language, find_entities(text, language), _tokens(text))


def _find_attributions(text: str, language: str, entities: list[Entity], tokens) -> list[Attribution]:
    verbs = frozenset(_mapping(language, "reporting_verbs"))
    markers = _mapping(language, "attribution_markers")
    found: list[Attribution] = []
    used: set[int] = set()
    for i, j in _match_phrases(tokens, _phrase_index(language, "attribution_markers")):
        phrase = " ".join(t[2] for t in tokens[i:j])
        if phrase == "wie":  # "wie die Behörde mitteilte": the verb belongs to the marker
            verb_at = [k for k in range(j, min(j + 6, len(tokens))) if tokens[k][2] in verbs]
            if not verb_at:
                continue
            used.add(verb_at[0])
        if phrase == "so" and not text[:tokens[i][0]].rstrip().endswith(","):
            continue
        if markers.get(phrase, "after") == "before":
            speaker = _speaker_before(tokens, i, text, entities, language)
        else:
            speaker = _speaker_after(tokens, j, text, entities, language, marker=True)
        if speaker is None:
            continue
        marker_start = tokens[i][0]
        if phrase == "so" and not text[:marker_start].rstrip().endswith(","):
            continue  # "so" attributes only after a comma: "…, so Reuters"
        found.append(_attribution(text, speaker, (marker_start, tokens[j - 1][1])))
        used.update(range(i, j))
    for i, (s, e, word) in enumerate(tokens):
        if word not in verbs or i in used:
            continue
        inverted = bool(_INVERSION_BEFORE.search(text[max(0, s - 4):s]))
        order = (_speaker_after, _speaker_before) if inverted else (_speaker_before, _speaker_after)
        speaker = None
        for finder in order:
            speaker = finder(tokens, i + 1 if finder is _speaker_after else i, text, entities, language)
            if speaker is not None:
                break
        if speaker is not None:
            found.append(_attribution(text, speaker, (s, e)))
    found.sort(key=lambda a: a.start)
    return found


@lru_cache(maxsize=None)
def _speaker_nouns(language: str) -> frozenset[str]:
    """Nouns that can stand for who or what a claim comes from: documents and unnamed speakers."""
    return frozenset(_mapping(language, "source_nouns")) | frozenset(_mapping(language, "speaker_nouns"))


def _attribution(text: str, speaker: tuple[int, int], verb: tuple[int, int]) -> Attribution:
    start, end = min(speaker[0], verb[0]), max(speaker[1], verb[1])
    return Attribution(start, end, text[start:end], text[speaker[0]:speaker[1]], text[verb[0]:verb[1]], *speaker)


def _is_pronoun(word: str, language: str) -> bool:
    return word in _PRONOUNS[language] or word.rsplit("-", 1)[-1] in _PRONOUNS[language]


def _speaker_after(tokens, j, text, entities, language, marker=False):
    """The speaker right after a marker or an inverted verb: "said US President Donald Trump",
    "selon l'AFP", "laut einem Bericht"; for markers any short noun phrase counts."""
    if j >= len(tokens) or (not marker and re.search(r"[.;!?]", text[tokens[j - 1][1]:tokens[j][0]])):
        return None
    k = j
    while k < len(tokens) and k - j < 2 and (tokens[k][2] in _DETERMINERS[language] or tokens[k][2] in _LEADING_ARTICLES[language]):
        k += 1
    if k >= len(tokens):
        return None
    if _is_pronoun(tokens[k][2], language):
        return tokens[k][0], tokens[k][1]
    last_entity = None
    for ent in entities:
        if ent.start >= tokens[k][0] and not re.search(r"[,.;:!?()\"“”«»]", text[tokens[k][0]:ent.start]):
            between = [t for t in tokens if tokens[k][0] <= t[0] < ent.start]
            if len(between) <= 3 and all(_capitalised(text[t[0]:t[1]]) or _is_title(t[2], language) for t in between):
                last_entity = ent
                continue
        if last_entity is not None or ent.start > tokens[k][0] + 60:
            break
    if last_entity is not None:
        return tokens[k][0], last_entity.end
    sources = _speaker_nouns(language)
    end = k
    while end < len(tokens) and end - k < (6 if marker else 4):
        if end > k and re.search(r"[,.;:!?()]", text[tokens[end - 1][1]:tokens[end][0]]):
            break
        end += 1
        if not marker and (tokens[end - 1][2] in sources or _is_title(tokens[end - 1][2], language)):
            return tokens[j][0], tokens[end - 1][1]
    if marker and end > k:
        if language == "de":  # a German noun phrase ends with its capitalised noun: "laut einer neuen Studie ist …"
            nouns = [n for n in range(k, end) if text[tokens[n][0]].isupper()]
            if nouns:
                end = nouns[0] + 1
                while end < len(tokens) and end - k < 6 and text[tokens[end][0]].isupper():
                    end += 1
        return tokens[j][0], tokens[end - 1][1]
    return None


def _speaker_before(tokens, i, text, entities, language):
    """The speaker just before a verb or "zufolge": "Smith said", "Macron a déclaré",
    "the company said", "a court filing shows", "dem Bericht zufolge"; in German also before the
    auxiliary of a clause-final participle ("Google hat den Ausfall bestätigt")."""
    found = _speaker_right_before(tokens, i, text, entities, language)
    if found is None and language == "de":
        for k in range(i - 1, max(-1, i - 8), -1):
            if re.search(r"[.;:!?,]", text[tokens[k][1]:tokens[k + 1][0]]):
                break
            if tokens[k][2] in ("hat", "haben", "hatte", "hatten", "habe"):
                return _speaker_right_before(tokens, k, text, entities, language)
    return found


def _speaker_right_before(tokens, i, text, entities, language):
    k = i - 1
    while k >= 0 and tokens[k][2] in _AUXILIARIES[language] and i - k <= 2:
        k -= 1
    if k < 0 or re.search(r"[.;:!?\"“”«»]", text[tokens[k][1]:tokens[i][0]]):
        return None
    if _is_pronoun(tokens[k][2], language):
        return tokens[k][0], tokens[k][1]
    for ent in reversed(entities):
        if ent.end <= tokens[k][1] and ent.end >= tokens[k][0]:
            return ent.start, ent.end
    sources = _speaker_nouns(language)
    word = tokens[k][2]
    if word in sources or _is_title(word, language) or word.rstrip("s") in sources:
        first = k
        while first > 0 and k - first < 3 and not re.search(r"[,.;:!?]", text[tokens[first - 1][1]:tokens[first][0]]):
            first -= 1
            if tokens[first][2] in _DETERMINERS[language] or tokens[first][2] in _LEADING_ARTICLES[language]:
                break
        return tokens[first][0], tokens[k][1]
    return None


# --------------------------------------------------------------------------- public finders


def find_numbers(text: str, language: str) -> list[Number]:
    """Numbers with value, scale, unit and currency; years and dates are left to :func:`find_dates`."""
    _check_language(language)
    return _find_numbers(text, language, _find_dates(text, language))


def find_dates(text: str, language: str, published=None) -> list[DateRef]:
    """Dates and periods; relative ones ("last March") are resolved against ``published`` when given."""
    _check_language(language)
    return _find_dates(text, language, published)


def find_entities(text: str, language: str) -> list[Entity]:
    """Names of people, organisations, products and places, found by capitalisation without models
    (words inside dates and numbers, such as "Q2" or "March", are not names)."""
    _check_language(language)
    dates = _find_dates(text, language)
    numbers = _find_numbers(text, language, dates)
    return _find_entities(text, language, _spans(dates, numbers))


def _idiomatic_first(number: Number) -> bool:
    """"First" / "erste" / "premier" written out is mostly idiom ("at first", "zum ersten Mal",
    "au premier abord"), so it is no anchor across translations; "1st" / "1." still is."""
    return number.kind == "ordinal" and number.low == 1 and not number.text[:1].isdigit()


def _spans(*groups) -> list[tuple[int, int]]:
    return [(item.start, item.end) for group in groups for item in group]


def anchors(text: str, language: str) -> frozenset[str]:
    """Language-independent keys of a text: numbers, dates, entity keys and quotes."""
    _check_language(language)
    tokens = _scan_tokens(text)
    at = _trigger_indices(tokens, language)
    dates = _find_dates(text, language, None, tokens, at)
    keys = {d.key for d in dates}
    numbers = _find_numbers(text, language, dates, tokens, at)
    keys.update(n.key for n in numbers if not _idiomatic_first(n))
    keys.update("ent:" + e.key for e in _find_entities(text, language, _spans(dates, numbers)) if _distinctive(e, language))
    keys.update(q.key for q in find_quotes(text) if q.inner_end - q.inner_start > 3)
    return frozenset(keys)


# --------------------------------------------------------------------------- claim units

_CLAUSE_BREAK = re.compile(r";\s+")


def _claim_units(sentence_start: int, sentence_text: str) -> list[tuple[int, int]]:
    """A sentence, cut at semicolons into clauses."""
    units = []
    position = 0
    for m in _CLAUSE_BREAK.finditer(sentence_text):
        units.append((sentence_start + position, sentence_start + m.start() + 1))
        position = m.end()
    units.append((sentence_start + position, sentence_start + len(sentence_text)))
    return [(s, e) for s, e in units if e > s]


def _record(item) -> dict:
    """A finding as a plain dict (the dataclass fields, plus its anchor ``key`` when it has one)."""
    record = dict(item.__dict__)
    key = getattr(item, "key", None)
    if key is not None and "key" not in record:
        record["key"] = key
    return record


def _claims_rows(text: str, language: str, published, sentences: list[tuple[object, int, int]]) -> list[dict]:
    tokens = _scan_tokens(text)
    at = _trigger_indices(tokens, language)
    dates = _find_dates(text, language, published, tokens, at)
    numbers = _find_numbers(text, language, dates, tokens, at)
    cue_tokens = _tokens(text)
    entities = _find_entities(text, language, _spans(dates, numbers), cue_tokens)
    quotes = find_quotes(text)
    found = {
        "numbers": numbers,
        "dates": dates,
        "entities": entities,
        "attribution": _find_attributions(text, language, entities, cue_tokens),
        "certainty": _find_certainty(text, language, cue_tokens),
    }
    starts = {name: [item.start for item in items] for name, items in found.items()}
    records = {name: [_record(item) for item in items] for name, items in found.items()}
    negation_starts = [cue.start for cue in _find_negations(text, language, cue_tokens)]
    quote_records = [(q.start, q.end, _record(q)) for q in quotes]
    rows: list[dict] = []
    claim_id = 0
    for sent_id, s_start, s_end in sentences:
        for start, end in _claim_units(s_start, text[s_start:s_end]):
            row = {"sent_id": sent_id, "claim_id": claim_id, "start": start, "end": end, "text": text[start:end]}
            for name in ("numbers", "dates", "entities"):
                row[name] = _inside(starts[name], records[name], start, end)
            row["quotes"] = [record for q_start, q_end, record in quote_records if q_start < end and q_end > start]
            row["attribution"] = _inside(starts["attribution"], records["attribution"], start, end)
            row["certainty"] = _inside(starts["certainty"], records["certainty"], start, end)
            row["negated"] = bisect_left(negation_starts, start) < bisect_left(negation_starts, end)
            rows.append(row)
            claim_id += 1
    return rows


def _inside(starts: list[int], records: list[dict], start: int, end: int) -> list[dict]:
    """The records (sorted by start) that begin inside [start, end)."""
    return records[bisect_left(starts, start):bisect_left(starts, end)]


def _empty_claims(columns=CLAIM_COLUMNS) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series([], dtype=_dtype(column)) for column in columns})


def _dtype(column: str):
    if column in ("sent_id", "claim_id", "start", "end"):
        return "int64"
    if column == "negated":
        return "bool"
    if column in ("text", "article_id"):
        return "str"
    return "object"


def extract_claims(text: str, language: str, published=None) -> pd.DataFrame:
    """One row per claim unit (a sentence, or a clause of it) with its numbers, dates, entities,
    quotes, attributions, certainty cues and whether it is negated; offsets are into ``text``."""
    _check_language(language)
    if not text or not text.strip():
        return _empty_claims()
    sentences = [(k, s.start, s.end) for k, s in enumerate(split_sentences(text, language))]
    rows = _claims_rows(text, language, published, sentences)
    return _frame(rows, CLAIM_COLUMNS) if rows else _empty_claims()


def _frame(rows: list[dict], columns) -> pd.DataFrame:
    """A table from row dicts, built column by column (much faster than from records)."""
    return pd.DataFrame({column: [row[column] for row in rows] for column in columns})


def claims_table(articles: pd.DataFrame, sentences: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``claims`` table of a family: claim units of every supported article, with ``article_id``.

    Uses the articles' ``language``, ``published`` and ``text``; sentence boundaries come from the
    ``sentences`` table when given (its offsets are into the article text), else from
    :func:`spin.language.split_sentences`. Articles in unsupported languages are skipped.
    """
    frames: list[dict] = []
    for article in articles.itertuples(index=False):
        language = getattr(article, "language", None)
        text = getattr(article, "text", None)
        if language not in LANGUAGES or not isinstance(text, str) or not text.strip():
            continue
        published = getattr(article, "published", None)
        if sentences is not None and len(sentences):
            own = sentences[sentences["article_id"] == article.article_id].sort_values("start")
            spans = [(row.sent_id, int(row.start), int(row.end)) for row in own.itertuples(index=False)]
        else:
            spans = [(k, s.start, s.end) for k, s in enumerate(split_sentences(text, language))]
        for row in _claims_rows(text, language, published, spans):
            frames.append({"article_id": article.article_id, **row})
    if not frames:
        return _empty_claims(TABLE_COLUMNS)
    return _frame(frames, TABLE_COLUMNS)


# --------------------------------------------------------------------------- families of entity variants


def same_entity(a: str, b: str) -> bool:
    """Do two entity keys name the same thing? Equal; one the first or last words of the other
    ("trump" / "donald trump", "warner" / "warner brothers"); an inflected form ("trumps");
    or a near spelling ("elisabeth ii" / "elizabeth ii")."""
    if a == b:
        return True
    if not a or not b:
        return False
    words_a, words_b = a.split(), b.split()
    short, long_ = (words_a, words_b) if len(words_a) <= len(words_b) else (words_b, words_a)
    if len(short) < len(long_) and len(" ".join(short)) >= 3:
        if long_[-len(short):] == short and not any(w in _ALL_JOINERS for w in long_):
            return True
        if long_[:len(short)] == short:
            return True
    if len(short) == len(long_) == 1:
        x, y = sorted((a, b), key=len)
        if len(x) >= 4 and y.startswith(x) and len(y) - len(x) <= 2:
            return True
    from rapidfuzz.fuzz import ratio

    return min(len(a), len(b)) >= 5 and ratio(a, b) >= _settings()["entity_fuzzy_ratio"]


def entity_families(keys: Iterable[str]) -> dict[str, str]:
    """Map every entity key to a family key: the longest, then most frequent, variant it matches.

    "zuckerberg", "mark zuckerberg", "zuckerbergs" -> "mark zuckerberg". A short key that fits
    several different long ones ("trump" in "donald trump" and "ivanka trump") stays apart.
    """
    counts = Counter(k for k in keys if k)
    ordered = sorted(counts, key=lambda k: (-len(k.split()), -counts[k], k))
    family: dict[str, str] = {}
    for key in ordered:
        if key in family:
            continue
        candidates = {family[other] for other in family if same_entity(key, other)}
        family[key] = candidates.pop() if len(candidates) == 1 else key
    return family


def merge_entity_variants(claims: pd.DataFrame) -> pd.DataFrame:
    """The family-level pass: one row per entity key with its ``family_key``, mentions and articles."""
    columns = ["key", "family_key", "mentions", "texts", "article_ids"]
    if claims.empty or "entities" not in claims:
        return pd.DataFrame({c: pd.Series([], dtype="str" if c in ("key", "family_key") else "object") for c in columns})
    mentions: Counter = Counter()
    texts: dict[str, set] = defaultdict(set)
    article_ids: dict[str, set] = defaultdict(set)
    has_article = "article_id" in claims
    for row in claims.itertuples(index=False):
        for ent in row.entities or []:
            mentions[ent["key"]] += 1
            texts[ent["key"]].add(ent["text"])
            if has_article:
                article_ids[ent["key"]].add(row.article_id)
    family = entity_families(mentions.elements())
    rows = [{"key": k, "family_key": family[k], "mentions": mentions[k], "texts": sorted(texts[k]),
             "article_ids": sorted(article_ids[k], key=str)} for k in sorted(mentions)]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------- comparing anchors across versions

_VALUE_KEY = re.compile(r"^(num|ord|mult):([^:]+)((?::[^:]+)*)$")


def anchors_match(a: str, b: str) -> bool:
    """Do two anchor keys stand for the same thing across versions and languages?

    Exact keys; an entity and its variant (:func:`same_entity`); a number and the same value
    whose unit or currency one version left out ("num:6:in" / "num:6"); a cardinal and the
    ordinal of the same value ("one in six" / "jeder Sechste"); a bare year number and the year
    date ("the 1976 election" / "im Jahr 1976").
    """
    if a == b:
        return True
    kind_a, _, rest_a = a.partition(":")
    kind_b, _, rest_b = b.partition(":")
    if kind_a == kind_b == "ent":
        return same_entity(rest_a, rest_b)
    if {kind_a, kind_b} == {"num", "date"}:
        number, date = (rest_a, rest_b) if kind_a == "num" else (rest_b, rest_a)
        return bool(re.fullmatch(r"1[89]\d\d|20\d\d", number)) and date == number
    ma, mb = _VALUE_KEY.match(a), _VALUE_KEY.match(b)
    if not (ma and mb) or ma.group(2) != mb.group(2):
        return False
    if "mult" in (kind_a, kind_b) and kind_a != kind_b:
        return False
    extras_a = set(filter(None, ma.group(3).split(":")))
    extras_b = set(filter(None, mb.group(3).split(":")))
    return extras_a <= extras_b or extras_b <= extras_a


def anchor_differences(a: Iterable[str], b: Iterable[str], a_text: str = "", b_text: str = "",
                       a_language: str | None = None, b_language: str | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """Anchors of ``a`` with no counterpart in ``b``, and of ``b`` with none in ``a``.

    With the texts given, an entity key also counts as present when its distinctive words (with
    the languages given; else all its words) occur in the other text: a name the other version
    writes in lower case, inflects ("Singapurs") or wraps in translated words ("US Corps of
    Engineers" / "US-amerikanische Ingenieurskorps").
    """
    a, b = frozenset(a), frozenset(b)
    b_words = _folded_words(b_text) if b_text else frozenset()
    a_words = _folded_words(a_text) if a_text else frozenset()
    missing = frozenset(x for x in a if not _present(x, b, b_words, a_language))
    extra = frozenset(y for y in b if not _present(y, a, a_words, b_language))
    return missing, extra


def _present(key: str, others: frozenset[str], words: frozenset[str], language: str | None) -> bool:
    if key in others or any(anchors_match(key, other) for other in others):
        return True
    if not (key.startswith("ent:") and words):
        return False
    parts = key[4:].split()
    if language in LANGUAGES:
        parts = [p for p in parts if _distinctive_word(p, language)] or parts
    return all(_word_present(part, words) for part in parts)


def _word_present(word: str, words: frozenset[str]) -> bool:
    """Is ``word`` among ``words``, or shares a long prefix with one ("texas" / "texanischen",
    "singapore" / "singapurs")?"""
    if word in words:
        return True
    if len(word) < 4:
        return False
    for other in words:
        shorter = min(len(word), len(other))
        if shorter >= 4 and other[:4] == word[:4]:
            common = len(os.path.commonprefix((word, other)))
            if common >= max(4, 0.75 * shorter):
                return True
    return False


def _folded_words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(_fold(text)))

