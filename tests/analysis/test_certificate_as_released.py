"""A downgraded plate's 3.1 certificate states the released grade's requirements, never the
ordered grade's, and claims only what the tests made show.

Before, the hardness window came from tests.csv (the lab's limits, the ordered grade's): an
NM500 plate released as NM450 printed "464 HBW (required 470–530)" under Grade NM450, and an
NM450 plate Charpy-tested at −20 °C (NM500's temperature) was stated as impact quality E
(−40 °C). Two short baseline runs are checked, plate by plate: the baseline itself and one
whose NM500 window is raised above its plates (so they are downgraded; they stay NM500, the
NM450 they were once released as being tested colder than they were, and a 0.4.0-style run
folder checks the certificate of one released as NM450) and whose NM450 window is widened (so
the certificate must read the scenario's grade, not a copy of the defaults).
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from core_support import BASELINE, SHORT

from mill.analysis import Run, certificate_data, load_run
from mill.analysis.certificate_html import certificate_html
from mill.analysis.specification import charpy_specimen, chemistry_limits, table3_quality
from mill.model.run import run_scenario
from mill.quality.toughness import charpy_conforms
from mill.scenario import load_scenario

RAISED = [
    *SHORT,
    "grades.NM500.surface_hbw=[540,600]",
    "grades.NM450.surface_hbw=[420,560]",
]


@pytest.fixture(scope="module")
def raised(tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("raised") / "run"
    run_scenario(load_scenario(BASELINE, RAISED), out)
    return load_run(out)


@pytest.fixture(params=["baseline", "raised"])
def run(request: pytest.FixtureRequest, sim: Run) -> Run:
    return sim if request.param == "baseline" else request.getfixturevalue("raised")


def _downgraded(run: Run) -> list[str]:
    p = run.plates
    return list(p.loc[p["disposition"].astype(str) == "downgraded", "plate_id"])


def _window(spec: dict[str, Any], thickness: float) -> tuple[float, float]:
    thick = thickness > float(spec["thick_above_mm"])
    low, high = spec["surface_hbw_thick" if thick else "surface_hbw"]
    return float(low), float(high)


def test_every_requirement_is_the_released_grades(run: Run) -> None:
    """For every downgraded plate: the grade, hardness window for its thickness, centre
    minimum, Charpy temperature, required mean and single value (for the specimen size its
    thickness gives), impact quality, CEV maximum and chemistry limits are the released
    grade's, in the JSON and on the page."""
    plates = run.plates.set_index("plate_id")
    frac = float(run.scenario["quality"]["testing"]["charpy_single_min_frac"])
    wrong: list[str] = []
    pages: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for pid in _downgraded(run):
        plate = plates.loc[pid]
        released = str(plate["grade_released"])
        spec = run.grade_spec(released)
        t = float(plate["thickness_mm"])
        data = certificate_data(run, pid)
        hard, kv = data["hardness"], data["charpy"]
        factor = charpy_specimen(t)["energy_factor"]
        quality = table3_quality(released, spec["charpy_temp_c"])
        low, high = _window(spec, t)
        stated = {
            "grade": data["product"]["grade"],
            "window": (hard["surface"]["spec_min_hbw"], hard["surface"]["spec_max_hbw"]),
            "centre": hard.get("centre", {}).get("spec_min_hbw", spec["centre_min_hbw"]),
            "average": round(kv["spec_min_average_j"], 6),
            "single": round(kv["spec_min_single_j"], 6),
            "quality": data["product"]["impact_quality"],
            "limits": data["chemistry"]["limits"],
        }
        required = {
            "grade": released,
            "window": (low, high),
            "centre": spec["centre_min_hbw"],
            "average": round(spec["charpy_min_j"] * factor, 6),
            "single": round(frac * spec["charpy_min_j"] * factor, 6),
            "quality": quality,
            "limits": chemistry_limits(released, quality, t),
        }
        wrong += [
            f"{pid} ({plate['grade_ordered']} → {released}) {key}: {stated[key]} ≠ {value}"
            for key, value in required.items()
            if stated[key] != value
        ]
        pages.append((pid, data, spec))
    assert pages and not wrong, "\n".join(wrong)
    for pid, data, spec in pages:
        released, kv = data["product"]["grade"], data["charpy"]
        assert kv["grade"] == released and kv["spec_temperature_c"] == spec["charpy_temp_c"]
        page = certificate_html(data)
        low, high = _window(spec, float(data["product"]["thickness_mm"]))
        assert f"required for {released}: {low:,.0f}–{high:,.0f} HBW" in page, pid
        assert f"{released}: average ≥ {kv['spec_min_average_j']:,.0f} J" in page, pid
        assert f"at {spec['charpy_temp_c']:,.0f} °C (the mean" in page, pid


def _conforming_results_within(data: dict[str, Any]) -> None:
    """Each result the certificate says conforms lies within the requirement beside it; each
    it says fails lies outside; the statement claims compliance only when all conform, every
    requirement was tested and the heat analysis is within its limits."""
    s = data["hardness"]["surface"]
    inside = s["spec_min_hbw"] <= s["value_hbw"] <= s["spec_max_hbw"]
    assert s["conforms"] is inside
    if "centre" in data["hardness"]:
        c = data["hardness"]["centre"]
        assert c["conforms"] is (c["value_hbw"] >= c["spec_min_hbw"])
    kv = data["charpy"]
    if not kv.get("requirement_applies", True):  # over 80 mm: values for information only
        assert kv["conforms"] is None
    elif kv["requirement_verified"]:
        assert kv["temperature_c"] <= kv["spec_temperature_c"]
        first = [v for v, r in zip(kv["individual_j"], kv["retest"], strict=True) if not r]
        last = [v for v, r in zip(kv["individual_j"], kv["retest"], strict=True) if r]
        fraction = kv["spec_min_single_j"] / kv["spec_min_average_j"]
        rule = charpy_conforms(first, kv["spec_min_average_j"], fraction, last or None)
        assert kv["conforms"] is rule
    else:
        assert kv["conforms"] is None and kv["not_verified"]
    flat = data["flatness"]
    if flat["conforms"]:
        assert flat["value_mm_per_m"] <= flat["tolerance_mm_per_m"]
    verdicts = [s["conforms"], kv["conforms"], flat["conforms"]]
    verdicts += [data["hardness"]["centre"]["conforms"]] if "centre" in data["hardness"] else []
    comp = data["compliance"]
    if comp["compliant"]:
        assert all(v is not False for v in verdicts) and kv["requirement_verified"]
        assert not data["chemistry"]["outside_limits"]
        assert "complies with its requirements" in comp["statement"]
    else:
        assert "complies" not in comp["statement"]


def test_results_said_to_conform_lie_within_the_released_requirement(run: Run) -> None:
    """For every downgraded plate, the verdicts printed agree with the values and the released
    grade's requirements, and the statement claims compliance only when they all hold."""
    for pid in _downgraded(run):
        _conforming_results_within(certificate_data(run, pid))


def _released_as(run: Run, plate_id: str, grade: str, folder: Path) -> Run:
    """A copy of ``run``'s folder in which ``plate_id`` was released as ``grade`` (as mill
    0.4.0 released an NM500 plate downgraded for its hardness as NM450), loaded unverified."""
    shutil.copytree(run.path, folder)
    path = folder / "plates.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("grade_released")
    for row in rows[1:]:
        if row[0] == plate_id:
            row[col] = grade
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return load_run(folder, verify=False)


def test_an_nm500_plate_is_not_released_as_nm450(raised: Run) -> None:
    """NM450's impact test (−40 °C) is colder than the −20 °C an NM500 plate was tested at,
    and NM500 heats exceed NM450's CEV maximum: an NM500 plate downgraded for its hardness
    stays NM500 non-prime (mill 0.4.0 released such plates as NM450)."""
    p = raised.plates
    down = p[(p["disposition"].astype(str) == "downgraded")
             & (p["grade_ordered"].astype(str) == "NM500")]  # fmt: skip
    assert not down.empty
    assert (down["grade_released"].astype(str) == "NM500").all()


def test_an_untested_impact_requirement_is_stated_not_claimed(raised: Run, tmp_path: Path) -> None:
    """An NM500 plate (Charpy at −20 °C) released as NM450 (−40 °C, impact quality E), as in
    a run folder of mill 0.4.0: the certificate gives the test as made at −20 °C, says
    NM450's −40 °C requirement was not tested, does not call the plate impact quality E, and
    claims no compliance."""
    p = raised.plates
    down = p[(p["disposition"].astype(str) == "downgraded")
             & (p["grade_ordered"].astype(str) == "NM500")]  # fmt: skip
    assert not down.empty
    pid = str(down["plate_id"].iloc[0])
    old = _released_as(raised, pid, "NM450", tmp_path / "run")
    data = certificate_data(old, pid)
    kv = data["charpy"]
    assert kv["temperature_c"] == -20.0 and kv["spec_temperature_c"] == -40.0
    assert not kv["requirement_verified"] and kv["conforms"] is None
    assert data["product"]["impact_quality_verified"] is False
    comp = data["compliance"]
    assert not comp["compliant"] and comp["requirements_not_tested"] == kv["not_verified"]
    assert "NM450 impact requirement was not tested" in comp["statement"]
    page = certificate_html(data)
    assert "<th>Grade</th><td>NM450 (impact quality E not tested: see the impact test)" in page
    assert re.search(r"requirement not tested: NM450 requires the impact test at -40", page)


def test_html_marks_a_failing_result(raised: Run, tmp_path: Path) -> None:
    """A result outside the released grade's requirement is shown as not met (the NM450
    plates downgraded for their centre hardness keep NM450 and fail its centre minimum)."""
    for pid in _downgraded(raised):
        data = certificate_data(raised, pid)
        centre = data["hardness"].get("centre")
        if centre is not None and centre["conforms"] is False:
            page = certificate_html(data)
            assert f"min {centre['spec_min_hbw']:,.0f} HBW); not met</span>" in page
            assert not data["compliance"]["compliant"]
            return
    pytest.skip("no downgraded plate of this run fails its centre minimum")
