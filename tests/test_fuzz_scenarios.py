"""Fuzzed scenarios (issue 12): scenarios generated from the scenario model's own fields and
ranges (tests/fuzz_support.py), run through the command line in this process.

- A VALID scenario (a short run, up to 1.5 simulated days, with fields of the model set to
  values drawn from their whole ranges) makes ``mill run`` exit 0 and leaves a sound run
  folder: every invariant in the manifest holds, exactly the run's files are there and no
  partial folder, every checksum and row count in the manifest matches, and every plate
  released as prime has the hardness and Charpy results its certificate states.
- An INVALID one (one field pushed outside its range, given a wrong type, or an unknown key
  beside it) makes ``mill validate`` and ``mill run`` exit 2 with a message that starts with
  the field's dotted path, and ``run`` writes nothing.

The quick profile (a handful of derandomized examples, the same on every machine) runs in the
normal suite; the long one (200 scenarios of each kind) is marked ``fuzz_long`` and is left
out unless asked for: ``python3 -m pytest -m fuzz_long tests/test_fuzz_scenarios.py``.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import tomli_w
from fault_support import call, user_error
from fuzz_support import invalid_scenarios, valid_scenarios
from hypothesis import HealthCheck, assume, given, settings

from mill.analysis import load_run
from mill.analysis.load import REQUIRED_FILES
from mill.scenario import ScenarioError, validate

SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
}
QUICK = settings(derandomize=True, max_examples=10, **SETTINGS)
QUICK_INVALID = settings(derandomize=True, max_examples=40, **SETTINGS)
LONG = settings(max_examples=200, **SETTINGS)


def assert_sound_run_folder(folder: Path) -> None:
    """Every invariant of a finished run folder."""
    files = {p.name for p in folder.iterdir()}
    assert files == set(REQUIRED_FILES), files ^ set(REQUIRED_FILES)
    assert [p.name for p in folder.parent.iterdir()] == [folder.name], "no partial folder left"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    invariants = manifest["invariants"]
    assert invariants["ok"] is True
    broken = [k for k, v in invariants.items() if isinstance(v, dict) and v.get("ok") is not True]
    assert broken == []
    sums = manifest["checksums_sha256"]
    assert set(sums) == files - {"manifest.json"}
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    run = load_run(folder)  # verifies again, and the row counts
    prime = run.plates[run.plates["disposition"].astype(str) == "prime"]
    tested = run.tests[run.tests["kind"].astype(str) == "hardness_surface"]["entity_id"]
    charpy = run.tests[run.tests["kind"].astype(str) == "charpy"]["entity_id"]
    hardness_plate = prime["hardness_test_plate"].fillna(prime["plate_id"])
    assert hardness_plate.isin(set(tested)).all(), "a prime plate without its hardness test"
    assert prime["charpy_test_plate"].isin(set(charpy)).all(), "a prime plate without Charpy"
    assert isinstance(run.summary, dict) and isinstance(run.plates, pd.DataFrame)


def write_scenario(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "fuzzed.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def check_valid(data: dict[str, Any]) -> None:
    try:
        validate(data)
    except ScenarioError:  # two fields drawn apart that must agree (a50 < a90, ...)
        assume(False)
    with tempfile.TemporaryDirectory() as tmp:
        scenario = write_scenario(Path(tmp), data)
        out = Path(tmp) / "runs" / "fuzzed"
        out.parent.mkdir()
        status, stdout, stderr = call("run", str(scenario), "--out", str(out), "--quiet")
        assert (status, stdout, stderr) == (0, "", "")
        assert_sound_run_folder(out)


def check_invalid(path: str, data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        scenario = write_scenario(Path(tmp), data)
        for argv in (("validate",), ("run", "--out", str(Path(tmp) / "out"))):
            status, _, stderr = call(argv[0], str(scenario), *argv[1:])
            messages = user_error(status, stderr)
            assert any(m.startswith((f"{path}:", f"{path}.")) for m in messages), (path, messages)
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["fuzzed.toml"]


@QUICK
@given(data=valid_scenarios())
def test_fuzzed_valid_scenarios_run_and_leave_a_sound_folder(data: dict[str, Any]) -> None:
    """A few derandomized valid scenarios: exit 0 and a sound run folder each."""
    check_valid(data)


@QUICK_INVALID
@given(case=invalid_scenarios())
def test_fuzzed_invalid_scenarios_are_refused_naming_the_field(case: tuple[str, Any]) -> None:
    """Derandomized invalid scenarios: exit 2, the field's path, nothing written."""
    check_invalid(*case)


@pytest.mark.fuzz_long
@LONG
@given(data=valid_scenarios(max_fields=20))
def test_long_fuzz_valid_scenarios(data: dict[str, Any]) -> None:
    """200 valid scenarios with up to 20 fields drawn each (``-m fuzz_long``)."""
    check_valid(data)


@pytest.mark.fuzz_long
@LONG
@given(case=invalid_scenarios())
def test_long_fuzz_invalid_scenarios(case: tuple[str, Any]) -> None:
    """200 invalid scenarios (``-m fuzz_long``)."""
    check_invalid(*case)
