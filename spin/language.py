"""Language id (per article and per sentence), sentence splitting, tokens and lemmas.

Language codes: ``en``/``de``/``fr`` (:data:`SUPPORTED`), ``unsupported:xx`` (ISO 639-1) for
another detected language, ``unknown`` when a text is too short or has no letters. lingua is
loaded with a fixed set of languages (:data:`DETECTED_LANGUAGES`) so that Spanish, Italian,
Portuguese, Dutch … are named as such instead of falling to the nearest supported language; a
detected en/de/fr must also show that language's distinctive function words
(``spin/data/<lang>/function_words.txt``).

The sentence splitter is rule-based, driven by ``spin/data/<lang>/abbreviations.txt`` and
``sentence_starters.txt`` plus CLDR month names: a full stop ends a sentence unless it closes a
known abbreviation, an initial, a dotted acronym or (in German) an ordinal number, in which
case it ends one only when a common sentence opener follows. Lines are the first split:
headings and list items never run into the next paragraph. Offsets index the given text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import pandas as pd

from spin.resources import word_list, word_table
from spin.settings import default_settings

SUPPORTED = ("en", "de", "fr")
UNKNOWN = "unknown"
SENTENCE_KINDS = ("headline", "heading", "list_item", "body")
SENTENCE_COLUMNS = ("article_id", "sent_id", "start", "end", "text", "kind", "language")
# lingua's languages for whole articles: the supported three, their Latin-script neighbours
# and the major other scripts. Texts over 120 characters use only trigram models, so this set
# stays small in memory (about 35 MB of models for Latin-script articles).
DETECTED_LANGUAGES = (
    "ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "CATALAN",
    "ROMANIAN", "POLISH", "SWEDISH", "DANISH", "TURKISH", "RUSSIAN", "UKRAINIAN", "GREEK",
    "ARABIC", "HEBREW", "CHINESE", "JAPANESE", "KOREAN",
)
# Short spans load every n-gram model of every candidate language (about 25 MB each), so short
# Latin-script texts (sentences) are checked against the supported three and four neighbours.
SENTENCE_LANGUAGES = ("ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH")
_LINGUA_SHORT_TEXT = 120  # letters; lingua uses trigrams only from here on
_LANGUAGE_NAMES = {
    "english": "en", "englisch": "en", "anglais": "en",
    "german": "de", "deutsch": "de", "allemand": "de",
    "french": "fr", "französisch": "fr", "français": "fr", "francais": "fr",
}


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text: character offsets into that text, and its kind."""

    start: int
    end: int
    text: str
    kind: str = "body"  # headline / heading / list_item / body


# ---------------------------------------------------------------- tokens and lemmas

_TOKEN = re.compile(
    r"(?<!\w)(?i:jusqu|lorsqu|puisqu|quoiqu|presqu|qu|[cdjlmnst])['’](?=[^\W\d_])"  # French elision
    r"|(?:[^\W\d_]\.){2,}"  # dotted acronyms: U.S., z.B., e.g.
    r"|\d+(?:[.,]\d+)*(?![^\W_])"  # numbers: 1.5, 60,000, 1.000.000
    r"|[^\W_](?:\w|[-'’](?=[^\W_]))*"  # words, with inner hyphens and apostrophes
)
_LETTER = re.compile(r"[^\W\d_]")


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Word and number tokens as (start, end, text); French elisions (l', qu') are tokens of their own."""
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def words(text: str) -> list[str]:
    """The texts of :func:`tokenize`'s tokens, without offsets (faster when offsets are not needed)."""
    return _TOKEN.findall(text)


@lru_cache(maxsize=200_000)
def lemmatize(word: str, language: str) -> str:
    """The simplemma lemma of ``word`` (the word itself for an unsupported language)."""
    if language not in SUPPORTED:
        return word
    import simplemma

    return simplemma.lemmatize(word, lang=language)


# ---------------------------------------------------------------- language id

def _settings() -> Mapping:
    return default_settings()["language"]


@lru_cache(maxsize=2)
def _detector(names: tuple[str, ...] = DETECTED_LANGUAGES):
    """A lingua detector over the named languages, built once per set (models load lazily)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in names)).build()


@lru_cache(maxsize=None)
def _markers(language: str) -> frozenset[str]:
    return word_list(language, "function_words")


def _marker_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def _best(text: str) -> tuple[str, float]:
    """lingua's best guess for ``text`` as a spin code, with its confidence (unknown, 0 if none).

    Below 120 letters lingua reads every n-gram size, so short Latin-script texts are
    checked against the smaller :data:`SENTENCE_LANGUAGES` set only.
    """
    letters = _LETTER.findall(text)
    latin = sum(letter < "\u0250" for letter in letters)
    short_latin = len(letters) < _LINGUA_SHORT_TEXT and 2 * latin >= len(letters)
    values = _detector(SENTENCE_LANGUAGES if short_latin else DETECTED_LANGUAGES).compute_language_confidence_values(text)
    if not values or values[0].value <= 0:
        return UNKNOWN, 0.0
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    return (code if code in SUPPORTED else f"unsupported:{code}"), best.value


def _windows(text: str, limit: int) -> list[str]:
    """The text, or three windows of it (start, middle, end) cut at spaces."""
    if len(text) <= limit:
        return [text]
    width = limit // 3
    windows = []
    for start in (0, (len(text) - width) // 2, len(text) - width):
        window = text[start:start + width]
        if start:
            window = window.partition(" ")[2] or window
        windows.append(window.rpartition(" ")[0] or window)
    return windows


def detect_language(text: str) -> str:
    """Article language: en/de/fr, ``unsupported:xx``, or ``unknown`` (too short, no letters, unsure).

    A long text is read in three windows (start, middle, end); the language of two or more wins.
    """
    if not isinstance(text, str):
        return UNKNOWN
    settings = _settings()
    windows = _windows(text, settings["detection_sample_chars"])
    sample = "\n".join(windows)
    if len(_LETTER.findall(sample)) < settings["min_letters"]:
        return UNKNOWN
    votes = [_best(window) for window in windows]
    codes = [code for code, _ in votes]
    code, confidence = max(votes, key=lambda vote: (codes.count(vote[0]), vote[1]))
    if confidence < settings["min_article_confidence"]:
        return UNKNOWN
    if code in SUPPORTED and not _has_markers(sample, code, settings):
        return UNKNOWN
    return code


def _has_markers(text: str, language: str, settings) -> bool:
    """False when a long text has too few of the language's distinctive function words."""
    tokens = _marker_tokens(text)
    if len(tokens) < settings["marker_check_min_words"]:
        return True
    return _count_in(tokens, _markers(language)) / len(tokens) >= settings["min_marker_share"]


def _count_in(tokens: list[str], vocabulary: frozenset[str]) -> int:
    return sum(1 for token in tokens if token in vocabulary)


def detect_sentence_language(text: str) -> str:
    """Language of a short span (same codes as :func:`detect_language`), without the article checks."""
    if not isinstance(text, str) or len(_LETTER.findall(text)) < _settings()["min_letters"]:
        return UNKNOWN
    code, confidence = _best(text)
    return code if confidence >= _settings()["min_article_confidence"] else UNKNOWN


def _sentence_language(text: str, article_language: str, settings) -> str:
    """The article's language unless the sentence is confidently another one.

    Plainly article-language sentences (by distinctive function words) skip lingua; another
    supported language needs lingua's confidence and its own function words to agree; an
    unsupported one needs lingua's confidence and none of the article language's function words.
    """
    tokens = _marker_tokens(text)
    if len(tokens) < settings["sentence_min_words"] or article_language == UNKNOWN:
        return article_language
    counts = {language: _count_in(tokens, _markers(language)) for language in SUPPORTED}
    own = counts.get(article_language, 0)
    others = max(count for language, count in counts.items() if language != article_language)
    if own >= settings["sentence_min_markers"] and own >= 2 * others:
        return article_language
    code, confidence = _best(text)
    if code in (UNKNOWN, article_language) or confidence < settings["sentence_min_confidence"]:
        return article_language
    if code in SUPPORTED and not (counts[code] >= settings["sentence_min_markers"] and counts[code] > own):
        return article_language  # lingua and the function words must agree on a supported language
    if code not in SUPPORTED and own:
        return article_language  # a sentence with the article language's function words is not foreign
    return code


def normalise_language(value) -> str:
    """A language cell as spin's code: en/de/fr, ``unsupported:xx``, or "" when not given."""
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip().lower()
    value = _LANGUAGE_NAMES.get(value, value)
    base = value.replace("_", "-").split("-")[0]
    if base in SUPPORTED:
        return base
    if value.startswith("unsupported:") or value == UNKNOWN:
        return value
    return f"unsupported:{base}"


def detect_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """A new articles table with ``language`` normalised, and detected from ``text`` where empty."""
    result = articles.copy()
    given = result["language"] if "language" in result.columns else pd.Series("", index=result.index)
    texts = result["text"] if "text" in result.columns else pd.Series("", index=result.index)
    languages = []
    for value, text in zip(given, texts):
        code = normalise_language(value)
        languages.append(code or detect_language(text if isinstance(text, str) else ""))
    result["language"] = pd.Series(languages, index=result.index, dtype="str")
    return result


# ---------------------------------------------------------------- sentence splitting

@dataclass(frozen=True)
class _Rules:
    abbreviations: Mapping[str, str]  # "z.B." -> prefix / number / ambiguous
    starters: frozenset[str]
    months: frozenset[str]
    ordinals: bool  # "3." before a noun is an ordinal (German), not a sentence end


@lru_cache(maxsize=None)
def _rules(language: str) -> _Rules:
    languages = (language,) if language in SUPPORTED else SUPPORTED
    abbreviations: dict[str, str] = {}
    for code in languages:
        for entry, kind in word_table(code, "abbreviations"):
            compact = re.sub(r"\s+", "", entry)
            abbreviations.setdefault(compact, kind)
            if compact[:1].islower():
                abbreviations.setdefault(compact[:1].upper() + compact[1:], kind)
    starters = frozenset().union(*(word_list(code, "sentence_starters") for code in languages))
    return _Rules(abbreviations, starters, _month_names(languages), "de" in languages)


@lru_cache(maxsize=None)
def _month_names(languages: tuple[str, ...]) -> frozenset[str]:
    """Month names and abbreviations (without their full stop) from CLDR, lowercased."""
    from babel.dates import get_month_names

    names = set()
    for code in languages:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                names.update(name.lower().rstrip(".") for name in get_month_names(width, context, code).values())
    return frozenset(names)


_CANDIDATE = re.compile(r"(?P<term>\.{2,}|…|[.!?]+)(?P<close>(?:[ \u00a0\u202f]?»|[”“«\"'’)\]])*)(?=\s+\S)")
_LIST_MARKER = re.compile(r"(?:[-–—•*·▪►‣◦✓✔➤→]|\d{1,3}[.)]|[a-z]\))\s+")
_HEADING_MARKER = re.compile(r"#{1,6}\s+")
_QUOTE_MARKER = re.compile(r">\s*")
_LINE_END = re.compile(r"[.!?…:;,][\"'”“’»)\]\s]*$")
_FINAL_PUNCT = re.compile(r"[.!?…:;][\"'”“’»)\]\s]*$")
_OPENERS = "\"'„“‚‘«([{¿¡"
_DOTTED = re.compile(r"(?:[^\W\d_]{1,2}\.-?)+[^\W\d_]{1,2}")
_WORD_START = re.compile(r"[^\W\d_]+")
_ALNUM = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class _Block:
    start: int
    end: int
    marker: str  # "list", "heading", "" (plain)


def split_sentences(text: str, language: str, title: str | None = None) -> list[Sentence]:
    """Sentences of ``text`` with offsets and kinds (headline/heading/list_item/body).

    ``title`` (when known) marks a first line equal to it as the headline even when it ends
    with a full stop. Sentences longer than ``language.max_sentence_chars`` are cut.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    settings = _settings()
    rules = _rules(language)
    blocks = _blocks(text, rules)
    sentences: list[Sentence] = []
    for number, block in enumerate(blocks):
        spans = _segments(text, block.start, block.end, rules)
        kind = _block_kind(text, block, spans, number, len(blocks), title, settings)
        for start, end in spans:
            for piece_start, piece_end in _cut(text, start, end, settings["max_sentence_chars"]):
                sentences.append(Sentence(piece_start, piece_end, text[piece_start:piece_end], kind))
    return sentences


def _blocks(text: str, rules: _Rules) -> list[_Block]:
    """Non-blank lines (wrapped lines joined) with list and heading markers stripped."""
    lines = []
    position = 0
    for piece in text.split("\n"):
        stripped = piece.strip()
        if stripped:
            start = position + piece.index(stripped)
            lines.append((start, start + len(stripped)))
        else:
            lines.append(None)
        position += len(piece) + 1
    blocks: list[_Block] = []
    previous = None
    for line in lines:
        if line is None:
            previous = None
            continue
        start, end = line
        marker = ""
        list_match = _LIST_MARKER.match(text, start, end)
        if list_match and not _is_date_start(text, list_match, end, rules):
            marker, start = "list", list_match.end()
        elif heading := _HEADING_MARKER.match(text, start, end):
            marker, start = "heading", heading.end()
        elif quote := _QUOTE_MARKER.match(text, start, end):
            start = quote.end()
        if start >= end:
            previous = None
            continue
        if previous is not None and not marker and previous.marker != "heading" and _continues(text, previous, start):
            blocks[-1] = _Block(previous.start, end, previous.marker)
        else:
            blocks.append(_Block(start, end, marker))
        previous = blocks[-1]
    return blocks


def _is_date_start(text: str, marker: re.Match, end: int, rules: _Rules) -> bool:
    """A line starting "3. Januar" is a date, not a numbered list item."""
    if not marker.group(0)[0].isdigit():
        return False
    word = _WORD_START.match(text, marker.end(), end)
    return bool(word) and word.group(0).lower() in rules.months


def _continues(text: str, previous: _Block, start: int) -> bool:
    """A hard-wrapped line: the previous line has no final punctuation and this one starts lowercase."""
    return text[start].islower() and not _LINE_END.search(text, previous.start, previous.end)


def _segments(text: str, start: int, end: int, rules: _Rules) -> list[tuple[int, int]]:
    spans = []
    current = start
    for match in _CANDIDATE.finditer(text, start, end):
        if match.end() <= current:
            continue
        next_position = _skip_space(text, match.end(), end)
        if next_position < end and _is_boundary(text, match, next_position, end, rules):
            spans.append((current, match.end()))
            current = next_position
    if current < end:
        spans.append((current, _rstrip(text, current, end)))
    merged: list[tuple[int, int]] = []
    for span_start, span_end in spans:
        if merged and not _ALNUM.search(text, span_start, span_end):
            merged[-1] = (merged[-1][0], span_end)  # a stray closing quote joins its sentence
        elif span_end > span_start:
            merged.append((span_start, span_end))
    return merged


def _skip_space(text: str, position: int, end: int) -> int:
    while position < end and text[position].isspace():
        position += 1
    return position


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _is_boundary(text: str, match: re.Match, next_position: int, end: int, rules: _Rules) -> bool:
    """Whether the terminator ``match`` ends a sentence, given the text that follows it."""
    following = text[next_position]
    if following.islower() or following in ",;:)]}":
        return False
    term = match.group("term")
    if term != ".":
        return not (term in ("...", "…") and match.start() > 0 and text[match.start() - 1] in "[(")
    if match.group("close"):
        return True
    token = _token_before(text, match.start())
    next_word = _next_word(text, next_position, end)
    opens_sentence = next_word in rules.starters or (next_word == "" and following in _OPENERS)
    kind = _abbreviation_kind(text, match.start(), token, rules)
    if kind == "prefix":
        return False
    if kind == "number":
        return not following.isdigit()
    if kind == "ambiguous" or len(token) == 1 and token.isalpha() or _DOTTED.fullmatch(token):
        return not following.isdigit() and opens_sentence
    if token.isdigit():
        if next_word in rules.months:
            return False
        if rules.ordinals and len(token) <= 3:
            return opens_sentence
    return True


def _token_before(text: str, period: int) -> str:
    start = period
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    token = text[start:period].lstrip(_OPENERS)
    return re.split(r"['’]", token)[-1]  # "l'art" -> "art"


def _next_word(text: str, position: int, end: int) -> str:
    while position < end and text[position] in _OPENERS:
        position += 1
    word = _WORD_START.match(text, position, end)
    return word.group(0).lower() if word else ""


def _abbreviation_kind(text: str, period: int, token: str, rules: _Rules) -> str | None:
    """The kind of the abbreviation ending at ``period`` ("z. B." joined as "z.B."), if any."""
    candidates = [token + "."]
    start = period - len(token)
    joined = token + "."
    while start >= 2 and text[start - 1] == " ":
        previous_end = start - 1
        previous_start = previous_end
        while previous_start > 0 and not text[previous_start - 1].isspace():
            previous_start -= 1
        previous = text[previous_start:previous_end].lstrip(_OPENERS)
        if not (previous.endswith(".") and 2 <= len(previous) <= 4 and previous[:-1].replace(".", "").isalpha()):
            break
        joined = previous + joined
        candidates.append(joined)
        start = previous_start
    for candidate in reversed(candidates):
        kind = rules.abbreviations.get(candidate)
        if kind:
            return kind
    return None


def _block_kind(text: str, block: _Block, spans, number: int, count: int, title: str | None, settings) -> str:
    if block.marker == "list":
        return "list_item"
    if block.marker == "heading":
        return "heading"
    if len(spans) != 1:
        return "body"
    word_count = len(words(text[block.start:block.end]))
    unpunctuated = not _FINAL_PUNCT.search(text, block.start, block.end)
    if number == 0 and count > 1 and word_count <= settings["headline_max_words"]:
        if unpunctuated or text[block.end - 1] in "?!" or _same_title(text[block.start:block.end], title):
            return "headline"
    if unpunctuated and word_count <= settings["heading_max_words"] and number < count - 1:
        return "heading"
    return "body"


def _same_title(line: str, title: str | None) -> bool:
    if not title:
        return False
    return words(line.lower()) == words(title.lower())


def _cut(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """``[start, end)`` in pieces of at most ``limit`` characters, cut at whitespace when possible."""
    pieces = []
    while end - start > limit:
        cut = text.rfind(" ", start + 1, start + limit + 1)
        cut = cut if cut > start else start + limit
        pieces.append((start, _rstrip(text, start, cut)))
        start = _skip_space(text, cut, end)
    pieces.append((start, end))
    return pieces


def sentences_table(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence: article_id, sent_id (0-based), start, end, text, kind, language.

    The language of a sentence is the article's, unless the sentence is confidently another
    language (an untranslated English sentence inside a French article).
    """
    settings = _settings()
    rows = []
    for record in articles.to_dict("records"):
        text = record.get("text") if isinstance(record.get("text"), str) else ""
        language = normalise_language(record.get("language")) or detect_language(text)
        title = record.get("title") if isinstance(record.get("title"), str) else None
        for sent_id, sentence in enumerate(split_sentences(text, language, title)):
            rows.append((
                record.get("article_id"), sent_id, sentence.start, sentence.end, sentence.text, sentence.kind,
                _sentence_language(sentence.text, language, settings),
            ))
    table = pd.DataFrame(rows, columns=list(SENTENCE_COLUMNS))
    return table.astype({"sent_id": "int64", "start": "int64", "end": "int64", "text": "str", "kind": "str", "language": "str"})
