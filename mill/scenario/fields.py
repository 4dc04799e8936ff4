"""Typed, ranged field helpers for scenario models.

Every number in a scenario has a range. The helpers here attach it so that a wrong value is
reported as ``path: must be between LO and HI`` rather than as a pydantic internal message.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from mill.distributions import Dist, Normal, Spec, coerce_number


class Section(BaseModel):
    """Base of every scenario table: unknown keys are errors, values are validated on set."""

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        validate_default=True,
        populate_by_name=True,
        strict=True,
    )


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


class RangeCheck:
    """The check of a number's range [lo, hi]; ``lo`` and ``hi`` stay readable, so tools (the
    scenario fuzzer of the test suite, ``mill schema``) can ask a field for its range."""

    def __init__(self, lo: float, hi: float) -> None:
        self.lo, self.hi = lo, hi

    def __call__(self, v: float) -> float:
        if not self.lo <= v <= self.hi:
            raise ValueError(f"must be between {_fmt(self.lo)} and {_fmt(self.hi)}")
        return v


def within(lo: float, hi: float) -> AfterValidator:
    """Constrain a number to [lo, hi]: ``x: Annotated[float, within(0, 1)]``."""
    return AfterValidator(RangeCheck(lo, hi))


NEGLIGIBLE_OUTSIDE = 1e-3
"""The largest probability of drawing outside a field's range that a distribution with an open
tail and no truncated form of its own (log-normal, exponential, Weibull, gamma) may have: up
to it the field truncates the distribution (a draw outside is drawn again); above it the
truncation would change the distribution the scenario wrote, and the spec is refused.
Labelled assumption: cutting 0.1 % of the mass moves no statistic a run reports."""

NORMAL_REACH_SD = 6.0
"""An open normal tail is judged where it reaches at this many standard deviations (p < 1e-9):
a normal has a truncated form (``low``/``high``), so a tail past the range is refused with
the bound to write."""


def _describe_outside(spec: Spec, lo: float, hi: float) -> str:
    below = spec.outside(lo, math.inf)
    above = spec.outside(-math.inf, hi)
    parts = [f"below {_fmt(lo)} with p = {below:.2g}"] if below > 1e-9 else []
    parts += [f"above {_fmt(hi)} with p = {above:.2g}"] if above > 1e-9 or not parts else []
    return " and ".join(parts)


def _check_support(spec: Spec, lo: float, hi: float) -> None:
    """Refuse a spec that can draw outside [lo, hi] unless truncating it is harmless."""
    if spec.open_tailed:
        p = spec.outside(lo, hi)
        if not p <= NEGLIGIBLE_OUTSIDE:  # NaN (parameters past scipy's reach) is refused too
            kind = str(spec.model_dump()["kind"])
            article = "an" if kind[0] in "aeiou" else "a"
            raise ValueError(
                f"draws {_describe_outside(spec, lo, hi)}, more than the "
                f"{NEGLIGIBLE_OUTSIDE:g} a truncation may cut; {article} {kind} has no "
                f"low/high: choose parameters that keep it inside [{_fmt(lo)}, {_fmt(hi)}] or "
                "a bounded kind (uniform, triangular, empirical, normal with low/high)"
            )
        return
    s_lo, s_hi = spec.support()
    if isinstance(spec, Normal) and spec.sd > 0:
        if spec.low is None:
            s_lo = spec.mean_ - NORMAL_REACH_SD * spec.sd
        if spec.high is None:
            s_hi = spec.mean_ + NORMAL_REACH_SD * spec.sd
    if s_lo < lo:
        raise ValueError(f"can draw {s_lo:g}, below {_fmt(lo)}; bound it (low = {_fmt(lo)})")
    if s_hi > hi:
        raise ValueError(f"can draw {s_hi:g}, above {_fmt(hi)}; bound it (high = {_fmt(hi)})")


class DistRangeCheck:
    """The check of a distribution field: draws in [lo, hi], mean in [mean_lo, mean_hi] (all
    readable, as for :class:`RangeCheck`); returns the spec truncated to [lo, hi]."""

    def __init__(self, lo: float, hi: float, mean_lo: float, mean_hi: float) -> None:
        self.lo, self.hi, self.mean_lo, self.mean_hi = lo, hi, mean_lo, mean_hi

    def __call__(self, spec: Spec) -> Spec:
        if spec.open_tailed:  # its mean may overflow: the support says more
            _check_support(spec, self.lo, self.hi)
        m_lo, m_hi = spec.mean_range()  # settles most checks without the exact mean
        if not (self.mean_lo <= m_lo and m_hi <= self.mean_hi):
            mean = spec.mean()
            if not self.mean_lo <= mean <= self.mean_hi:
                raise ValueError(
                    f"mean {mean:g} must be between {_fmt(self.mean_lo)} and {_fmt(self.mean_hi)}"
                )
        _check_support(spec, self.lo, self.hi)
        return spec.truncated(self.lo, self.hi)


def dist_within(lo: float, hi: float, mean: tuple[float, float] | None = None) -> AfterValidator:
    """A distribution spec (or bare number) that never draws outside [lo, hi].

    Its mean must lie in ``mean`` (default [lo, hi]). A bounded spec (constant, uniform,
    triangular, empirical, a normal with its bounds) must lie inside the range; an open normal
    tail must stay inside up to ``NORMAL_REACH_SD`` standard deviations; a log-normal,
    exponential, Weibull or gamma may have at most ``NEGLIGIBLE_OUTSIDE`` of its probability
    outside. The accepted spec is truncated to [lo, hi], so that no draw ever leaves it.
    """
    mean_lo, mean_hi = mean if mean is not None else (lo, hi)
    return AfterValidator(DistRangeCheck(lo, hi, mean_lo, mean_hi))


DistSpec = Annotated[Dist, BeforeValidator(coerce_number)]
"""A distribution spec field; a bare number in the file means a constant."""
