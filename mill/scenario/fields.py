"""Typed, ranged field helpers for scenario models.

Every number in a scenario has a range. The helpers here attach it so that a wrong value is
reported as ``path: must be between LO and HI`` rather than as a pydantic internal message.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from mill.distributions import Dist, _Spec, coerce_number


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


def _check_range(lo: float, hi: float) -> Any:
    def check(v: float) -> float:
        if not lo <= v <= hi:
            raise ValueError(f"must be between {_fmt(lo)} and {_fmt(hi)}")
        return v

    return check


def within(lo: float, hi: float) -> AfterValidator:
    """Constrain a number to [lo, hi]: ``x: Annotated[float, within(0, 1)]``."""
    return AfterValidator(_check_range(lo, hi))


def _support(spec: _Spec) -> tuple[float, float] | None:
    """The smallest and largest value a spec can take, or None for an open positive support."""
    d = spec.model_dump(by_alias=True)
    kind = d["kind"]
    if kind == "constant":
        return d["value"], d["value"]
    if kind in ("uniform", "triangular"):
        return d["low"], d["high"]
    if kind == "normal":
        if d["sd"] == 0:
            return d["mean"], d["mean"]
        # An open normal tail past six standard deviations (p < 1e-9) is not a real risk.
        lo = d["low"] if d["low"] is not None else d["mean"] - 6.0 * d["sd"]
        hi = d["high"] if d["high"] is not None else d["mean"] + 6.0 * d["sd"]
        return lo, hi
    if kind == "empirical":
        return min(d["values"]), max(d["values"])
    return None  # lognormal, exponential, weibull, gamma: (0, inf), judged by the mean


def _check_dist(lo: float, hi: float) -> Any:
    def check(spec: _Spec) -> _Spec:
        mean = spec.mean()
        if not lo <= mean <= hi:
            raise ValueError(f"mean {mean:g} must be between {_fmt(lo)} and {_fmt(hi)}")
        support = _support(spec)
        if support is None:
            return spec
        s_lo, s_hi = support
        if s_lo < lo:
            raise ValueError(f"can draw {s_lo:g}, below {_fmt(lo)}; bound it (low = {_fmt(lo)})")
        if s_hi > hi:
            raise ValueError(f"can draw {s_hi:g}, above {_fmt(hi)}; bound it (high = {_fmt(hi)})")
        return spec

    return check


def dist_within(lo: float, hi: float) -> AfterValidator:
    """A distribution spec (or bare number) whose mean and bounded support lie in [lo, hi].

    Open positive distributions (exponential, log-normal, Weibull, gamma) are judged by their
    mean; a normal must be truncated to the range where the range is finite.
    """
    return AfterValidator(_check_dist(lo, hi))


DistSpec = Annotated[Dist, BeforeValidator(coerce_number)]
"""A distribution spec field; a bare number in the file means a constant."""
