"""Distribution specs: the one shared implementation of every random quantity in a scenario.

A scenario writes a process time or a random quantity as a table with a ``kind`` and its
parameters (``{ kind = "triangular", low = 35, mode = 40, high = 50 }``) or as a bare number,
which means a constant. Each spec is a validated pydantic model that knows its theoretical
mean and can draw from a numpy ``Generator``. ``Sampler`` draws values in blocks, because a
scalar numpy draw costs ~0.8 µs and an iterated block ~0.1 µs (see DESIGN.md, performance).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import special, stats


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values."""
        raise NotImplementedError

    def mean(self) -> float:
        """Theoretical mean of the distribution."""
        raise NotImplementedError

    def sampler(self, rng: np.random.Generator, block: int = 1024) -> Sampler:
        """A fast scalar sampler over this spec and a generator."""
        return Sampler(self, rng, block)


class Constant(_Spec):
    """A fixed value."""

    kind: Literal["constant"] = "constant"
    value: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)

    def mean(self) -> float:
        return self.value

    def sampler(self, rng: np.random.Generator, block: int = 1024) -> Sampler:
        return _ConstantSampler(self.value)  # nothing random: no generator, no arrays


class Uniform(_Spec):
    """Uniform on [low, high]."""

    kind: Literal["uniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be >= low")
        return self

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def mean(self) -> float:
        return 0.5 * (self.low + self.high)


class Triangular(_Spec):
    """Triangular on [low, high] with its peak at ``mode``."""

    kind: Literal["triangular"] = "triangular"
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError("needs low <= mode <= high and low < high")
        return self

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, n)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0


class Normal(_Spec):
    """Normal(mean, sd), optionally truncated to [low, high] (exact truncation, not clipping)."""

    kind: Literal["normal"] = "normal"
    mean_: float = Field(alias="mean")
    sd: float = Field(ge=0)
    low: float | None = None
    high: float | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)

    @model_validator(mode="after")
    def _bounds(self) -> Normal:
        if self.low is not None and self.high is not None and self.high <= self.low:
            raise ValueError("high must be > low")
        if self.sd == 0 and (
            (self.low is not None and self.mean_ < self.low)
            or (self.high is not None and self.mean_ > self.high)
        ):
            raise ValueError("a zero-sd normal must have its mean inside [low, high]")
        return self

    def _ab(self) -> tuple[float, float]:
        a = -math.inf if self.low is None else (self.low - self.mean_) / self.sd
        b = math.inf if self.high is None else (self.high - self.mean_) / self.sd
        return a, b

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.sd == 0:
            return np.full(n, self.mean_)
        if self.low is None and self.high is None:
            return rng.normal(self.mean_, self.sd, n)
        a, b = self._ab()
        return np.asarray(
            stats.truncnorm.rvs(a, b, loc=self.mean_, scale=self.sd, size=n, random_state=rng)
        )

    def mean(self) -> float:
        if self.sd == 0 or (self.low is None and self.high is None):
            return self.mean_
        a, b = self._ab()
        return float(stats.truncnorm.mean(a, b, loc=self.mean_, scale=self.sd))


class LogNormal(_Spec):
    """Log-normal given its median and the standard deviation of ln X."""

    kind: Literal["lognormal"] = "lognormal"
    median: float = Field(gt=0)
    sigma_ln: float = Field(ge=0)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.lognormal(math.log(self.median), self.sigma_ln, n)

    def mean(self) -> float:
        return self.median * math.exp(0.5 * self.sigma_ln**2)


class Exponential(_Spec):
    """Exponential with the given mean (rate = 1/mean)."""

    kind: Literal["exponential"] = "exponential"
    mean_: float = Field(alias="mean", gt=0)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean_, n)

    def mean(self) -> float:
        return self.mean_


class Weibull(_Spec):
    """Weibull with shape k and scale λ: mean λ·Γ(1 + 1/k)."""

    kind: Literal["weibull"] = "weibull"
    shape: float = Field(gt=0)
    scale: float = Field(gt=0)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.scale * rng.weibull(self.shape, n)

    def mean(self) -> float:
        return self.scale * float(special.gamma(1.0 + 1.0 / self.shape))


class Gamma(_Spec):
    """Gamma with shape k and scale θ: mean k·θ."""

    kind: Literal["gamma"] = "gamma"
    shape: float = Field(gt=0)
    scale: float = Field(gt=0)

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.gamma(self.shape, self.scale, n)

    def mean(self) -> float:
        return self.shape * self.scale


class Empirical(_Spec):
    """Resampling of observed values, optionally weighted."""

    kind: Literal["empirical"] = "empirical"
    values: list[float] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("weights must have as many entries as values")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be non-negative with a positive sum")
        return self

    def _p(self) -> np.ndarray | None:
        if self.weights is None:
            return None
        w = np.asarray(self.weights, dtype=float)
        return w / w.sum()

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), size=n, p=self._p())

    def mean(self) -> float:
        p = self._p()
        v = np.asarray(self.values, dtype=float)
        return float(v.mean() if p is None else (v * p).sum())


Dist = Annotated[
    Constant
    | Uniform
    | Triangular
    | Normal
    | LogNormal
    | Exponential
    | Weibull
    | Gamma
    | Empirical,
    Field(discriminator="kind"),
]


def coerce_number(value: Any) -> Any:
    """Let a scenario write a bare number for a constant distribution."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"kind": "constant", "value": float(value)}
    return value


class Sampler:
    """Draws scalars from a spec in blocks: same stream, same values, ~8× faster than scalars."""

    __slots__ = ("_block", "_buf", "_i", "_rng", "_spec")

    def __init__(self, spec: _Spec, rng: np.random.Generator, block: int = 1024) -> None:
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


class _ConstantSampler(Sampler):
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


def constant(value: float) -> Constant:
    """Shorthand for a constant spec."""
    return Constant(value=value)


def uniform(low: float, high: float) -> Uniform:
    """Shorthand for a uniform spec."""
    return Uniform(low=low, high=high)


def triangular(low: float, mode: float, high: float) -> Triangular:
    """Shorthand for a triangular spec."""
    return Triangular(low=low, mode=mode, high=high)


def normal(mean: float, sd: float, low: float | None = None, high: float | None = None) -> Normal:
    """Shorthand for a (truncated) normal spec."""
    return Normal(mean=mean, sd=sd, low=low, high=high)


def exponential(mean: float) -> Exponential:
    """Shorthand for an exponential spec."""
    return Exponential(mean=mean)
