"""Claims about the shipped baseline scenario itself (its session run is shared with the
integration tests; mutation testing leaves this module out: see the README's Development)."""

from __future__ import annotations

from core_support import RunArtifacts


def test_the_baseline_has_breakdowns_and_blocking(baseline_run: RunArtifacts) -> None:
    """The shipped baseline shows both in its equipment timeline: units go down and units
    are blocked by the next one."""
    eq = baseline_run.table("equipment")
    states = set(eq["state"])
    assert {"busy", "idle", "down", "blocked"} <= states
    util = baseline_run.summary["utilisation"]
    assert any(u["down_frac"] > 0 for u in util.values())
    assert any(u["blocked_frac"] > 0 for u in util.values())
