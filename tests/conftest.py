"""Shared fixtures: the seed family, small written families, and a way to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

EN_ARTICLE = (
    "City council approves new tram line\n\n"
    "The city council of Bristol approved a new tram line on Tuesday, the mayor said. "
    "The project will cost £120 million and should open in 2027. "
    "Critics argue the route ignores the poorest districts.\n"
)
DE_ARTICLE = (
    "Stadtrat genehmigt neue Straßenbahnlinie\n\n"
    "Der Stadtrat von Bristol hat am Dienstag eine neue Straßenbahnlinie genehmigt, sagte der Bürgermeister. "
    "Das Projekt kostet 120 Millionen Pfund und soll 2027 eröffnet werden. "
    "Kritiker sagen, die Strecke übergehe die ärmsten Viertel.\n"
)
FR_ARTICLE = (
    "Le conseil municipal approuve une nouvelle ligne de tramway\n\n"
    "Le conseil municipal de Bristol a approuvé mardi une nouvelle ligne de tramway, a déclaré le maire. "
    "Le projet coûtera 120 millions de livres et devrait ouvrir en 2027. "
    "Les critiques estiment que le tracé ignore les quartiers les plus pauvres.\n"
)


@pytest.fixture
def small_family(tmp_path: Path) -> Path:
    """A three-language family written for the tests (not the seeds)."""
    folder = tmp_path / "family"
    folder.mkdir()
    (folder / "en.txt").write_text(EN_ARTICLE, encoding="utf-8")
    (folder / "de.txt").write_text(DE_ARTICLE, encoding="utf-8")
    (folder / "fr.md").write_text(FR_ARTICLE, encoding="utf-8")
    return folder


def run_spin(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``python -m spin`` in a subprocess, as a user would."""
    full_env = {**os.environ, "MPLBACKEND": "Agg", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "spin", *args], cwd=cwd or ROOT, env=full_env,
        capture_output=True, text=True, timeout=timeout,
    )
