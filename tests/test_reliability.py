"""Reliability: byte-identical reruns, untouched inputs, and an interrupted run that leaves no trace."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_spin


def tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_two_runs_are_byte_identical_whatever_the_hash_seed(small_family, tmp_path):
    before = tree_hashes(small_family)
    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"out-{seed}"
        result = run_spin("analyze", str(small_family), "--out", str(out), "--quiet",
                          env={"PYTHONHASHSEED": seed, "LC_ALL": "C.UTF-8" if seed == "1" else "C"})
        assert result.returncode == 0, result.stderr
        outputs.append(tree_hashes(out))
    assert outputs[0] == outputs[1]
    assert {Path(name).suffix for name in outputs[0]} >= {".csv", ".json", ".png", ".svg", ".html"}
    assert tree_hashes(small_family) == before


@pytest.mark.slow
def test_interrupted_run_keeps_the_previous_output_and_leaves_nothing_beside_it(small_family, tmp_path):
    out = tmp_path / "out"
    assert run_spin("analyze", str(small_family), "--out", str(out), "--quiet").returncode == 0
    previous = tree_hashes(out)
    (small_family / "extra.txt").write_text(
        "The harbour authority of Hamburg said on Monday that container traffic fell by 4 percent in 2024. " * 40,
        encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "spin", "analyze", str(small_family), "--out", str(out), "--quiet"],
                               cwd=ROOT, env={**os.environ, "MPLBACKEND": "Agg"},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2)  # imports alone take longer: the run is stopped mid-way
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert "Traceback" not in err
    assert tree_hashes(out) == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["family", "out"]
