"""spin.scale: reading a corpus, family finding on Dask (in-process and on a 2-worker cluster),
writing the families table, and the per-family analysis tasks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from spin import families, scale
from spin.errors import InputError
from tests.test_families import PLANTED, TEXTS, planted_corpus


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def corpus_jsonl(tmp_path: Path) -> Path:
    corpus = planted_corpus()
    records = [{"id": i, "text": t, "url": f"https://example.org/{i}"}
               for i, t in zip(corpus["article_id"], corpus["text"])]
    return _write_jsonl(tmp_path / "crawl.jsonl", records)


@pytest.fixture(scope="module")
def in_memory() -> pd.DataFrame:
    return families.find_families(planted_corpus())


def _same_families(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    merged = found.merge(expected, on="article_id", suffixes=("", "_expected"), validate="one_to_one")
    assert len(merged) == len(expected)
    for column in ("family_id", "family_size", "language", "evidence"):
        assert merged[column].tolist() == merged[f"{column}_expected"].tolist(), column


# --------------------------------------------------------------------------- reading


def test_read_jsonl_renames_id_and_keeps_optional_columns(tmp_path):
    path = _write_jsonl(tmp_path / "c.jsonl", [
        {"id": 7, "text": "Erster Text.", "language": "de", "url": "u1", "extra": 1},
        {"id": "b", "text": None, "published": "2025-02-06"},
    ])
    frame = scale.read_corpus(path, partition_size=20).compute(scheduler="synchronous")
    assert list(frame.columns) == list(scale.CORPUS_COLUMNS)
    assert frame["article_id"].tolist() == ["7", "b"]
    assert frame["text"].tolist() == ["Erster Text.", ""]
    assert frame["language"].tolist()[0] == "de" and pd.isna(frame["language"].tolist()[1])
    assert frame["published"].tolist()[1] == "2025-02-06"


def test_every_line_is_read_once_whatever_the_partition_size(corpus_jsonl):
    for size in (97, 3_000, 10_000_000):
        frame = scale.read_corpus(corpus_jsonl, partition_size=size).compute(scheduler="synchronous")
        assert sorted(frame["article_id"]) == sorted(TEXTS)


def test_read_parquet(tmp_path):
    path = tmp_path / "c.parquet"
    pd.DataFrame({"id": ["a", "b"], "text": ["x y z", "u v w"], "language": ["en", None]}).to_parquet(path)
    frame = scale.read_corpus(path).compute(scheduler="synchronous")
    assert frame["article_id"].tolist() == ["a", "b"]
    assert frame["language"].tolist()[0] == "en"


@pytest.mark.parametrize("name, content, problem", [
    ("missing.jsonl", None, "no such file"),
    ("crawl.csv", "id,text\n1,x\n", "unknown corpus format"),
    ("empty.jsonl", "\n\n", "the corpus is empty"),
    ("no-text.jsonl", '{"id": 1, "body": "x"}\n', "has no 'text' field"),
    ("no-id.jsonl", '{"text": "x"}\n', "has no 'id' field"),
    ("not-json.jsonl", "id: 1, text: x\n", "is not JSON"),
    ("array.jsonl", "[1, 2]\n", "is not a JSON object"),
    ("broken.parquet", "PAR1 this is not parquet", "cannot read as Parquet"),
])
def test_bad_corpus_files_are_input_errors(tmp_path, name, content, problem):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        scale.read_corpus(path)
    assert problem in caught.value.problem
    assert caught.value.file == str(path)


def test_parquet_without_text_column_is_an_input_error(tmp_path):
    path = tmp_path / "c.parquet"
    pd.DataFrame({"id": ["a"], "body": ["x"]}).to_parquet(path)
    with pytest.raises(InputError, match="missing column"):
        scale.read_corpus(path)


def test_a_bad_line_deep_in_the_file_is_reported_from_the_worker(tmp_path):
    good = {"id": "a", "text": "Some text here."}
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(good) + "\n" + '{"id": "b", "text": "cut off\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        scale.find_families_dask(path, scheduler="threads", partition_size=10)
    assert "is not JSON" in caught.value.problem
    assert "byte 39" in caught.value.problem  # the first line is 38 characters and a newline


def test_repeated_ids_across_partitions_are_an_input_error(tmp_path):
    path = _write_jsonl(tmp_path / "c.jsonl", [{"id": "a", "text": "one"}, {"id": "a", "text": "two"}])
    with pytest.raises(InputError, match="article_id repeats: a"):
        scale.find_families_dask(path, scheduler="synchronous", partition_size=10)


# --------------------------------------------------------------------------- families on Dask


def test_in_process_run_matches_the_in_memory_families(corpus_jsonl, in_memory):
    found = scale.find_families_dask(corpus_jsonl, partition_size=4_000)  # several partitions, local processes
    _same_families(found, in_memory)
    table = found.set_index("article_id")
    for article_id, story in PLANTED.items():
        assert table.loc[article_id, "family_id"] == table.loc[story, "family_id"]


def test_two_worker_cluster_gives_the_same_families(corpus_jsonl, in_memory):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        found = scale.find_families_dask(corpus_jsonl, scheduler=cluster.scheduler_address, partition_size=4_000)
    _same_families(found, in_memory)


def test_unreachable_scheduler_is_an_input_error(corpus_jsonl, monkeypatch):
    monkeypatch.setattr(scale, "CONNECT_TIMEOUT", "2s")
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        scale.find_families_dask(corpus_jsonl, scheduler="tcp://127.0.0.1:9")


# --------------------------------------------------------------------------- writing and analysis


def test_write_families_writes_parquet_csv_and_run_record(tmp_path, in_memory):
    out = scale.write_families(in_memory, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == ["families.csv", "families.parquet", "run.json"]
    parquet = pd.read_parquet(out / "families.parquet")
    csv = pd.read_csv(out / "families.csv")
    assert list(parquet.columns) == list(families.FAMILY_COLUMNS) == list(csv.columns)
    row = parquet.set_index("article_id").loc["seawall-de"]
    assert json.loads(row["evidence"]) == in_memory.set_index("article_id").loc["seawall-de", "evidence"]
    assert csv["family_id"].tolist() == in_memory["family_id"].tolist()
    run = json.loads((out / "run.json").read_text())
    assert (run["articles"], run["families"], run["articles_in_families"]) == (len(TEXTS), 2, len(PLANTED))


def test_write_families_replaces_only_spin_output(tmp_path, in_memory):
    out = tmp_path / "out"
    scale.write_families(in_memory.head(3), out)
    scale.write_families(in_memory, out)  # an earlier spin output: replaced
    assert len(pd.read_parquet(out / "families.parquet")) == len(in_memory)
    other = tmp_path / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("mine")
    with pytest.raises(InputError, match="not an earlier spin output"):
        scale.write_families(in_memory, other)
    assert (other / "todo.txt").read_text() == "mine"


def test_a_failed_write_leaves_the_old_folder(tmp_path, in_memory):
    out = tmp_path / "out"
    scale.write_families(in_memory, out)
    with pytest.raises(KeyError):
        scale.write_families(in_memory.drop(columns="evidence"), out)
    assert pd.read_parquet(out / "families.parquet")["article_id"].tolist() == in_memory["article_id"].tolist()


class _Saved:
    def __init__(self, articles: pd.DataFrame):
        self.articles = articles

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True)
        self.articles.to_csv(directory / "articles.csv", index=False)
        return directory


@pytest.mark.parametrize("problem, status, message", [
    (InputError("seawall-fr", "not usable"), "failed", "seawall-fr: not usable"),
    (ValueError("a bug"), "error", "ValueError: a bug"),
])
def test_analyze_families_runs_one_analysis_per_family(tmp_path, corpus_jsonl, in_memory, monkeypatch,
                                                       problem, status, message):
    def fake_analyze(articles):
        if "seawall-fr" in set(articles["article_id"]):
            raise problem
        return _Saved(articles)

    monkeypatch.setattr(scale.pipeline, "analyze", fake_analyze)
    statuses = scale.analyze_families(corpus_jsonl, in_memory, tmp_path / "out", scheduler="synchronous")
    table = in_memory.set_index("article_id")
    seawall, orchard = table.loc["seawall", "family_id"], table.loc["orchard", "family_id"]
    assert statuses[["family_id", "articles", "status"]].values.tolist() == [
        [seawall, 7, status], [orchard, 3, "analysed"]]
    assert statuses["problem"].iloc[0] == message
    written = pd.read_csv(tmp_path / "out" / orchard / "articles.csv")
    assert written["article_id"].tolist() == ["orchard", "orchard-copy", "orchard-rewrite"]
    assert written["url"].tolist()[0] == "https://example.org/orchard"
    assert not (tmp_path / "out" / seawall).exists()


def test_run_families_writes_tables_and_run_record(tmp_path, corpus_jsonl):
    out = scale.run_families(corpus_jsonl, tmp_path / "families", scheduler="synchronous")
    run = json.loads((out / "run.json").read_text())
    assert run["articles"] == len(TEXTS)
    assert run["families"] == 2
    assert run["articles_in_families"] == len(PLANTED)
    assert run["analysed"] is None
    assert run["settings"]["num_perm"] == families.FamilySettings.from_settings().num_perm
    assert (out / "families.csv").exists() and not (out / "analyses.csv").exists()


@pytest.mark.slow
def test_run_families_with_real_analysis(tmp_path):
    path = _write_jsonl(tmp_path / "c.jsonl", [
        {"id": "orchard", "text": TEXTS["orchard"]}, {"id": "orchard-copy", "text": TEXTS["orchard-copy"]},
        {"id": "chess", "text": TEXTS["chess"]},
    ])
    out = scale.run_families(path, tmp_path / "families", scheduler="synchronous", analyze=True)
    statuses = pd.read_csv(out / "analyses.csv")
    assert statuses["status"].tolist() == ["analysed"]
    articles = pd.read_csv(out / "F0000001" / "articles.csv")
    assert sorted(articles["article_id"]) == ["orchard", "orchard-copy"]
