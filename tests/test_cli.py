"""The command line: help with examples, version, exit codes, one-line errors, atomic output."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from spin import __version__
from spin.cli import EXAMPLES, build_parser, main
from tests.conftest import EN_ARTICLE, SEEDS, run_spin


def test_every_command_has_help_with_an_example(capsys):
    subcommands = build_parser()._subparsers._group_actions[0].choices
    assert set(subcommands) == set(EXAMPLES)
    for name in subcommands:
        with pytest.raises(SystemExit) as exit_info:
            main([name, "--help"])
        assert exit_info.value.code == 0
        help_text = capsys.readouterr().out
        assert "example:" in help_text and f"spin {name}" in help_text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "spin analyze seeds --out out" in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and capsys.readouterr().out.strip() == f"spin {__version__}"


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: spin" in capsys.readouterr().err


def test_analyze_writes_tables_and_run_record(small_family, tmp_path):
    out = tmp_path / "out"
    assert main(["analyze", str(small_family), "--out", str(out), "--quiet"]) == 0
    articles = pd.read_csv(out / "articles.csv")
    assert sorted(articles["article_id"]) == ["de", "en", "fr"]
    assert dict(zip(articles["article_id"], articles["language"])) == {"de": "de", "en": "en", "fr": "fr"}
    assert pd.read_csv(out / "errors.csv").empty
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["spin_version"] == __version__
    assert set(run["inputs"]) == {"de", "en", "fr"}


def test_source_option_marks_the_source(small_family, tmp_path):
    out = tmp_path / "out"
    assert main(["analyze", str(small_family), "--out", str(out), "--source", "en", "--quiet"]) == 0
    roles = pd.read_csv(out / "articles.csv").set_index("article_id")["role"]
    assert roles.to_dict() == {"de": "repost", "en": "source", "fr": "repost"}
    assert json.loads((out / "run.json").read_text())["source"] == "en"


def test_unknown_source_is_one_line_and_exit_2(small_family, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", str(small_family), "--out", str(out), "--source", "nope"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--source nope: is not an article_id of this family" in err[0]
    assert not out.exists()


def test_family_without_usable_version_exits_2_and_writes_nothing(tmp_path, capsys):
    family = tmp_path / "family"
    family.mkdir()
    (family / "empty.txt").write_bytes(b"")
    (family / "binary.txt").write_bytes(bytes(range(256)) * 10)
    out = tmp_path / "out"
    assert main(["analyze", str(family), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no usable version" in err and "empty.txt: is empty" in err and "binary.txt" in err
    assert "Traceback" not in err
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["family"]


def test_one_bad_file_is_reported_and_the_rest_analysed(small_family, tmp_path, capsys):
    (small_family / "broken.txt").write_bytes(b"\x00\x01\x02" * 50)
    out = tmp_path / "out"
    assert main(["analyze", str(small_family), "--out", str(out), "--quiet"]) == 0
    assert "broken.txt: is binary" in capsys.readouterr().err
    errors = pd.read_csv(out / "errors.csv")
    assert list(errors["article_id"]) == ["broken"]


def test_unsupported_language_is_kept_and_reported(small_family, tmp_path):
    (small_family / "es.txt").write_text(
        "El ayuntamiento de Bristol aprobó el martes una nueva línea de tranvía, dijo el alcalde. "
        "El proyecto costará 120 millones de libras y debería abrir en 2027.", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["analyze", str(small_family), "--out", str(out), "--quiet"]) == 0
    articles = pd.read_csv(out / "articles.csv").set_index("article_id")
    assert articles.loc["es", "language"] == "unsupported:es"
    errors = pd.read_csv(out / "errors.csv")
    assert list(errors["article_id"]) == ["es"] and "language es is not supported" in errors.iloc[0]["problem"]


def test_out_replaces_only_earlier_spin_output(small_family, tmp_path, capsys):
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete", encoding="utf-8")
    assert main(["analyze", str(small_family), "--out", str(precious)]) == 2
    assert (precious / "thesis.txt").read_text() == "do not delete"
    assert "not an earlier spin output" in capsys.readouterr().err

    out = tmp_path / "out"
    assert main(["analyze", str(small_family), "--out", str(out), "--quiet"]) == 0
    (out / "stale.csv").write_text("old", encoding="utf-8")
    assert main(["analyze", str(small_family), "--out", str(out), "--quiet"]) == 0
    assert not (out / "stale.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents", "family", "out"]


def test_bad_settings_file_is_one_line(small_family, tmp_path, capsys):
    settings = tmp_path / "settings.toml"
    settings.write_text("[corpus]\nmax_file_bytes = 'lots'\n", encoding="utf-8")
    assert main(["analyze", str(small_family), "--out", str(tmp_path / "o"), "--settings", str(settings)]) == 2
    assert "corpus.max_file_bytes must be a int" in capsys.readouterr().err


def test_settings_file_overrides_a_limit(small_family, tmp_path, capsys):
    settings = tmp_path / "settings.toml"
    settings.write_text("[corpus]\nmax_file_bytes = 50\n", encoding="utf-8")
    assert main(["analyze", str(small_family), "--out", str(tmp_path / "o"), "--settings", str(settings)]) == 2
    assert "over the limit of 50" in capsys.readouterr().err


def test_python_dash_m_spin_runs_as_a_user_would(small_family, tmp_path):
    result = run_spin("analyze", str(small_family), "--out", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    result = run_spin("analyze", str(tmp_path / "absent"), "--out", str(tmp_path / "p"))
    assert result.returncode == 2
    assert result.stderr.strip().endswith("absent: no such file or folder") and "Traceback" not in result.stderr


TRAINING_ROWS = [
    ("The council approved the budget on Tuesday.", "OBJ", "en"),
    ("This disgraceful decision is a shocking betrayal of voters!", "SUBJ", "en"),
    ("The company reported revenue of 3 billion dollars.", "OBJ", "en"),
    ("Frankly, the plan is a stupid waste of money.", "SUBJ", "en"),
    ("Der Stadtrat hat den Haushalt am Dienstag beschlossen.", "OBJ", "de"),
    ("Diese skandalöse Entscheidung ist ein Verrat an den Wählern!", "SUBJ", "de"),
    ("Le conseil a adopté le budget mardi.", "OBJ", "fr"),
    ("Cette décision honteuse est une trahison scandaleuse !", "SUBJ", "fr"),
    ("The minister met union leaders in Paris.", "OBJ", "en"),
    ("What an absurd and reckless idea this is.", "SUBJ", "en"),
]


def test_train_editorial_then_analyze_with_the_model(small_family, tmp_path, capsys):
    data = tmp_path / "labelled.tsv"
    data.write_text("sentence\tlabel\tlanguage\n" + "".join(f"{s}\t{l}\t{g}\n" for s, l, g in TRAINING_ROWS), encoding="utf-8")
    model = tmp_path / "editorial.skops"
    assert main(["train-editorial", str(data), "--out", str(model)]) == 0
    assert model.is_file() and "rows 10" in capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["analyze", str(small_family), "--out", str(out), "--editorial-model", str(model), "--quiet"]) == 0
    editorial = pd.read_csv(out / "editorial.csv")
    assert editorial["score"].between(0, 1).all() and not editorial.empty
    assert json.loads((out / "run.json").read_text())["editorial_model"] == str(model)


def test_train_editorial_bad_label_is_one_line(tmp_path, capsys):
    data = tmp_path / "bad.tsv"
    data.write_text("sentence\tlabel\nSome sentence.\tMAYBE\n", encoding="utf-8")
    assert main(["train-editorial", str(data), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("spin: error:") and "bad.tsv" in err and "MAYBE" in err and "\n" not in err
