"""The warm-up check reads two series: the WIP can reach the release cap within a day while the
plant's output still ramps up, so the tonnes released per hour are checked too, and a point's
truncation is the later of the two."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from mill.experiment.study import _warmup
from mill.experiment.task import RunOutcome

HOURS = 20 * 24


def _plan(warmup_days: float) -> Any:
    return SimpleNamespace(
        points=[SimpleNamespace(id="p01")],
        scenarios={"p01": SimpleNamespace(run=SimpleNamespace(warmup_days=warmup_days))},
    )


def _outcomes(ramp_hours: int) -> list[RunOutcome]:
    """Ten runs whose WIP is flat from the start and whose hourly output climbs linearly from
    a third of its steady 65 t over the first ``ramp_hours``."""
    out = []
    for k in range(10):
        rng = np.random.default_rng(k)
        wip = 1850.0 + rng.normal(0.0, 20.0, HOURS)
        level = np.minimum(1.0, 1.0 / 3.0 + (2.0 / 3.0) * np.arange(HOURS) / ramp_hours)
        released = 65.0 * level + rng.normal(0.0, 15.0, HOURS)
        o = RunOutcome(f"p01-r{k}", "p01", k, k, "ok")
        o.wip_t, o.released_t_per_h = wip.tolist(), released.tolist()
        out.append(o)
    return out


def test_an_output_ramp_with_a_flat_wip_is_flagged() -> None:
    """A 4-day output ramp: the WIP alone sees no transient, the released tonnes do, and a
    2-day warm-up is reported as too short."""
    w = _warmup(_plan(2.0), _outcomes(ramp_hours=96))
    assert w["mser5_days_by_series"]["wip_t"]["p01"] < 1.0
    assert w["mser5_days_by_series"]["released_t_per_h"]["p01"] > 2.0
    assert w["mser5_days_by_point"]["p01"] == w["mser5_days_by_series"]["released_t_per_h"]["p01"]
    assert w["conclusive"] and w["warmup_shorter_than_mser5"]


def test_a_long_enough_warmup_passes() -> None:
    """The same runs with a 6-day warm-up: the check passes."""
    w = _warmup(_plan(6.0), _outcomes(ramp_hours=96))
    assert w["conclusive"] and not w["warmup_shorter_than_mser5"]


def test_runs_from_before_the_second_series_still_get_a_verdict() -> None:
    """A resumed experiment may hold runs written before the released series existed: their
    WIP alone decides."""
    runs = _outcomes(ramp_hours=96)
    for o in runs:
        o.released_t_per_h = []
    w = _warmup(_plan(2.0), runs)
    assert w["mser5_days_by_series"]["released_t_per_h"]["p01"] is None
    assert w["mser5_days_by_point"]["p01"] == w["mser5_days_by_series"]["wip_t"]["p01"]
    assert w["conclusive"] and not w["warmup_shorter_than_mser5"]
