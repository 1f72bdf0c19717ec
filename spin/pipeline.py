"""analyze(): the one place that wires the layers for a family, and the Analysis it returns."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from spin import __version__
from spin import align, boilerplate, claims, editorial, language, mutations, provenance, readability, translation
from spin.corpus import ARTICLE_COLUMNS, Family, errors_frame, read_family
from spin.errors import InputError, NoUsableVersion
from spin.settings import load_settings

TABLE_ORDER = (
    "articles", "errors", "boilerplate", "sentences", "claims", "claim_groups", "readability",
    "editorial", "editorial_summary", "alignment", "mutations", "translation",
    "translation_errors", "similarity", "shared_changes", "consensus", "stemma", "credits",
)


@dataclass(frozen=True)
class Analysis:
    """Every table of one family's analysis, and the run record."""

    tables: Mapping[str, pd.DataFrame]
    run: Mapping[str, Any] = field(default_factory=dict)
    graph: Any = None  # the derivation tree, a networkx DiGraph

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def reference(self) -> str | None:
        """The article the versions were compared against (the source or the consensus)."""
        return self.run.get("reference")

    def save(self, directory: str | Path) -> Path:
        """Write every table as CSV plus run.json into ``directory``, replacing it only on success."""
        return write_atomically(Path(directory), lambda tmp: self._write(tmp))

    def _write(self, directory: Path) -> None:
        for name, table in self.tables.items():
            write_csv(table, directory / f"{name}.csv")
        (directory / "run.json").write_text(
            json.dumps(self.run, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if "consensus" in self.tables:
            (directory / "consensus.txt").write_text(provenance.consensus_text(self.tables["consensus"]), encoding="utf-8")
        if self.graph is not None:
            provenance.write_graph(self.graph, directory)
        from spin.figures import export_figures
        from spin.report import write_report

        export_figures(self, directory / "figures")
        write_report(self, directory / "report.html")


def analyze(
    path_or_articles: str | Path | Iterable[str | Path] | pd.DataFrame,
    source: str | None = None,
    settings_file: str | Path | None = None,
    editorial_model: str | Path | None = None,
    progress: bool = False,
) -> Analysis:
    """Analyse one story family: a folder, manifest, list of files, or an articles DataFrame.

    ``source`` names the article_id of the original report when it is among the versions;
    without it the versions are compared against the family's reference (see ``run["reference"]``).
    ``editorial_model`` is an EditorialClassifier saved by ``spin train-editorial``.
    Raises :class:`NoUsableVersion` when no version can be analysed.
    """
    settings = load_settings(settings_file)
    classifier = editorial.load_classifier(editorial_model) if editorial_model else None
    family = _family_of(path_or_articles, settings)
    articles, errors = family.articles, family.errors
    if articles.empty:
        raise NoUsableVersion(_no_usable_message(errors))
    articles = _mark_source(articles, source)
    steps = _Progress(progress and len(articles) > _QUIET_FAMILY_SIZE, total=len(_STEPS))

    articles, removed = boilerplate.strip_boilerplate(articles)
    steps.advance("boilerplate")
    articles = language.detect_articles(articles)
    errors = pd.concat([errors, _language_errors(articles)], ignore_index=True)
    scored = articles[articles["language"].isin(language.SUPPORTED)]
    if scored.empty:
        raise NoUsableVersion(_no_usable_message(errors))
    steps.advance("language")
    sentences = language.sentences_table(scored)
    steps.advance("sentences")
    claims_table = claims.claims_table(scored, sentences)
    steps.advance("claims")
    readability_table = readability.score_articles(scored, sentences)
    steps.advance("readability")
    editorial_table = editorial.editorial_table(sentences, classifier=classifier)
    summary = editorial.editorial_summary(editorial_table, sentences)
    steps.advance("editorial")
    translation_summary, translation_errors = translation.translation_table(scored, sentences, reference=source, settings=settings)
    steps.advance("translation")
    found = provenance.provenance_tables(
        articles, sentences, claims_table, removed, summary, translation=translation_summary,
        source=source, editorial=editorial_table, settings=settings,
    )
    reference = found["reference"]
    reference_articles, reference_sentences, reference_claims = found["reference_tables"]
    if source is None and not reference_articles.empty:
        consensus = reference_articles.iloc[0]
        translation_summary, translation_errors = translation.translation_table(
            scored, sentences, reference=reference, reference_text=consensus["text"],
            reference_language=consensus["language"], settings=settings,
        )
    all_sentences = pd.concat([reference_sentences, sentences], ignore_index=True) if not reference_sentences.empty else sentences
    all_claims = pd.concat([reference_claims, claims_table], ignore_index=True) if not reference_claims.empty else claims_table
    alignment_table = align.alignment_table(all_sentences, reference, settings=settings)
    mutation_table = found["mutations"] if not found["mutations"].empty else mutations.empty_mutations()
    groups = mutations.claim_groups(mutation_table, all_claims, all_sentences, reference)
    steps.advance("provenance")
    steps.close()

    tables = {
        "articles": articles,
        "errors": errors.reset_index(drop=True),
        "boilerplate": removed,
        "sentences": sentences,
        "claims": claims_table,
        "claim_groups": groups,
        "readability": readability_table,
        "editorial": editorial_table,
        "editorial_summary": summary,
        "alignment": alignment_table,
        "mutations": mutation_table,
        "translation": translation_summary,
        "translation_errors": translation_errors,
        "similarity": found["similarity"],
        "shared_changes": found["shared_changes"],
        "consensus": found["consensus"],
        "stemma": found["stemma"],
        "credits": found["credits"],
    }
    run = _run_record(articles, errors, source, reference, found["reference_reason"], settings_file, editorial_model)
    return Analysis(tables={name: tables[name] for name in TABLE_ORDER if name in tables}, run=run, graph=found["graph"])


_QUIET_FAMILY_SIZE = 3  # no progress bar for families this small
_STEPS = ("boilerplate", "language", "sentences", "claims", "readability", "editorial", "translation", "provenance")


def _family_of(path_or_articles, settings) -> Family:
    if isinstance(path_or_articles, pd.DataFrame):
        missing = {"article_id", "text"} - set(path_or_articles.columns)
        if missing:
            raise InputError("articles", f"DataFrame lacks columns: {', '.join(sorted(missing))}")
        return Family(articles=_complete_articles(path_or_articles), errors=errors_frame([]))
    corpus = settings["corpus"]
    return read_family(path_or_articles, max_file_bytes=corpus["max_file_bytes"], max_articles=corpus["max_articles"])


def _complete_articles(frame: pd.DataFrame) -> pd.DataFrame:
    """An articles table from a user's DataFrame: missing columns filled, ids as strings."""
    articles = frame.copy()
    articles["article_id"] = articles["article_id"].astype(str)
    articles["text"] = articles["text"].fillna("").astype(str)
    defaults = {"raw_text": articles["text"], "role": "repost", "file": articles["article_id"]}
    for column in ARTICLE_COLUMNS:
        if column not in articles.columns:
            articles[column] = defaults.get(column, "")
    if "sha256" in frame.columns:
        return articles
    articles["sha256"] = [hashlib.sha256(text.encode("utf-8")).hexdigest() for text in articles["text"]]
    return articles


def _mark_source(articles: pd.DataFrame, source: str | None) -> pd.DataFrame:
    if source is None:
        return articles
    if source not in set(articles["article_id"]):
        raise InputError(f"--source {source}", "is not an article_id of this family "
                         f"(known: {', '.join(sorted(articles['article_id']))})")
    marked = articles.copy()
    marked["role"] = ["source" if article_id == source else "repost" for article_id in marked["article_id"]]
    return marked


def _language_errors(articles: pd.DataFrame) -> pd.DataFrame:
    unusable = articles[~articles["language"].isin(language.SUPPORTED)]
    return errors_frame(
        {
            "file": row.file,
            "article_id": row.article_id,
            "problem": f"language {row.language.removeprefix('unsupported:')} is not supported (spin reads en, de, fr); "
            "kept for provenance anchors, not scored",
        }
        for row in unusable.itertuples()
    )


def _no_usable_message(errors: pd.DataFrame) -> str:
    lines = [f"{row.file}: {row.problem}" for row in errors.itertuples()]
    return "no usable version in this family" + ("".join(f"\n  {line}" for line in lines) if lines else "")


def _run_record(articles, errors, source, reference, reference_reason, settings_file, editorial_model) -> dict:
    return {
        "spin_version": __version__,
        "inputs": {row.article_id: {"file": row.file, "sha256": row.sha256} for row in articles.itertuples()},
        "unusable_inputs": sorted(set(errors["file"])),
        "source": source,
        "reference": reference,
        "reference_reason": reference_reason,
        "settings_file": str(settings_file) if settings_file else None,
        "editorial_model": str(editorial_model) if editorial_model else None,
    }


class _Progress:
    """A tqdm bar on stderr over the pipeline's steps, shown only when asked for."""

    def __init__(self, enabled: bool, total: int):
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc="spin", unit="step", leave=False)

    def advance(self, step: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(step)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def to_cell(value: Any) -> Any:
    """A table cell as CSV text: lists, tuples and dicts become JSON with sorted keys."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)
    return value


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write a table as UTF-8 CSV with one header row and JSON for list/record cells."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(to_cell)
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_atomically(directory: Path, fill: Callable[[Path], None]) -> Path:
    """Build ``directory`` in a temporary sibling, then swap it in; on failure leave the old one."""
    directory = directory.resolve()
    if directory.exists() and not _replaceable(directory):
        raise InputError(str(directory), "exists and is not an earlier spin output (no run.json); "
                         "choose an empty or new folder for --out")
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.partial-", dir=directory.parent))
    try:
        fill(staging)
        os.chmod(staging, 0o755)
        if directory.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{directory.name}.old-", dir=directory.parent))
            retired.rmdir()
            directory.rename(retired)
            staging.rename(directory)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            staging.rename(directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return directory


def _replaceable(directory: Path) -> bool:
    """Only an empty folder or an earlier spin output may be replaced."""
    return directory.is_dir() and (not any(directory.iterdir()) or (directory / "run.json").is_file())
