"""Bad scenario input is refused by ``mill validate`` and ``mill run`` alike, with exit status 2,
one ``mill: error:`` line naming the field path (or the file) and no traceback, and ``run``
writes nothing. Each case here once escaped as a traceback, was caught only mid-run, or was
accepted although wrong (issues 12 and 15).
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest
from core_support import BASELINE, TINY
from fault_support import call, files_under, one_user_error, user_error

from mill.quality.chemistry import GBT24186_LIMITS
from mill.quality.cutting import _PREHEAT, required_preheat_c
from mill.scenario import ScenarioError, load_scenario, validate
from mill.scenario.load import MAX_SCENARIO_BYTES
from mill.scenario.products import MAX_ALLOYING_PCT, PREHEAT_CLASSES, preheat_class

TINY_SET = [f"--set={o}" for o in TINY]


def validate_and_run(tmp_path: Path, scenario: Path | str, *sets: str) -> tuple[str, str]:
    """``mill validate`` and ``mill run`` of the same input: both must be the same user error
    (one message), and ``run`` must leave its parent folder as it found it."""
    args = [f"--set={s}" for s in sets]
    v = one_user_error(*call("validate", str(scenario), *args)[::2])
    parent = tmp_path / "runs"
    parent.mkdir(exist_ok=True)
    before = files_under(parent)
    r = one_user_error(
        *call("run", str(scenario), *args, *TINY_SET, "--out", str(parent / "x"))[::2]
    )
    assert files_under(parent) == before and not (parent / "x").exists()
    assert list(parent.iterdir()) == []
    assert v == r, "validate and run must refuse the same input with the same message"
    return v, r


# ---- distributions whose parameters overflow or leave the field's range --------------------
@pytest.mark.parametrize("sigma", ["40", "1e200"])
def test_a_lognormal_with_a_huge_sigma_is_refused_naming_its_path(
    tmp_path: Path, sigma: str
) -> None:
    """sigma_ln = 40 overflowed ``LogNormal.mean`` (OverflowError); now the field says how much
    of the distribution lies past its range."""
    msg, _ = validate_and_run(
        tmp_path,
        BASELINE,
        "plant.reheat_furnace.breakdown="
        f'{{mtbf_h=200.0, mttr_min={{kind="lognormal", median=45, sigma_ln={sigma}}}}}',
    )
    assert msg.startswith("plant.reheat_furnace.breakdown.mttr_min: draws above 10000 with p = ")


@pytest.mark.parametrize(
    ("field", "mean", "lo"),
    [
        ("plant.quench.htc_w_m2k", 11740, "500"),  # a draw near 0 broke the quench root solver
        ("plant.reheat_furnace.descale_pressure_bar", 143, "50"),  # looped in the scale model
    ],
)
def test_an_exponential_that_draws_outside_the_field_range_is_refused(
    tmp_path: Path, field: str, mean: int, lo: str
) -> None:
    """An exponential's mean may be in range while a share of its draws is not: such a spec is
    refused with the share below and above, instead of reaching the model."""
    msg, _ = validate_and_run(tmp_path, BASELINE, f'{field}={{kind="exponential", mean={mean}}}')
    assert msg.startswith(f"{field}: draws below {lo} with p = ")
    assert "an exponential has no low/high" in msg


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_non_finite_distribution_parameter_is_refused(value: str) -> None:
    """TOML can write nan and inf; no distribution parameter may be either."""
    spec = {"kind": "normal", "mean": 9000, "sd": float(value)}
    with pytest.raises(ScenarioError) as info:
        validate({"plant": {"quench": {"htc_w_m2k": spec}}})
    assert info.value.messages == ["plant.quench.htc_w_m2k.sd: must be a finite number"]


# ---- a plant or grade the model cannot work with ------------------------------------------
def test_a_plant_with_no_cutting_table_is_refused_at_validation(tmp_path: Path) -> None:
    """No plasma and no oxy-fuel table: the run used to stop mid-way with a KeyError."""
    msg, _ = validate_and_run(
        tmp_path, BASELINE, "plant.cutting.plasma_tables=0", "plant.cutting.oxyfuel_tables=0"
    )
    assert msg.startswith("plant.cutting: plasma_tables and oxyfuel_tables are both 0")


def test_a_grade_with_no_preheat_table_is_refused_by_validate_as_by_run(tmp_path: Path) -> None:
    """``[grades.NM360]`` passed ``mill validate`` and failed in ``mill run`` with "no preheat
    table": both now refuse it, naming the grade."""
    scenario = tmp_path / "nm360.toml"
    scenario.write_text(
        "[grades.NM360]\n"
        "aim_pct = { C = 0.16, Mn = 1.2 }\nsigma_pct = { C = 0.008 }\n"
        "surface_hbw = [330, 390]\nsurface_hbw_thick = [320, 400]\n"
        "centre_min_hbw = 300\ntemper_temp_c = 230\n",
        encoding="utf-8",
    )
    msg, _ = validate_and_run(tmp_path, scenario)
    assert msg.startswith("grades.NM360: no oxy-fuel cutting preheat for this grade")


@pytest.mark.parametrize("name", ["NM400", "NM450E", "XAR500", "NM360", "NM", "Hardox", "S355"])
def test_the_scenario_accepts_exactly_the_grades_the_cutting_model_can_preheat(name: str) -> None:
    """One function decides which grade names have a preheat table: a name the scenario takes
    gets a preheat at every thickness, a name it refuses is refused by the cutting model too."""
    assert set(PREHEAT_CLASSES) == set(_PREHEAT)
    if preheat_class(name) is None:
        with pytest.raises(ValueError, match="no preheat table"):
            required_preheat_c(name, 20.0)
    else:
        assert all(required_preheat_c(name, t) >= 0 for t in (3.0, 40.0, 80.0, 200.0))


def test_an_aim_chemistry_must_leave_iron_as_the_balance() -> None:
    """21 elements at 5 % each (105 %) were accepted; the elements of an aim now add up to at
    most MAX_ALLOYING_PCT, for the base aim and for the rich aim laid over it."""
    symbols = ["C", "Si", "Mn", "P", "S", "Cr", "Ni", "Mo", "Ti", "B", "Al"]
    symbols += ["Cu", "N", "V", "Nb", "W", "Co", "Zr", "Ca", "Ce", "La"]
    assert len(symbols) == 21
    with pytest.raises(ScenarioError) as info:
        validate({"grades": {"NM400": {"aim_pct": dict.fromkeys(symbols, 5.0)}}})
    assert info.value.messages == [
        "grades.NM400.aim_pct: the elements add up to 105 wt %; iron is the balance of a "
        f"low-alloy wear steel, so they may add up to {MAX_ALLOYING_PCT:g} wt % at most"
    ]
    with pytest.raises(ScenarioError) as info:
        validate({"grades": {"NM400": {"aim_rich_pct": {"Cr": 5.0, "Ni": 5.0}}}})
    assert info.value.messages[0].startswith("grades.NM400.aim_rich_pct: the elements add up")


def test_the_alloying_limit_admits_every_chemistry_the_standard_admits() -> None:
    """An aim at every GB/T 24186 Table 2 maximum (the richest chemistry the standard allows,
    with Al at 0.1 %) is a valid aim."""
    for grade, limits in GBT24186_LIMITS.items():
        aim = {el: (hi if hi != float("inf") else 0.1) for el, (_lo, hi) in limits.items()}
        assert sum(aim.values()) <= MAX_ALLOYING_PCT
        validate({"grades": {grade: {"aim_pct": aim}}})


def test_a_rule_condition_that_is_a_list_names_its_path() -> None:
    """``--set 'quality.disposition.rules.5.condition=[]'`` printed ``TypeError: unhashable
    type: 'list'``; now it is a wrong value at its path."""
    status, _, err = call(
        "validate", str(BASELINE), "--set", "quality.disposition.rules.5.condition=[]"
    )
    assert one_user_error(status, err).startswith("quality.disposition.rules.5.condition: must be")


# ---- the scenario file itself --------------------------------------------------------------
def test_a_scenario_with_a_utf8_byte_order_mark_is_read_as_without(tmp_path: Path) -> None:
    """A BOM (as some Windows editors write) gave an unhelpful TOML error; it is now skipped."""
    with_bom = tmp_path / "bom.toml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + BASELINE.read_bytes())
    assert load_scenario(with_bom) == load_scenario(BASELINE)


def test_a_scenario_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    """A Latin-1 file is refused as not UTF-8, naming the file and the byte."""
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(b'[run]\nname = "caf\xe9"\n')
    msg = one_user_error(*call("validate", str(latin1))[::2])
    assert (
        msg == f"{latin1}: cannot read (not UTF-8 text: byte 0xe9 at offset 17; save it as UTF-8)"
    )


def test_a_scenario_over_the_size_limit_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 39 MB array took 1 GB of memory to parse; a file over MAX_SCENARIO_BYTES is refused
    with its size, and the TOML parser is never called."""
    big = tmp_path / "big.toml"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("[orders.thickness_mm]\nkind = 'empirical'\nvalues = [")
        fh.write("10.0, " * (MAX_SCENARIO_BYTES // 6 + 1))
        fh.write("10.0]\n")
    assert big.stat().st_size > MAX_SCENARIO_BYTES

    def parse(text: str) -> dict:
        raise AssertionError("an oversized scenario must not be parsed")

    monkeypatch.setattr(tomllib, "loads", parse)
    t0 = time.perf_counter()
    msg = one_user_error(*call("validate", str(big))[::2])
    assert time.perf_counter() - t0 < 1.0
    assert msg.startswith(f"{big}: 4.0 MiB is too large for a scenario file (at most 4 MiB")


def test_run_refuses_an_empty_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--out ""`` was silently ignored (the run went to runs/NAME-seedN)."""
    monkeypatch.chdir(tmp_path)
    msgs = user_error(*call("run", str(BASELINE), *TINY_SET, "--out", "")[::2])
    assert msgs == ["--out: an empty path; give a path, or leave --out out for the default"]
    assert list(tmp_path.iterdir()) == []
