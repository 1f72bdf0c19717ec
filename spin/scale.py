"""Story families in a large corpus, and the analysis of each family, on Dask.

The work of :mod:`spin.families` is split the way Dask likes it: every partition of the corpus
is read and fingerprinted where it lies (that is nearly all the cost: tokens, language id,
MinHash, anchors); only the fingerprints (about 2 KB per article, never the texts) come back to
the caller, where candidate pairs, checks and connected components run vectorised. Memory is
bounded by the partition size on the workers and by the fingerprints on the caller; no
all-pairs matrix is ever built.

Without a scheduler everything runs in-process, on a pool of local processes (one per core);
``scheduler`` may also name a local Dask scheduler ("threads", "synchronous"), or be the address
of a dask.distributed cluster (``"tcp://host:8786"``), whose workers must see the corpus path and
the output folder.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd

from spin import families as family_finder
from spin import __version__
from spin.errors import InputError, SpinError
from spin import pipeline

CORPUS_COLUMNS = ("article_id", "text", "language", "url", "published")
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")
STATUS_COLUMNS = ("family_id", "articles", "status", "problem")
PARTITIONS = 16  # a corpus is cut in about this many partitions, so every worker gets several …
PARTITION_BYTES = (4_000_000, 16_000_000)  # … of at least 4 MB and at most 16 MB each
CONNECT_TIMEOUT = "20s"  # how long to try reaching a dask.distributed scheduler


# --------------------------------------------------------------------------- reading


def read_corpus(path: str | Path, partition_size: int | None = None):
    """A lazy Dask DataFrame of a JSON-lines or Parquet corpus, columns CORPUS_COLUMNS.

    ``id`` becomes ``article_id``; ``text`` is required; ``language``, ``url`` and ``published``
    are kept when present. Partitions are about ``partition_size`` bytes (by default a sixteenth
    of the corpus, between 4 and 16 MB).
    Raises :class:`InputError` for a missing file, an unknown format or missing columns; a line
    that is not JSON is reported (with its byte offset) when the partition holding it is read.
    """
    import dask.dataframe as dd

    path = Path(path)
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    partition_size = partition_size or _partition_bytes(path)
    if _is_parquet(path):
        return _read_parquet(path, partition_size)
    if path.suffix.lower() not in JSON_SUFFIXES:
        raise InputError(str(path), f"unknown corpus format (expected {', '.join(JSON_SUFFIXES + PARQUET_SUFFIXES)})")
    _check_first_record(path)
    ranges = [(str(path), start, end) for start, end in _byte_ranges(path.stat().st_size, partition_size)]
    # from_map (not from_delayed): reading fuses with the work on each partition, so texts never
    # travel between processes, only what the partition's task returns
    return dd.from_map(_read_json_range, ranges, meta=_empty_corpus(), enforce_metadata=False)


def _partition_bytes(path: Path) -> int:
    size = sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size
    low, high = PARTITION_BYTES
    return int(min(max(size / PARTITIONS, low), high))


def _is_parquet(path: Path) -> bool:
    if path.is_dir():
        return any(p.suffix.lower() in PARQUET_SUFFIXES for p in path.iterdir())
    return path.suffix.lower() in PARQUET_SUFFIXES


def _empty_corpus() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="str") for column in CORPUS_COLUMNS})


def _byte_ranges(size: int, partition_size: int) -> list[tuple[int, int]]:
    step = max(int(partition_size), 1)
    return [(start, min(start + step, size)) for start in range(0, max(size, 1), step)]


def _check_first_record(path: Path) -> None:
    """Refuse at once a JSON-lines file whose first record is not an object with id and text."""
    with open(path, "rb") as handle:
        for offset, line in _lines(handle, 0, None):
            _parse_line(line, str(path), offset)
            return
    raise InputError(str(path), "the corpus is empty")


def _lines(handle, start: int, end: int | None) -> Iterator[tuple[int, bytes]]:
    """The lines that begin in [start, end) with their byte offsets (a line belongs to the range
    holding its first byte, so every line is read exactly once)."""
    handle.seek(start)
    position = start
    if start > 0:
        handle.seek(start - 1)
        position = start - 1 + len(handle.readline())
    while end is None or position < end:
        line = handle.readline()
        if not line:
            return
        if line.strip():
            yield position, line
        position += len(line)


def _parse_line(line: bytes, file: str, offset: int) -> dict:
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(file, f"the line at byte {offset} is not JSON ({exc})") from None
    if not isinstance(record, dict):
        raise InputError(file, f"the line at byte {offset} is not a JSON object")
    missing = [name for name in ("id", "text") if name not in record]
    if missing:
        raise InputError(file, f"the record at byte {offset} has no {' or '.join(repr(m) for m in missing)} field")
    return record


def _read_json_range(byte_range: tuple[str, int, int]) -> pd.DataFrame:
    """One partition: the records of the lines of ``file`` that begin in [start, end)."""
    file, start, end = byte_range
    rows = []
    with open(file, "rb") as handle:
        for offset, line in _lines(handle, start, end):
            record = _parse_line(line, file, offset)
            rows.append([record.get(name) for name in ("id", "text", "language", "url", "published")])
    return _corpus_frame(pd.DataFrame(rows, columns=["id", *CORPUS_COLUMNS[1:]], dtype=object))


def _corpus_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The corpus columns as strings: id renamed, absent optional columns empty, null text "". """
    out = {}
    for column in CORPUS_COLUMNS:
        source = "id" if column == "article_id" and "id" in frame.columns else column
        values = frame[source] if source in frame.columns else pd.Series([None] * len(frame), dtype=object)
        values = values.astype(object).where(values.notna(), None)
        if column == "text":
            values = values.where(values.notna(), "")
        out[column] = pd.Series([None if v is None else str(v) for v in values], dtype="str", index=frame.index)
    return pd.DataFrame(out, columns=list(CORPUS_COLUMNS)).reset_index(drop=True)


def _read_parquet(path: Path, partition_size: int):
    import dask.dataframe as dd

    try:
        corpus = dd.read_parquet(str(path), blocksize=partition_size)
    except Exception as exc:  # pyarrow says ArrowInvalid, OSError, ValueError… for a bad file
        raise InputError(str(path), f"cannot read as Parquet ({type(exc).__name__}: {exc})") from None
    id_column = "id" if "id" in corpus.columns else "article_id" if "article_id" in corpus.columns else None
    missing = [name for name, present in (("id", id_column), ("text", "text" in corpus.columns)) if not present]
    if missing:
        present = ", ".join(map(str, corpus.columns))
        raise InputError(str(path), f"missing column(s) {', '.join(missing)} (columns: {present})")
    kept = [c for c in (id_column, "text", "language", "url", "published") if c in corpus.columns]
    return corpus[kept].map_partitions(_corpus_frame, meta=_empty_corpus())


# --------------------------------------------------------------------------- running


LOCAL_SCHEDULERS = ("processes", "threads", "synchronous")


@contextmanager
def _scheduler(scheduler: str | None, partitions: int) -> Iterator[dict]:
    """Keyword arguments for ``dask.compute``.

    ``None``: a pool of local processes, one per core (or no pool at all for one partition);
    ``"processes"``, ``"threads"``, ``"synchronous"``: that local scheduler; anything else is the
    address of a dask.distributed scheduler.
    """
    if scheduler is None:
        workers = min(os.cpu_count() or 1, max(partitions, 1))
        yield {"scheduler": "processes", "num_workers": workers} if workers > 1 else {"scheduler": "synchronous"}
        return
    if scheduler in LOCAL_SCHEDULERS:
        yield {"scheduler": scheduler}
        return
    from distributed import Client

    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        raise InputError(f"--scheduler {scheduler}", f"cannot reach the Dask scheduler ({exc})") from None
    with client:
        yield {"scheduler": client}


def _compute(collection, scheduler: str | None) -> pd.DataFrame:
    """The partitions of a Dask DataFrame computed, and concatenated here (not on a worker: that
    would ship every partition to one worker and the whole result back)."""
    import dask

    with _scheduler(scheduler, collection.npartitions) as options:
        parts = dask.compute(*collection.to_delayed(), **options)
    return pd.concat(parts, ignore_index=True) if parts else collection._meta


def fingerprint_corpus(corpus_path: str | Path, scheduler: str | None = None,
                       partition_size: int | None = None,
                       settings: family_finder.FamilySettings | None = None) -> pd.DataFrame:
    """The fingerprints of every article of a corpus file, computed partition by partition on Dask."""
    settings = settings or family_finder.FamilySettings.from_settings()
    corpus = read_corpus(corpus_path, partition_size)
    parts = corpus.map_partitions(family_finder.fingerprint_partition, settings,
                                  meta=family_finder.empty_fingerprints())
    fingerprints = _compute(parts, scheduler)
    fingerprints = fingerprints.reset_index(drop=True)
    family_finder.check_articles(fingerprints.assign(text=""), str(corpus_path))
    return fingerprints


def find_families_dask(corpus_path: str | Path, scheduler: str | None = None,
                       partition_size: int | None = None,
                       settings: family_finder.FamilySettings | None = None) -> pd.DataFrame:
    """The families table (spin.families.FAMILY_COLUMNS) of a JSON-lines or Parquet corpus.

    The same result as :func:`spin.families.find_families` on the whole corpus in memory, for
    any partitioning and any scheduler.
    """
    settings = settings or family_finder.FamilySettings.from_settings()
    fingerprints = fingerprint_corpus(corpus_path, scheduler, partition_size, settings)
    return family_finder.families_from_fingerprints(fingerprints, settings)


# --------------------------------------------------------------------------- writing


def _write_tables(families: pd.DataFrame, directory: Path, record: dict) -> None:
    table = families.assign(evidence=families["evidence"].map(family_finder.evidence_json))
    table.to_parquet(directory / "families.parquet", index=False)
    pipeline.write_csv(table, directory / "families.csv")
    in_families = families["family_size"] >= 2
    record = {
        "spin_version": __version__,
        "articles": int(len(families)),
        "families": int(families.loc[in_families, "family_id"].nunique()),
        "articles_in_families": int(in_families.sum()),
        **record,
    }
    (directory / "run.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_families(families: pd.DataFrame, out_dir: str | Path) -> Path:
    """Write families.parquet, families.csv and run.json into ``out_dir``, replacing it only when
    all are written (and only when it is new, empty or an earlier spin output)."""
    return pipeline.write_atomically(Path(out_dir), lambda staging: _write_tables(families, staging, {}))


def analyze_families(corpus: str | Path, families: pd.DataFrame, out_dir: str | Path,
                     scheduler: str | None = None, partition_size: int | None = None) -> pd.DataFrame:
    """Run :func:`spin.analyze` on every family of two or more articles, one Dask task per group
    of families, saving each to ``out_dir/<family_id>/``. Returns one status row per family
    (STATUS_COLUMNS: analysed, failed with spin's message, or error with an unexpected one); a
    family that cannot be analysed is reported, not fatal.
    """
    members = families.loc[families["family_size"] >= 2, ["article_id", "family_id"]]
    if members.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in STATUS_COLUMNS})
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    membership = dict(zip(members["article_id"], members["family_id"]))
    selected = read_corpus(corpus, partition_size).map_partitions(
        _family_members, membership, meta=_empty_corpus().assign(family_id=pd.Series(dtype="str")))
    grouped = selected.shuffle("family_id", npartitions=max(1, min(len(set(membership.values())), 64)))
    statuses = grouped.map_partitions(_analyze_partition, str(out_dir), meta=_empty_status())
    result = _compute(statuses, scheduler)
    return result.sort_values("family_id", kind="stable").reset_index(drop=True)


def _family_members(part: pd.DataFrame, membership: dict) -> pd.DataFrame:
    family = part["article_id"].map(membership)
    return part[family.notna()].assign(family_id=family[family.notna()].astype("str"))


def _empty_status() -> pd.DataFrame:
    return pd.DataFrame({"family_id": pd.Series(dtype="str"), "articles": pd.Series(dtype="int64"),
                         "status": pd.Series(dtype="str"), "problem": pd.Series(dtype="str")})


def _analyze_partition(part: pd.DataFrame, out_dir: str) -> pd.DataFrame:
    rows = []
    for family_id, articles in part.groupby("family_id", sort=True):
        articles = articles.drop(columns="family_id").sort_values("article_id", kind="stable")
        articles = articles.assign(language=articles["language"].fillna(""), url=articles["url"].fillna(""),
                                   published=articles["published"].fillna(""))
        try:
            pipeline.analyze(articles.reset_index(drop=True)).save(Path(out_dir) / str(family_id))
            rows.append((family_id, len(articles), "analysed", ""))
        except SpinError as exc:
            rows.append((family_id, len(articles), "failed", str(exc)))
        except Exception as exc:  # one family's failure must not lose the analyses of thousands
            rows.append((family_id, len(articles), "error", f"{type(exc).__name__}: {exc}"))
    if not rows:
        return _empty_status()
    return pd.DataFrame(rows, columns=list(STATUS_COLUMNS)).astype({"family_id": "str", "articles": "int64",
                                                                       "status": "str", "problem": "str"})


def run_families(corpus_path: str | Path, out_dir: str | Path, scheduler: str | None = None,
                 analyze: bool = False, partition_size: int | None = None) -> Path:
    """``spin families``: find the families of a corpus and write them (and, with ``analyze``, the
    analysis of each family in ``out_dir/<family_id>/``); ``out_dir`` is replaced only on success."""
    settings = family_finder.FamilySettings.from_settings()
    families = find_families_dask(corpus_path, scheduler, partition_size, settings)

    def fill(staging: Path) -> None:
        statuses = (analyze_families(corpus_path, families, staging, scheduler, partition_size)
                    if analyze else None)
        if statuses is not None:
            pipeline.write_csv(statuses, staging / "analyses.csv")
        _write_tables(families, staging, {
            "corpus": str(Path(corpus_path).resolve()),
            "scheduler": scheduler or "in-process",
            "analysed": None if statuses is None else int((statuses["status"] == "analysed").sum()),
            "settings": {name: getattr(settings, name) for name in settings.__dataclass_fields__},
        })

    return pipeline.write_atomically(Path(out_dir), fill)
