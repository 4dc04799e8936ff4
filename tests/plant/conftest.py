"""Fixtures of the plant-behaviour tests: one hand-plant run for the session (see
plant_support.py for its figures)."""

from __future__ import annotations

import pytest
from plant_support import HandRun, run_hand, shared_scope


@pytest.fixture(scope=shared_scope("session"))
def hand_run(tmp_path_factory: pytest.TempPathFactory) -> HandRun:
    """The hand plant as written: constant times, no breakdowns, no blocking."""
    return run_hand(tmp_path_factory.mktemp("hand"))
