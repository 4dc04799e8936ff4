"""The Hypothesis profiles of tests/conftest.py: CI runs are repeatable, exploration is
opt-in."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=7)
@given(st.integers())
def _with_its_own_count(x: int) -> None:
    """A test that sets only its example count, as several property tests do."""


def test_the_ci_profile_is_loaded_by_default() -> None:
    """Without HYPOTHESIS_PROFILE the ``ci`` profile holds: derandomized, no example
    database, no deadline; with ``explore`` the examples are random and many more."""
    s = settings.default
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "ci":
        assert s.derandomize and s.database is None and s.deadline is None
        assert s.max_examples == 50
    else:
        assert not s.derandomize and s.max_examples >= 1000


def test_a_tests_own_settings_keep_the_profile_for_what_they_do_not_give() -> None:
    """``@settings(max_examples=7)`` keeps its count and inherits derandomize, database and
    deadline from the loaded profile."""
    own = _with_its_own_count._hypothesis_internal_use_settings  # type: ignore[attr-defined]
    assert own.max_examples == 7
    assert own.derandomize == settings.default.derandomize
    assert own.database == settings.default.database
    assert own.deadline == settings.default.deadline
