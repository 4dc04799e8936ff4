"""A failed Charpy verdict names the rule that failed, with its numbers (``charpy_failures``):
the mean below the required average, more values below the average than allowed, a value below
the single-value minimum, or, after a retest, the six-value rule. It is empty exactly when
``charpy_conforms`` accepts the set."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mill.quality.toughness import charpy_conforms, charpy_failures

ENERGY = st.floats(min_value=0.0, max_value=80.0, allow_nan=False)
SET = st.lists(ENERGY, min_size=3, max_size=3)


def test_a_retest_failing_the_single_value_rule_is_named_with_its_values() -> None:
    """A certificate reviewer's case (sub-size, 18 J required, 12.6 J single minimum): first set
    31, 5, 33 J, retest 11, 25, 30 J. The mean of the six (22.5 J) passes and only two of them
    are below 18 J; the failure is two values below 12.6 J where the retest rule allows one."""
    out = charpy_failures([31.0, 5.0, 33.0], 18.0, 0.70, retest=[11.0, 25.0, 30.0])
    assert len(out) == 1
    (rule,) = out
    assert "retest rule on all six values" in rule
    assert "(5, 11 J) below the single-value minimum 12.6 J" in rule
    assert "at most one allowed" in rule
    assert "mean" not in rule


def test_each_rule_of_a_first_set_is_named() -> None:
    """27 J required, 18.9 J single minimum: a low mean, two values below the average, a value
    below the single minimum, each named alone when it is the only rule broken."""
    assert charpy_failures([27.0, 27.0, 20.0], 27.0, 0.70) == [
        "mean of the set 25 J below the required average 27 J"
    ]
    assert charpy_failures([40.0, 25.0, 25.0], 27.0, 0.70) == [
        "2 of the set (25, 25 J) below the required average 27 J, at most one allowed"
    ]
    assert charpy_failures([45.0, 18.0, 40.0], 27.0, 0.70) == [
        "1 of the set (18 J) below the single-value minimum 18.9 J (70% of the average), "
        "none allowed"
    ]
    assert charpy_failures([30.0, 26.0, 31.0], 27.0, 0.70) == []


def test_a_value_is_not_rounded_onto_the_other_side_of_its_limit() -> None:
    """12.55 J is below a 12.6 J minimum; printed to 1 J it would read 13 J, so it is printed
    with the decimals that keep it below."""
    (rule,) = charpy_failures([12.55, 30.0, 30.0], 18.0, 0.70)
    assert "(12.55 J) below the single-value minimum 12.6 J" in rule


@given(first=SET, retest=st.one_of(st.none(), SET))
def test_failures_are_empty_exactly_when_the_set_conforms(
    first: list[float], retest: list[float] | None
) -> None:
    """The named rules and the verdict are the same rule: no failure named for a set that
    conforms, at least one for a set that does not."""
    ok = charpy_conforms(first, 24.0, 0.70, retest=retest)
    assert (charpy_failures(first, 24.0, 0.70, retest=retest) == []) is ok
