"""Strip non-article text from each version, recording every removed span and why.

Boilerplate is found line by line with the patterns of ``spin/data/<lang>/boilerplate.txt``.
The patterns of all three languages are applied to every text, because this step runs before
language identification. A line is removed whole or not at all, so a removed line never takes
article prose with it; a pattern matches the *entire* line (after leading bullets, markdown
markers and a trailing colon are stripped), never a phrase inside a sentence.

Each pattern has a reason (see :data:`REASONS`) and a scope:

- ``line``: the line is removed wherever it is;
- ``block``: the line heads a list (related articles, a comment form): it is removed with the
  short list lines that follow it, but only when such lines follow or nothing does;
- ``tail``: the line is removed only at the end of the text, after the last prose line
  (a promotional teaser ending in "Learn more").

Repeated titles (a later line equal to the title or to the first line) are removed too, and
so are short stray lines (a lone category label) left between the last prose line and
boilerplate below it. Lines that credit a source ("Source link", "Quelle: dpa", "via …",
"Originally published at …") are removed from the text with reason ``source_credit``: they
are provenance evidence, not prose.

Offsets: :class:`RemovedSpan` ``start``/``end`` (and the ``start``/``end`` columns of the
boilerplate table) index the *input* ``raw_text``, because the removed text exists only there;
every later table indexes the cleaned ``text``. The cleaned text keeps the kept lines in order,
one blank line where the input had blank lines or removed lines between paragraphs, with
surrounding whitespace trimmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from spin.resources import SUPPORTED_LANGUAGES, word_table
from spin.settings import default_settings

REASONS = (
    "repeated_title", "page_chrome", "comment_prompt", "related_articles", "keywords",
    "newsletter", "promo", "cookie_notice", "subscription", "source_credit",
)
SCOPES = ("line", "block", "tail")
BOILERPLATE_COLUMNS = ("article_id", "start", "end", "text", "reason")

_LEADING_MARKERS = re.compile(
    r"^(?:[\s>•·▪►‣◦→⇒➜➤✓✔☞|\-–—]+|#{1,6}(?=\s)|\*(?=\s)|\d{1,3}[.)](?=\s)"
    r"|[\U0001F000-\U0001FAFF\u2190-\u21FF\u2600-\u27BF\uFE0F])+"
)
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(.+?)\1")
_TRAILING = re.compile(r"[\s:|]+$")
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”“’»)\]]*$")
_BULLET = re.compile(r"^\s*(?:[-–—•*·▪►‣◦✓✔➤→]|\d{1,3}[.)])\s+")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass(frozen=True)
class RemovedSpan:
    """A removed piece of the input: ``start``/``end`` index the raw text (not the cleaned text)."""

    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class CleanedText:
    """The cleaned article text and the spans removed from the raw text to get it."""

    text: str
    removed: tuple[RemovedSpan, ...] = ()


@dataclass(frozen=True)
class _Line:
    start: int  # offset of the first non-blank character in the raw text
    end: int
    text: str  # the line without surrounding whitespace ("" for a blank line)
    key: str  # the normalised form the patterns are matched against


@dataclass(frozen=True)
class _PatternSet:
    regex: re.Pattern
    reasons: dict[str, str]  # group name -> reason

    def reason(self, key: str) -> str | None:
        match = self.regex.fullmatch(key)
        return self.reasons[match.lastgroup] if match else None


@lru_cache(maxsize=1)
def _pattern_sets() -> dict[str, _PatternSet]:
    """One combined case-insensitive regex per scope, over the patterns of every language."""
    grouped: dict[str, list[tuple[str, str]]] = {scope: [] for scope in SCOPES}
    for language in SUPPORTED_LANGUAGES:
        for row in word_table(language, "boilerplate"):
            pattern, reason, scope = row
            grouped[scope].append((pattern, reason))
    sets = {}
    for scope, entries in grouped.items():
        names = {f"p{index}": reason for index, (_, reason) in enumerate(entries)}
        alternation = "|".join(f"(?P<p{index}>{pattern})" for index, (pattern, _) in enumerate(entries))
        sets[scope] = _PatternSet(re.compile(alternation or r"(?!)", re.IGNORECASE), names)
    return sets


def _settings():
    return default_settings()["boilerplate"]


def clean_text(raw_text: str, title: str | None = None) -> CleanedText:
    """Remove boilerplate lines from ``raw_text``; ``title`` (if known) finds repeated titles.

    The removed spans index ``raw_text``. Empty or whitespace-only input gives empty text.
    """
    if not isinstance(raw_text, str) or not raw_text.strip():
        return CleanedText("", ())
    settings = _settings()
    lines = _lines(raw_text, settings["max_line_chars"])
    reasons: list[str | None] = [None] * len(lines)
    _mark_patterns(lines, reasons, settings)
    _mark_repeated_titles(lines, reasons, title, settings["title_max_words"])
    _mark_tail(lines, reasons, settings["stray_line_max_words"])
    removed = tuple(
        RemovedSpan(line.start, line.end, line.text, reason)
        for line, reason in zip(lines, reasons)
        if reason is not None
    )
    return CleanedText(_assemble(lines, reasons), removed)


def strip_boilerplate(articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean every article's text; return (new articles table, boilerplate table).

    The input text is ``raw_text`` (``text`` where ``raw_text`` is missing or empty); the new
    table's ``text`` is the cleaned text and ``raw_text`` is kept. The boilerplate table has one
    row per removed line: article_id, start, end (offsets into raw_text), text, reason.
    """
    cleaned_texts: list[str] = []
    raw_texts: list[str] = []
    rows: list[tuple] = []
    for record in articles.to_dict("records"):
        raw = _text_cell(record.get("raw_text")) or _text_cell(record.get("text"))
        cleaned = clean_text(raw, _text_cell(record.get("title")) or None)
        raw_texts.append(raw)
        cleaned_texts.append(cleaned.text)
        rows.extend((record.get("article_id"), span.start, span.end, span.text, span.reason) for span in cleaned.removed)
    result = articles.copy()
    result["raw_text"] = pd.Series(raw_texts, index=articles.index, dtype="str")
    result["text"] = pd.Series(cleaned_texts, index=articles.index, dtype="str")
    table = pd.DataFrame(rows, columns=list(BOILERPLATE_COLUMNS))
    return result, table.astype({"start": "int64", "end": "int64", "text": "str", "reason": "str"})


def _text_cell(value) -> str:
    return value if isinstance(value, str) else ""


def _lines(raw_text: str, max_line_chars: int) -> list[_Line]:
    lines = []
    position = 0
    for piece in raw_text.split("\n"):
        stripped = piece.strip().strip(_INVISIBLE).strip()
        start = position + piece.index(stripped) if stripped else position
        key = _normalise(stripped) if stripped and len(stripped) <= max_line_chars else ""
        lines.append(_Line(start, start + len(stripped), stripped, key))
        position += len(piece) + 1
    return lines


def _normalise(line: str) -> str:
    """The form patterns are matched against: links reduced to their text, markers stripped."""
    key = _MARKDOWN_LINK.sub(r"\1", line)
    key = _URL.sub("link", key)
    key = _LEADING_MARKERS.sub("", key)
    emphasis = _EMPHASIS.fullmatch(key)
    if emphasis:
        key = emphasis.group(2)
    return _TRAILING.sub("", key).strip()


def _title_key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _mark_repeated_titles(lines: list[_Line], reasons: list[str | None], title: str | None, max_words: int) -> None:
    """Every occurrence of the title (or of the first article line) after its first one."""
    first = next((line.text for line, reason in zip(lines, reasons) if line.text and reason is None), "")
    keys = {_title_key(candidate) for candidate in (title or "", first) if 0 < _word_count(candidate) <= max_words}
    seen: set[str] = set()
    for index, line in enumerate(lines):
        if not line.text or reasons[index] is not None or _word_count(line.text) > max_words:
            continue
        key = _title_key(line.text)
        if key in keys:
            if key in seen:
                reasons[index] = "repeated_title"
            seen.add(key)


def _mark_patterns(lines: list[_Line], reasons: list[str | None], settings) -> None:
    sets = _pattern_sets()
    index = 0
    while index < len(lines):
        line = lines[index]
        if reasons[index] is not None or not line.key:
            index += 1
            continue
        head_reason = sets["block"].reason(line.key)
        if head_reason is not None:
            members = _block_members(lines, reasons, index, settings)
            if members is not None:
                reasons[index] = head_reason
                for member, reason in members:
                    reasons[member] = reason
                index = members[-1][0] + 1 if members else index + 1
                continue
        reasons[index] = sets["line"].reason(line.key)
        index += 1


def _block_members(lines: list[_Line], reasons: list[str | None], head: int, settings) -> list[tuple[int, str]] | None:
    """The lines a block head takes with it, or None when prose follows the head directly."""
    sets = _pattern_sets()
    members: list[tuple[int, str]] = []
    head_reason = sets["block"].reason(lines[head].key)
    index = head + 1
    while index < len(lines):
        line = lines[index]
        if not line.text or reasons[index] is not None:
            index += 1
            continue
        own_reason = _own_reason(line)
        if own_reason is not None:
            members.append((index, own_reason))
        elif _is_list_entry(line.text, settings) and not _prose_follows(lines, index, settings):
            members.append((index, head_reason))
        else:
            break
        index += 1
    if not members and index < len(lines):
        return None
    return members


def _own_reason(line: _Line) -> str | None:
    """The reason a line's own line or block pattern gives it, if any."""
    if not line.key:
        return None
    sets = _pattern_sets()
    return sets["line"].reason(line.key) or sets["block"].reason(line.key)


def _is_list_entry(text: str, settings) -> bool:
    """A short line that reads like a linked title or a form field, not like a sentence."""
    words = _word_count(text)
    if _BULLET.match(text):
        return words <= settings["list_entry_max_words"] + 10
    return words <= settings["list_entry_max_words"] and not _SENTENCE_END.search(text)


def _is_prose(text: str, settings) -> bool:
    words = _word_count(text)
    return words > settings["list_entry_max_words"] or (words >= 6 and bool(_SENTENCE_END.search(text)))


def _prose_follows(lines: list[_Line], index: int, settings) -> bool:
    """True when the next non-blank line after ``index`` is prose (so ``index`` is its heading)."""
    for line in lines[index + 1:]:
        if line.text:
            return _is_prose(line.text, settings) and _own_reason(line) is None
    return False


def _mark_tail(lines: list[_Line], reasons: list[str | None], stray_max_words: int) -> None:
    """Tail-only patterns and stray short lines between the last prose line and boilerplate."""
    tail = _pattern_sets()["tail"]
    below_removed = False
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.text:
            continue
        if reasons[index] is not None:
            below_removed = True
            continue
        reason = tail.reason(line.key) if line.key else None
        if reason is None and below_removed and _is_stray(line.text, stray_max_words):
            reason = "page_chrome"
        if reason is None:
            return
        reasons[index] = reason
        below_removed = True


def _is_stray(text: str, max_words: int) -> bool:
    return 0 < _word_count(text) <= max_words and not re.search(r"[.!?…:;,]$", text)


def _assemble(lines: list[_Line], reasons: list[str | None]) -> str:
    """Kept lines in order; a blank line where blank or removed lines separated paragraphs."""
    parts: list[str] = []
    gap = False
    for line, reason in zip(lines, reasons):
        if reason is not None:
            continue
        if not line.text:
            gap = True
            continue
        if parts:
            parts.append("\n\n" if gap else "\n")
        parts.append(line.text)
        gap = False
    return "".join(parts)
