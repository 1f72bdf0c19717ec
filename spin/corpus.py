"""Load a story family: a folder of .txt/.md/.html files, a family.csv manifest, or a list of files.

The result is the ``articles`` table (one row per usable version) and the ``errors`` table
(one row per input that could not be used). Inputs are only ever read, never modified.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from spin.errors import InputError
from spin.settings import default_settings

MANIFEST_NAME = "family.csv"
MANIFEST_COLUMNS = ("article_id", "file", "language", "role", "title", "outlet", "url", "published")
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
ROLES = ("source", "repost")
ARTICLE_COLUMNS = (
    "article_id", "file", "title", "outlet", "url", "published", "language", "role",
    "text", "raw_text", "sha256", "encoding", "format",
)
ERROR_COLUMNS = ("file", "article_id", "problem")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Encodings charset-normalizer may choose between when a file is not UTF-8; anything else is refused.
_FALLBACK_ENCODINGS = ("utf_16_le", "utf_16_be", "cp1252", "latin_1", "iso8859_15")
_ALLOWED_CONTROL = frozenset("\t\n\r\f\v")


@dataclass(frozen=True)
class Family:
    """A loaded family: the articles table and the errors table."""

    articles: pd.DataFrame
    errors: pd.DataFrame


@dataclass(frozen=True)
class _Entry:
    path: Path
    display: str
    meta: Mapping[str, str]


def load_family(path: str | Path | Iterable[str | Path]) -> pd.DataFrame:
    """The articles table of a family (see :func:`read_family` for the errors too)."""
    return read_family(path).articles


def read_family(
    path: str | Path | Iterable[str | Path],
    max_file_bytes: int | None = None,
    max_articles: int | None = None,
) -> Family:
    """Read a folder, a family.csv manifest, or a list of files into articles and errors.

    One unusable file is reported in ``errors`` and the rest are read. A path that does not
    exist at all raises :class:`InputError`.
    """
    limits = default_settings()["corpus"]
    max_file_bytes = limits["max_file_bytes"] if max_file_bytes is None else max_file_bytes
    max_articles = limits["max_articles"] if max_articles is None else max_articles
    entries, errors = _entries(path)
    rows: list[dict] = []
    seen_ids: dict[str, str] = {}
    for entry in entries:
        article_id = entry.meta.get("article_id") or entry.path.stem
        try:
            if article_id in seen_ids:
                raise InputError(entry.display, f"duplicate article_id {article_id!r} (already used by {seen_ids[article_id]})")
            if len(rows) >= max_articles:
                raise InputError(entry.display, f"family has more than {max_articles} versions (limit corpus.max_articles)")
            row = _read_article(entry, article_id, max_file_bytes)
        except InputError as exc:
            errors.append({"file": exc.file, "article_id": article_id, "problem": exc.problem})
            continue
        seen_ids[article_id] = entry.display
        rows.append(row)
    articles = pd.DataFrame(rows, columns=list(ARTICLE_COLUMNS))
    return Family(articles=articles, errors=pd.DataFrame(errors, columns=list(ERROR_COLUMNS)))


def errors_frame(errors: Iterable[Mapping[str, str]]) -> pd.DataFrame:
    """An errors table from rows of file/article_id/problem."""
    return pd.DataFrame(list(errors), columns=list(ERROR_COLUMNS))


def _entries(path) -> tuple[list[_Entry], list[dict]]:
    if isinstance(path, (str, Path)):
        target = Path(path)
        if not target.exists():
            raise InputError(str(target), "no such file or folder")
        if target.is_dir():
            manifest = target / MANIFEST_NAME
            return _manifest_entries(manifest) if manifest.is_file() else _folder_entries(target)
        if target.name == MANIFEST_NAME or target.suffix.lower() == ".csv":
            return _manifest_entries(target)
        return [_Entry(target, str(target), {})], []
    files = [Path(p) for p in path]
    missing = [{"file": str(p), "article_id": p.stem, "problem": "no such file"} for p in files if not p.is_file()]
    return [_Entry(p, str(p), {}) for p in files if p.is_file()], missing


def _folder_entries(folder: Path) -> tuple[list[_Entry], list[dict]]:
    entries = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        if child.name.startswith(".") or not child.is_file() or child.name == MANIFEST_NAME:
            continue
        entries.append(_Entry(child, str(child), {}))
    return entries, []


def _manifest_entries(manifest: Path) -> tuple[list[_Entry], list[dict]]:
    folder = manifest.parent.resolve()
    raw = _read_bytes(manifest, display=str(manifest), max_file_bytes=default_settings()["corpus"]["max_file_bytes"])
    text = _decode(raw, str(manifest))[0]
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "file" not in reader.fieldnames:
        raise InputError(str(manifest), "manifest has no 'file' column")
    unknown = [name for name in reader.fieldnames if name not in MANIFEST_COLUMNS]
    if unknown:
        raise InputError(str(manifest), f"manifest has unknown columns: {', '.join(unknown)}")
    entries, errors = [], []
    for line_number, row in enumerate(reader, start=2):
        meta = {key: (value or "").strip() for key, value in row.items() if key is not None}
        where = f"{manifest}:{line_number}"
        name = meta.get("file", "")
        if not name:
            errors.append({"file": where, "article_id": meta.get("article_id", ""), "problem": "manifest row has no file"})
            continue
        candidate = (folder / name).resolve()
        if not candidate.is_relative_to(folder):
            errors.append({"file": where, "article_id": meta.get("article_id", ""), "problem": f"file {name!r} is outside the family folder"})
            continue
        if not candidate.is_file():
            errors.append({"file": where, "article_id": meta.get("article_id", ""), "problem": f"file {name!r} does not exist"})
            continue
        role = meta.get("role", "")
        if role and role not in ROLES:
            errors.append({"file": where, "article_id": meta.get("article_id", ""), "problem": f"role {role!r} is not one of {', '.join(ROLES)}"})
            continue
        entries.append(_Entry(candidate, str(manifest.parent / name), meta))
    return entries, errors


def _read_article(entry: _Entry, article_id: str, max_file_bytes: int) -> dict:
    suffix = entry.path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(entry.display, f"unsupported file type {suffix or '(none)'!r}; spin reads {', '.join(SUPPORTED_SUFFIXES)}")
    raw = _read_bytes(entry.path, entry.display, max_file_bytes)
    text, encoding = _decode(raw, entry.display)
    meta = dict(entry.meta)
    if suffix in HTML_SUFFIXES:
        text, html_meta = _extract_html(text, entry.display)
        for key, value in html_meta.items():
            if not meta.get(key):
                meta[key] = value
        file_format = "html"
    else:
        file_format = "markdown" if suffix == ".md" else "text"
    text = _normalise_newlines(text)
    if not text.strip():
        raise InputError(entry.display, "contains only whitespace" if text else "is empty")
    return {
        "article_id": article_id,
        "file": entry.display,
        "title": meta.get("title", ""),
        "outlet": meta.get("outlet", ""),
        "url": meta.get("url", ""),
        "published": meta.get("published", ""),
        "language": meta.get("language", ""),
        "role": meta.get("role", "") or "repost",
        "text": text,
        "raw_text": text,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "encoding": encoding,
        "format": file_format,
    }


def _read_bytes(path: Path, display: str, max_file_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_file_bytes:
            raise InputError(display, f"file is {size:,} bytes, over the limit of {max_file_bytes:,} (corpus.max_file_bytes)")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(display, f"cannot be read ({exc.strerror or exc})") from None


def _decode(raw: bytes, display: str) -> tuple[str, str]:
    """Decode bytes: BOM, then strict UTF-8, then a restricted charset-normalizer guess."""
    if not raw:
        raise InputError(display, "is empty")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return _check_text(raw.decode(encoding), display), encoding.replace("-sig", "")
            except UnicodeDecodeError:
                raise InputError(display, f"starts with a {encoding} byte-order mark but is not valid {encoding}") from None
    try:
        return _check_text(raw.decode("utf-8"), display), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(_FALLBACK_ENCODINGS)).best()
    if best is None or best.chaos > 0.2:
        raise InputError(display, "is binary or in an unknown encoding (not UTF-8, UTF-16, Latin-1 or Windows-1252)")
    return _check_text(str(best), display), best.encoding


def _check_text(text: str, display: str) -> str:
    """Refuse decoded text that is really binary (NUL or many control characters)."""
    if "\x00" in text:
        raise InputError(display, "is binary (contains NUL bytes)")
    sample = text[:100_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in _ALLOWED_CONTROL)
    if sample and controls / len(sample) > 0.01:
        raise InputError(display, "is binary (too many control characters)")
    return "".join(ch for ch in text if ord(ch) >= 32 or ch in _ALLOWED_CONTROL) if controls else text


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _extract_html(html: str, display: str) -> tuple[str, dict[str, str]]:
    """Article text and metadata (title, date, url) of an HTML page, via trafilatura."""
    import trafilatura

    try:
        document = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
        )
    except Exception as exc:  # trafilatura raises many lxml/parser errors on broken pages
        raise InputError(display, f"HTML could not be parsed ({type(exc).__name__})") from None
    text = getattr(document, "text", None) or ""
    if not text.strip():
        raise InputError(display, "HTML page has no article text")
    meta = {
        "title": (getattr(document, "title", None) or "").strip(),
        "published": (getattr(document, "date", None) or "").strip(),
        "url": (getattr(document, "url", None) or "").strip(),
        "outlet": (getattr(document, "sitename", None) or "").strip(),
    }
    return text, {key: value for key, value in meta.items() if value}
