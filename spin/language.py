"""Language id, sentence splitting, tokens and lemmas (placeholder: the text-layer issue replaces the internals)."""

from __future__ import annotations

import re
from dataclasses import dataclass

SUPPORTED = ("en", "de", "fr")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a text: character offsets into that text, and its kind."""

    start: int
    end: int
    text: str
    kind: str = "body"  # headline / heading / list_item / body


_SENTENCE_END = re.compile(r"[^.!?\n]+(?:[.!?]+[\"»“”’)]*|\n|$)")
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


def split_sentences(text: str, language: str) -> list[Sentence]:
    """Split text into sentences with offsets (naive placeholder)."""
    sentences = []
    for match in _SENTENCE_END.finditer(text):
        chunk = match.group(0)
        stripped = chunk.strip()
        if not stripped:
            continue
        start = match.start() + (len(chunk) - len(chunk.lstrip()))
        sentences.append(Sentence(start, start + len(stripped), stripped))
    return sentences


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """Word tokens as (start, end, text)."""
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
