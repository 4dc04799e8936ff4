"""The report's KPI table names its scrap for what it is.

"scrap (t) 0.00" beside yields where a tenth of the slab tonnes went to crops, trims and kerf
reads as "no scrap". The scrapped plates' rows say they are plates, and the process scrap has
rows of its own, in tonnes and as a share of the slab tonnes, with units.
"""

from __future__ import annotations

import re

import pytest

from mill.analysis import Run, kpis, report_html


@pytest.fixture(scope="module")
def rows(sim: Run) -> dict[str, str]:
    page = report_html(sim)
    start = page.index("<th>KPI (after the warm-up)</th>")
    table = page[start : page.index("</table>", start)]
    return dict(re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", table))


def test_plate_scrap_and_process_scrap_are_separate_labelled_rows(rows: dict[str, str]) -> None:
    """No bare "scrap (t)": the scrapped plates' tonnes, the process scrap's tonnes and its
    share of the slab tonnes each have a row whose label carries its unit."""
    assert "scrap (t)" not in rows
    for label in ("scrapped plates (t)", "process scrap (t)", "slab → process scrap (%)"):
        assert label in rows, sorted(rows)
    assert "plates scrapped" in rows


def test_the_process_scrap_closes_the_slab_tonnes(sim: Run, rows: dict[str, str]) -> None:
    """The slab tonnes of the window's plates are prime + downgraded + scrapped plates +
    process scrap + scale loss (to the rounding of the summary's shares), and the table
    prints the process scrap share the summary gives."""
    k = kpis(sim)
    y = sim.summary["yield_by_tonnage"]
    scale_t = y["slab_t"] * y["slab_to_scale_loss_pct"] / 100.0
    parts = k["prime (t)"] + k["downgraded (t)"] + k["scrapped plates (t)"]
    assert parts + k["process scrap (t)"] + scale_t == pytest.approx(y["slab_t"], abs=0.5)
    assert k["process scrap (t)"] > 0
    assert rows["slab → process scrap (%)"] == f"{y['slab_to_process_scrap_pct']:,.2f}"
    assert rows["process scrap (t)"] == f"{k['process scrap (t)']:,.2f}"
