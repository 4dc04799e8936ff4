"""What a distribution spec is, and how values are drawn from one.

``Spec`` is the contract every kind of :mod:`mill.distributions` keeps: draws from a numpy
``Generator`` (never leaving a field's range once truncated to it), a theoretical mean, a
support and the probability of falling outside a range. ``Sampler`` draws a spec's values in
blocks, because a scalar numpy draw costs ~0.8 µs and an iterated block ~0.1 µs (see DESIGN.md,
performance); ``draw_uniform`` is the scalar uniform the model draws inline. Code imports these
names from :mod:`mill.distributions`, which re-exports them.
"""

from __future__ import annotations

from typing import Self

import numpy as np
from pydantic import BaseModel, ConfigDict, PrivateAttr

_REDRAW_ROUNDS = 64
"""Rounds of redrawing a truncated spec's out-of-range draws before the last clip (a field
accepts a truncation only when at most 0.1 % of the mass is cut, so one round is the rule)."""


class Spec(BaseModel):
    """A distribution as a scenario writes it: a validated, frozen pydantic model. A kind
    (:mod:`mill.distributions`) gives ``_draw``, ``mean``, ``support`` and ``outside``."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)

    _range: tuple[float, float] | None = PrivateAttr(default=None)

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values of the distribution as written (no field truncation)."""
        raise NotImplementedError

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values; a spec truncated to a field's range never leaves it: a draw
        outside is drawn again (exact truncation), so draws inside are the untruncated ones."""
        x = self._draw(rng, n)
        if self._range is None:
            return x
        lo, hi = self._range
        bad = ~((x >= lo) & (x <= hi))  # NaN counts as outside
        rounds = 0
        while rounds < _REDRAW_ROUNDS and bad.any():
            x = np.array(x, dtype=float)
            x[bad] = self._draw(rng, int(bad.sum()))
            bad = ~((x >= lo) & (x <= hi))
            rounds += 1
        if bad.any():  # unreachable for a spec a field accepted; the range still holds
            x = np.clip(np.nan_to_num(x, nan=lo), lo, hi)
        return x

    def mean(self) -> float:
        """Theoretical mean of the distribution as written (``inf`` if it overflows)."""
        raise NotImplementedError

    def mean_range(self) -> tuple[float, float]:
        """An interval sure to hold ``mean()``, found without scipy (a range check that it
        settles needs no exact mean). The point ``(mean(), mean())`` unless a kind knows
        better."""
        m = self.mean()
        return m, m

    def support(self) -> tuple[float, float]:
        """The smallest and largest value a draw can take (infinite for an open tail)."""
        raise NotImplementedError

    def outside(self, lo: float, hi: float) -> float:
        """Probability that a draw of the spec as written falls outside [lo, hi]."""
        raise NotImplementedError

    @property
    def open_tailed(self) -> bool:
        """True for kinds whose support is unbounded and that have no truncated form to
        write (log-normal, exponential, Weibull, gamma)."""
        return False

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The field range this spec is truncated to, or None."""
        return self._range

    def truncated(self, lo: float, hi: float) -> Self:
        """This spec with its draws truncated to [lo, hi] (the dump is unchanged)."""
        out = self.model_copy()
        out._range = (float(lo), float(hi))
        return out

    def __eq__(self, other: object) -> bool:
        # equal specs are the same distribution as written; a field's truncation is not part
        # of what the scenario says (a frozen spec's hash ignores it too)
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def sampler(self, rng: np.random.Generator, block: int = 1024) -> Sampler:
        """A fast scalar sampler over this spec and a generator."""
        return Sampler(self, rng, block)


class Sampler:
    """Draws scalars from a spec in blocks: same stream, same values, ~8× faster than scalars."""

    __slots__ = ("_block", "_buf", "_i", "_rng", "_spec")

    def __init__(self, spec: Spec, rng: np.random.Generator, block: int = 1024) -> None:
        self._spec = spec
        self._rng = rng
        self._block = block
        self._buf: list[float] = []
        self._i = 0

    def __call__(self) -> float:
        if self._i >= len(self._buf):
            self._buf = self._spec.draw(self._rng, self._block).tolist()
            self._i = 0
        v = self._buf[self._i]
        self._i += 1
        return v


class ConstantSampler(Sampler):
    """A sampler of a constant: returns the value, draws nothing."""

    __slots__ = ("_value",)

    def __init__(self, value: float) -> None:
        self._value = float(value)

    def __call__(self) -> float:
        return self._value


def draw_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    """One U(low, high) draw: numpy's own formula for ``Generator.uniform`` (low + (high −
    low)·U[0, 1)), so the same value from the same stream, without the per-call argument
    checks that make the scalar call three times slower. The caller passes low ≤ high (the
    model's constants); it is not checked."""
    return low + (high - low) * rng.random()
