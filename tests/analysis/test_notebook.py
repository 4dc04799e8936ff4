"""The notebooks run from a clean kernel, so they can never rot."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "quickstart.ipynb"


def test_quickstart_notebook_runs(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
        allow_errors=False,
    )
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 11  # every plot drew


def test_experiments_notebook_runs(tmp_path: Path) -> None:
    """notebooks/experiments.ipynb runs a small experiment, loads it and draws both experiment
    plots from a clean kernel, without an error, and writes the experiment report."""
    nb = nbformat.read(NOTEBOOK.with_name("experiments.ipynb"), as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
        allow_errors=False,
    )
    client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2  # plot_kpi_by_point and plot_factor_effect
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "12 runs, 0 failed" in text and "paired by replication" in text
    assert "report.html" in str(outputs[-1].get("data", {}).get("text/plain", ""))
