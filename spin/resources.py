"""Word lists and pattern files shipped under ``spin/data/<lang>/``.

Each file starts with ``#`` header lines that must name ``what:``, ``source:``,
``licence:`` and ``built:``; every other non-blank line is one entry. Entries may
carry tab-separated fields (for example a weight or a kind).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from spin.errors import MissingResource

SUPPORTED_LANGUAGES = ("en", "de", "fr")
REQUIRED_HEADER_KEYS = ("what", "source", "licence", "built")


def _data_file(language: str, name: str):
    return resources.files("spin").joinpath("data", language, f"{name}.txt")


@lru_cache(maxsize=None)
def read_data_file(language: str, name: str) -> tuple[dict[str, str], tuple[tuple[str, ...], ...]]:
    """Return (header, rows) of ``spin/data/<language>/<name>.txt``; rows are tab-split."""
    path = _data_file(language, name)
    if not path.is_file():
        raise MissingResource(f"spin/data/{language}/{name}.txt is missing from the installation")
    header: dict[str, str] = {}
    rows: list[tuple[str, ...]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep:
                header.setdefault(key.strip().lower(), value.strip())
            continue
        if line.strip():
            rows.append(tuple(field.strip() for field in line.split("\t")))
    return header, tuple(rows)


@lru_cache(maxsize=None)
def word_list(language: str, name: str) -> frozenset[str]:
    """The first field of every entry of a data file, as a frozenset."""
    return frozenset(row[0] for row in read_data_file(language, name)[1])


@lru_cache(maxsize=None)
def word_table(language: str, name: str) -> tuple[tuple[str, ...], ...]:
    """Every entry of a data file with its tab-separated fields, in file order."""
    return read_data_file(language, name)[1]


def data_files() -> list[tuple[str, str]]:
    """Every (language, name) pair shipped under spin/data/."""
    root = resources.files("spin").joinpath("data")
    found = []
    for language_dir in sorted(root.iterdir(), key=lambda p: p.name):
        if language_dir.is_dir():
            for entry in sorted(language_dir.iterdir(), key=lambda p: p.name):
                if entry.name.endswith(".txt"):
                    found.append((language_dir.name, entry.name[: -len(".txt")]))
    return found
