"""The notebooks run from a clean kernel, so they can never rot."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "quickstart.ipynb"


def _execute(path: Path, folder: Path) -> list[dict]:
    """Run a notebook from a clean kernel in ``folder``; its code cells' outputs, after
    checking that none is an error."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
        allow_errors=False,
    )
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    return outputs


def test_quickstart_notebook_runs(tmp_path: Path) -> None:
    outputs = _execute(NOTEBOOK, tmp_path)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 11  # every plot drew


def test_experiments_notebook_runs(tmp_path: Path) -> None:
    """notebooks/experiments.ipynb runs a small experiment, loads it and draws both experiment
    plots from a clean kernel, without an error, and writes the experiment report."""
    outputs = _execute(NOTEBOOK.with_name("experiments.ipynb"), tmp_path)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2  # plot_kpi_by_point and plot_factor_effect
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "12 runs, 0 failed" in text and "paired by replication" in text
    assert "report.html" in str(outputs[-1].get("data", {}).get("text/plain", ""))
