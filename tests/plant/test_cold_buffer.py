"""The cold buffer between the quench and the tempering furnace (issue 14.4): quenched plates
wait in it for a furnace place, so a full furnace no longer holds the quench; with no buffer
(capacity 0) the quench hands its plate straight to the furnace."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from core_support import BASELINE

from mill.model.run import RunResult, run_scenario
from mill.scenario import ScenarioError, load_scenario, validate

# long enough for the tempering furnace to fill and hold the quench (seen from day 2 on)
WINDOW = ["run.horizon_days=5", "run.warmup_days=1"]


def _run(tmp_path: Path, capacity: int) -> tuple[RunResult, pd.DataFrame]:
    sc = load_scenario(BASELINE, [*WINDOW, f"plant.cold_buffer.capacity={capacity}"])
    result = run_scenario(sc, tmp_path / f"buffer{capacity}")
    events = pd.read_csv(result.path / "events.csv")
    return result, events[events["entity_kind"] == "mother"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[RunResult, pd.DataFrame]]:
    tmp = tmp_path_factory.mktemp("cold_buffer")
    return {c: _run(tmp, c) for c in (0, 20)}


def _by_mother(events: pd.DataFrame, unit: str) -> pd.DataFrame:
    return events[events["unit"] == unit].set_index("entity_id")


def test_the_buffer_frees_the_quench(runs: dict[int, tuple[RunResult, pd.DataFrame]]) -> None:
    """Without a buffer a full tempering furnace blocks the quench for a visible share of the
    window; with 20 places that share falls to a small fraction of it."""
    direct = runs[0][0].summary["utilisation"]["quench"]["blocked_frac"]
    buffered = runs[20][0].summary["utilisation"]["quench"]["blocked_frac"]
    assert direct > 0.05
    assert buffered < 0.25 * direct


def test_capacity_zero_is_the_direct_coupling(
    runs: dict[int, tuple[RunResult, pd.DataFrame]],
) -> None:
    """With capacity 0 there is no buffer unit and each mother plate leaves the quench at the
    instant the furnace takes it; with a buffer it leaves the quench into the buffer and the
    buffer into the furnace, never later than the furnace could take it."""
    result, ev = runs[0]
    assert "cold_buffer" not in set(ev["unit"])
    assert "cold_buffer" not in result.summary["utilisation"]
    quench, temper = _by_mother(ev, "quench"), _by_mother(ev, "tempering_furnace")
    both = quench.index.intersection(temper.index)
    assert len(both) > 100
    assert (quench.loc[both, "end_min"] == temper.loc[both, "start_min"]).all()

    _, ev = runs[20]
    quench, buf = _by_mother(ev, "quench"), _by_mother(ev, "cold_buffer")
    temper = _by_mother(ev, "tempering_furnace")
    both = quench.index.intersection(buf.index).intersection(temper.index)
    assert len(both) > 100
    assert (quench.loc[both, "end_min"] == buf.loc[both, "start_min"]).all()
    assert (buf.loc[both, "end_min"] == temper.loc[both, "start_min"]).all()
    assert (buf.loc[both, "end_min"] > buf.loc[both, "start_min"]).any()  # some plates wait


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"capacity": -1}, "plant.cold_buffer.capacity"),
        ({"capacity": 501}, "plant.cold_buffer.capacity"),
        (
            {"breakdown": {"mtbf_h": 100.0, "mttr_min": 30.0}},
            "plant.cold_buffer: a cold buffer is storage and does not break down",
        ),
    ],
)
def test_a_bad_buffer_is_refused_naming_its_field(edit: dict, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        validate({"plant": {"cold_buffer": edit}})
    assert any(m.startswith(message) for m in info.value.messages), info.value.messages
