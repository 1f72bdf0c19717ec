"""Nothing is downloaded at run time: spin analyze runs with every socket refused."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from spin.errors import MissingResource
from spin.offline import require_cmudict
from tests.conftest import SEEDS, run_spin

SOCKET_BLOCKER = textwrap.dedent(
    """
    import socket

    class NetworkBlocked(OSError):
        pass

    def refuse(*args, **kwargs):
        raise NetworkBlocked("network access attempted during an offline test")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    """
)


@pytest.fixture
def blocked_network_env(tmp_path: Path) -> dict:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SOCKET_BLOCKER, encoding="utf-8")
    return {"PYTHONPATH": str(site), "NLTK_DATA": ""}


def test_the_socket_blocker_really_blocks(blocked_network_env):
    from tests.conftest import ROOT
    import subprocess, sys, os

    probe = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('pypi.org', 443), timeout=5)"],
        env={**os.environ, **blocked_network_env}, capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert probe.returncode != 0 and "network access attempted" in probe.stderr


@pytest.mark.slow
def test_analyze_seeds_with_network_blocked(blocked_network_env, tmp_path):
    result = run_spin("analyze", str(SEEDS), "--out", str(tmp_path / "out"), "--quiet", env=blocked_network_env)
    assert result.returncode == 0, result.stderr
    assert "network access attempted" not in result.stderr
    readability = pd.read_csv(tmp_path / "out" / "readability.csv")
    assert readability["words"].gt(100).all()


def test_missing_cmudict_is_refused_with_a_clear_message(monkeypatch, tmp_path):
    import nltk

    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    with pytest.raises(MissingResource, match="never downloads data"):
        require_cmudict()
