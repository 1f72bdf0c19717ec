"""The notebooks: stored without outputs, and each runs top to bottom within its time budget."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
BUDGET_SECONDS = 60


def test_the_five_notebooks_exist():
    assert [path.name for path in NOTEBOOKS] == [
        "01_story.ipynb", "02_editorialising.ipynb", "03_translation.ipynb", "04_provenance.ipynb",
        "05_your_family.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and notebook.cells[0].cell_type == "markdown"
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert notebook.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_uses_only_the_public_api(path):
    source = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code")
    assert "import spin" in source
    assert "spin._" not in source and "._" not in source.replace("__", "")
    assert "def " not in source and "class " not in source  # no analysis logic in cells


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_top_to_bottom(path):
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    started = time.monotonic()
    NotebookClient(notebook, timeout=BUDGET_SECONDS, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    elapsed = time.monotonic() - started
    errors = [output for cell in notebook.cells for output in cell.get("outputs", []) if output.output_type == "error"]
    assert not errors
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.strip().splitlines()[-1].startswith("figures."):
            assert any("image/png" in output.get("data", {}) for output in cell.outputs), cell.source
    assert elapsed <= BUDGET_SECONDS, f"{path.name} took {elapsed:.0f} s"
