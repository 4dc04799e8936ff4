"""A run's progress report (``run_scenario(progress=...)``, the CLI's progress line): called
once per simulated hour with the time reached and the count of plates disposed so far."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from plant_support import hand_scenario

from mill.model.run import run_scenario


def test_progress_is_reported_every_simulated_hour_with_the_plates_disposed(
    tmp_path: Path,
) -> None:
    """A 1.2-day hand run reports at 60, 120, ... 1728 min; the count of plates disposed
    never falls and ends at the number of plates finished (prime, downgraded or scrap)."""
    sc = hand_scenario(tmp_path, ["run.horizon_days=1.2"])
    seen: list[tuple[float, int]] = []
    run_scenario(sc, tmp_path / "run", progress=lambda t, n: seen.append((t, n)))
    assert [t for t, _ in seen] == [60.0 * k for k in range(1, 29)] + [1728.0]
    counts = [n for _, n in seen]
    assert counts == sorted(counts) and counts[0] == 0
    plates = pd.read_csv(tmp_path / "run" / "plates.csv")
    assert counts[-1] == (plates["disposition"] != "wip").sum() > 0
