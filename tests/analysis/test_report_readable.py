"""The report reads as a quality engineer needs it (issue 11, item 7): the KPI table has a
header and prints counts as counts; dispositions and reason codes are there and add up to the
plates; legends sit off the bars; count axes have whole-number ticks."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from matplotlib.figure import Figure

from mill.analysis import (
    Run,
    disposition_reasons,
    kpis,
    plot_charpy,
    plot_hardness,
    plot_lead_time,
    plot_origin_detection,
    plot_pareto,
    plot_wip_throughput,
    report_html,
)


@pytest.fixture(scope="module")
def page(sim: Run) -> str:
    return report_html(sim)


def _kpi_rows(page: str) -> dict[str, str]:
    start = page.index("<th>KPI (after the warm-up)</th>")
    table = page[start : page.index("</table>", start)]
    return dict(re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td></tr>", table))


def test_the_kpi_table_has_a_header_and_counts_print_as_integers(sim: Run, page: str) -> None:
    assert "<th>index</th>" not in page
    rows = _kpi_rows(page)
    k = kpis(sim)
    released = int(sim.summary["plates"]["released"])
    assert rows["plates released"] == f"{released:,}"
    for label in ("plates prime", "plates downgraded", "plates scrapped", "escapes (plates)"):
        assert re.fullmatch(r"[\d,]+", rows[label]), (label, rows[label])
        assert int(rows[label].replace(",", "")) == int(k[label])
    mech = next(m for m in sim.summary["defects"]["by_mechanism"])
    assert re.fullmatch(r"[\d,]+", rows[f"{mech} true"])
    # a measure that is not a count keeps its decimals
    assert rows["throughput (t/h)"] == f"{k['throughput (t/h)']:,.2f}"
    tiles = dict(
        (label, value)
        for value, label in re.findall(r"<div class='kpi'><b>([^<]*)</b><span>([^<]*)</span>", page)
    )
    assert tiles["escapes (plates)"] == f"{int(k['escapes (plates)']):,}"


def test_dispositions_and_reason_codes_add_up_to_the_plates(sim: Run, page: str) -> None:
    table = disposition_reasons(sim)
    p = sim.plates[sim.plates["disposition"].astype(str) != "wip"]
    p = p[p["in_window"].astype(bool)]
    assert table["plates"].sum() == len(p)
    assert table["mass_t"].sum() == pytest.approx(float(p["mass_t"].sum()))
    assert table["escapes"].sum() == int(p["escape"].astype(bool).sum())
    assert table["false_rejects"].sum() == int(p["false_reject"].astype(bool).sum())
    codes = {str(c) for c in p["reason"].dropna() if str(c)}
    assert codes == {c for c in table.index.get_level_values("reason") if c}
    assert codes, "the short baseline run has non-prime dispositions with reason codes"
    rules = {r["reason"]: r for r in sim.scenario["quality"]["disposition"]["rules"]}
    for (disp, code), row in table.iterrows():
        if code in rules:
            assert row["rule"].startswith(f"{rules[code]['condition']} → {rules[code]['action']}")
        n = int(((p["disposition"].astype(str) == disp) & (p["reason"].fillna("") == code)).sum())
        assert row["plates"] == n
    assert "<h2>Dispositions and reason codes</h2>" in page
    for code in codes:
        assert f">{code}</td>" in page


def _boxes_overlap(a: object, b: object) -> bool:
    return bool(a.overlaps(b))  # type: ignore[attr-defined]


LEGENDED = [plot_charpy, plot_hardness, plot_lead_time, plot_wip_throughput]


@pytest.mark.parametrize("plot", LEGENDED, ids=lambda f: f.__name__)
def test_legends_sit_off_the_data(sim: Run, plot: Callable[[Run], Figure]) -> None:
    """No legend overlaps the area its axes draws data in (it used to cover the bars)."""
    fig = plot(sim)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    checked = 0
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        checked += 1
        box = legend.get_window_extent(renderer)
        assert not _boxes_overlap(box, ax.get_window_extent(renderer)), ax.get_title()
    assert checked


def _integer_ticks(ticks: list[float]) -> bool:
    return all(float(t).is_integer() for t in ticks)


def test_count_axes_have_whole_number_ticks(sim: Run) -> None:
    """Even where a panel holds one or two tests (a grade barely made in a short run)."""
    for plot in (plot_charpy, plot_hardness, plot_lead_time, plot_pareto):
        fig = plot(sim)
        fig.canvas.draw()
        counts = [ax for ax in fig.axes if "(count)" in ax.get_ylabel()]
        assert counts, plot.__name__
        for ax in counts:
            lo, hi = ax.get_ylim()
            shown = [t for t in ax.get_yticks() if lo <= t <= hi]
            assert _integer_ticks(shown), (plot.__name__, ax.get_title(), shown)
    fig = plot_origin_detection(sim)
    fig.canvas.draw()
    bar = next(ax for ax in fig.axes if ax.get_label() == "<colorbar>")
    lo, hi = bar.get_ylim()
    assert _integer_ticks([t for t in bar.get_yticks() if lo <= t <= hi])


def test_a_handful_of_tests_still_gets_whole_ticks(syn: Run) -> None:
    """The hand-made run has a few tests per panel (bins of 0 or 1): where 0.2, 0.4... showed."""
    for plot in (plot_charpy, plot_hardness):
        fig = plot(syn)
        fig.canvas.draw()
        for ax in (ax for ax in fig.axes if "(count)" in ax.get_ylabel()):
            lo, hi = ax.get_ylim()
            assert hi < 10  # a small panel indeed
            shown = [t for t in ax.get_yticks() if lo <= t <= hi]
            assert _integer_ticks(shown), (plot.__name__, shown)
