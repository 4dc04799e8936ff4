"""The inspection regimes (``mill.model.regimes``): off by default and then absent from the
plant; on, each is a unit of its own that lowers the escapes it targets for the same seed.

The runs are short baselines with the targeted defect made common (a rate override), so the
counts are large enough to compare in one pair of runs with common random numbers; every
escape must also carry a reason, and the summary's counts must agree with the plates table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from core_support import BASELINE

from mill.model.escapes import NONCONFORMITIES, REASONS
from mill.model.run import RunResult, run_scenario
from mill.scenario import load_scenario

SHORT = ["run.horizon_days=3", "run.warmup_days=0.5"]
SURFACE = ("surface_crack", "rolled_in_scale", "quench_crack")


def _run(tmp: Path, name: str, overrides: list[str]) -> tuple[RunResult, pd.DataFrame]:
    sc = load_scenario(BASELINE, [*SHORT, *overrides])
    result = run_scenario(sc, tmp / name)
    return result, pd.read_csv(result.path / "plates.csv", low_memory=False)


def _escapes_of(plates: pd.DataFrame, kinds: tuple[str, ...], reason: str = "") -> int:
    """Escaped plates (all disposed, not only the KPI window) with one of these nonconformities
    (and this reason, if given)."""
    cells = plates.loc[plates["escape"].astype(bool), "escape_reasons"].fillna("")
    return sum(
        any(
            pair.split(":")[0] in kinds and (not reason or pair.split(":")[1] == reason)
            for pair in cell.split(";")
            if pair
        )
        for cell in cells
    )


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, pd.DataFrame]:
    return _run(tmp_path_factory.mktemp("regimes"), "baseline", [])


def test_the_regimes_are_off_by_default_and_their_units_absent(
    baseline_run: tuple[RunResult, pd.DataFrame],
) -> None:
    """No regime unit in the equipment table or the summary; the summary says none is on."""
    result, _ = baseline_run
    units = set(pd.read_csv(result.path / "equipment.csv")["unit"])
    assert not units & {"surface_inspection", "edge_mt", "hardness_tester"}
    assert result.summary["inspection_regimes"] == {"enabled": []}


def test_every_escape_has_known_reasons_and_the_summary_counts_agree(
    baseline_run: tuple[RunResult, pd.DataFrame],
) -> None:
    """Each escaped plate lists at least one nonconformity:reason pair, each known; no other
    plate lists any; the summary's counts by mechanism equal the plates table's."""
    result, plates = baseline_run
    cells = plates["escape_reasons"].fillna("")
    escaped = plates["escape"].astype(bool)
    assert (cells[~escaped] == "").all()
    assert (cells[escaped] != "").all() and escaped.sum() > 0
    window = plates[escaped & plates["in_window"].astype(bool)]
    counted = dict.fromkeys(NONCONFORMITIES, 0)
    for cell in window["escape_reasons"]:
        pairs = [p.split(":") for p in cell.split(";")]
        assert all(what in NONCONFORMITIES and why in REASONS for what, why in pairs)
        for what in {what for what, _ in pairs}:
            counted[what] += 1
    assert result.summary["escapes"]["by_mechanism"] == dict(sorted(counted.items()))


def test_missed_defects_say_why_and_found_ones_do_not(
    baseline_run: tuple[RunResult, pd.DataFrame],
) -> None:
    result, _ = baseline_run
    d = pd.read_csv(result.path / "defects.csv", low_memory=False)
    missed = d["call"] == "missed"
    assert d.loc[missed, "missed_reason"].notna().all()
    assert d.loc[~missed, "missed_reason"].isna().all()


def test_surface_inspection_lowers_surface_escapes(tmp_path: Path) -> None:
    """Surface cracks and scale made common; the same seed with and without the system."""
    common = [
        "quality.defect_rates.surface_crack_rate_per_m2=0.01",
        "quality.defect_rates.scale_rate_per_m2=0.01",
    ]
    _, off = _run(tmp_path, "off", common)
    on_result, on = _run(tmp_path, "on", [*common, "plant.surface_inspection.enabled=true"])
    assert _escapes_of(on, SURFACE) < 0.5 * _escapes_of(off, SURFACE)
    found_by = pd.read_csv(on_result.path / "defects.csv", low_memory=False)["detected_by"]
    assert (found_by == "surface_inspection").sum() > 0
    regimes = on_result.summary["inspection_regimes"]
    assert regimes["enabled"] == ["surface_inspection"] and regimes["surface_flags"] > 0
    assert on_result.summary["utilisation"]["surface_inspection"]["departures"] > 0


def test_edge_mt_after_a_hold_lowers_cut_edge_crack_escapes(tmp_path: Path) -> None:
    """Cut-edge cracks made common and quick to show (median 2 h); a 6 h hold, then MT."""
    common = [
        "quality.defect_rates.cut_crack_prob_ok=0.3",
        "quality.defect_rates.cut_crack_prob_no_preheat=0.6",
        "quality.cut_edges.visible_median_h=2",
    ]
    _, off = _run(tmp_path, "off", common)
    _, on = _run(
        tmp_path, "on", [*common, "plant.edge_mt.enabled=true", "quality.cut_edges.hold_h=6"]
    )
    edge = ("cut_edge_crack",)
    assert _escapes_of(off, edge) >= 5
    assert _escapes_of(on, edge) < 0.5 * _escapes_of(off, edge)
    done = on[on["disposition"] != "wip"]
    assert ((done["done_min"] - done["cut_min"]) >= 6 * 60 - 1e-6).all(), "the hold is kept"


def test_a_portable_reading_on_every_plate_lowers_lot_tested_hardness_escapes(
    tmp_path: Path,
) -> None:
    """Plate-to-plate hardness scatter made wide, so lots hide out-of-window plates."""
    common = ["quality.testing.plate_hardness_scatter_hbw=25"]
    _, off = _run(tmp_path, "off", common)
    on_result, on = _run(tmp_path, "on", [*common, "plant.hardness_tester.enabled=true"])
    hard = ("hardness_surface",)
    assert _escapes_of(off, hard, "lot_tested_only") >= 5
    assert _escapes_of(on, hard) < _escapes_of(off, hard)
    tests = pd.read_csv(on_result.path / "tests.csv", low_memory=False)
    portable = tests[tests["kind"] == "hardness_portable"]
    assert portable["entity_id"].is_unique
    # every plate disposed (under its own id: a re-sized one is renamed) was read once
    disposed = on[(on["disposition"] != "wip") & ~on["plate_id"].str.contains("R")]
    assert len(disposed) > 100 and set(disposed["plate_id"]) <= set(portable["entity_id"])


def test_phased_array_ut_misses_fewer_internal_defects_and_scans_slower(tmp_path: Path) -> None:
    """Inclusions made common (thousands); PA's smaller a50/a90 leaves fewer missed by POD (the
    manual re-check of the flagged zones, unchanged, still dismisses some), at a slower scan
    (longer UT visits)."""
    common = ["quality.defect_rates.inclusion_rate_per_m2=0.2"]
    off_result, _ = _run(tmp_path, "off", common)
    on_result, _ = _run(tmp_path, "on", [*common, "plant.ut.phased_array=true"])

    def missed_share(result: RunResult) -> float:
        d = pd.read_csv(result.path / "defects.csv", low_memory=False)
        internal = d[d["mechanism"] == "inclusion_cluster"]
        return float((internal["missed_reason"] == "missed_by_pod").mean())

    def ut_minutes(result: RunResult) -> float:
        e = pd.read_csv(result.path / "events.csv", low_memory=False)
        ut = e[e["unit"] == "ut"]
        return float((ut["end_min"] - ut["start_min"]).mean())

    assert missed_share(on_result) < missed_share(off_result) - 0.03
    assert ut_minutes(on_result) > ut_minutes(off_result)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("quality.ultrasonic.pa_a90_mm=1", "quality.ultrasonic: pa_a90_mm must be larger"),
        ("quality.cut_edges.mt_a90_mm=0.5", "quality.cut_edges: mt_a90_mm must be larger"),
        ("quality.cut_edges.hold_h=-1", "quality.cut_edges.hold_h"),
        ("plant.edge_mt.min_per_m=99", "plant.edge_mt.min_per_m"),
        ("plant.surface_inspection.speed_m_per_s=0", "plant.surface_inspection.speed_m_per_s"),
    ],
)
def test_a_wrong_regime_setting_names_its_path(override: str, message: str) -> None:
    """The regimes' settings are validated like every other field."""
    from mill.scenario import ScenarioError

    with pytest.raises(ScenarioError, match=message.replace(".", r"\.")):
        load_scenario(BASELINE, [override])


def test_the_reports_escape_table_counts_each_pair_of_the_plates_table(
    baseline_run: tuple[RunResult, pd.DataFrame],
) -> None:
    """``mill.analysis.escape_reasons``: one count per nonconformity:reason pair of the escapes
    in the KPI window, and the report shows the table."""
    from mill.analysis import escape_reasons, report_html

    result, plates = baseline_run
    window = plates[plates["escape"].astype(bool) & plates["in_window"].astype(bool)]
    pairs = [p for cell in window["escape_reasons"] for p in cell.split(";")]
    table = escape_reasons(result.path)
    assert table.loc["all", "all"] == len(pairs)
    for pair in set(pairs):
        what, why = pair.split(":")
        assert table.loc[what, why] == pairs.count(pair)
    assert "why it got through" in report_html(result.path)
