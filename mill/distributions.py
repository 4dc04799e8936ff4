"""Distribution specs: the one shared implementation of every random quantity in a scenario.

A scenario writes a process time or a random quantity as a table with a ``kind`` and its
parameters (``{ kind = "triangular", low = 35, mode = 40, high = 50 }``) or as a bare number,
which means a constant. Each spec is a validated pydantic model that knows its theoretical
mean and can draw from a numpy ``Generator``. ``Sampler`` draws values in blocks, because a
scalar numpy draw costs ~0.8 µs and an iterated block ~0.1 µs (see DESIGN.md, performance).

This module holds the kinds a scenario can name, their union ``Dist`` and the shorthands.
What every kind shares (``Spec``: exact truncation to a field's range) and the samplers live
in :mod:`mill.sampling`; ``Spec``, ``Sampler`` and ``draw_uniform`` are re-exported here.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from mill.sampling import ConstantSampler, Sampler, Spec, draw_uniform

__all__ = [
    "Constant",
    "Dist",
    "Empirical",
    "Exponential",
    "Gamma",
    "LogNormal",
    "Normal",
    "Sampler",
    "Spec",
    "Triangular",
    "Uniform",
    "Weibull",
    "coerce_number",
    "constant",
    "draw_uniform",
    "exponential",
    "normal",
    "triangular",
    "uniform",
]


def _stats() -> Any:
    """``scipy.stats``, imported on first use. Speed trick: importing it costs ~0.4 s, half of
    ``import mill.model`` (measured with ``python -X importtime``); a run that draws no
    truncated normal and checks no range never pays it."""
    from scipy import stats

    return stats


def _special_gamma(x: float) -> Any:
    """scipy's Γ (inf past its overflow, where ``math.gamma`` raises), imported on first use."""
    from scipy.special import gamma

    return gamma(x)


def _point(value: float, lo: float, hi: float) -> float:
    return 0.0 if lo <= value <= hi else 1.0


def _frozen_outside(frozen: Any, lo: float, hi: float) -> float:
    """P(X < lo) + P(X > hi) of a frozen scipy distribution."""
    return float(min(1.0, frozen.cdf(lo) + frozen.sf(hi)))


class Constant(Spec):
    """A fixed value."""

    kind: Literal["constant"] = "constant"
    value: float

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)

    def mean(self) -> float:
        return self.value

    def support(self) -> tuple[float, float]:
        return self.value, self.value

    def outside(self, lo: float, hi: float) -> float:
        return _point(self.value, lo, hi)

    def sampler(self, rng: np.random.Generator, block: int = 1024) -> Sampler:
        return ConstantSampler(self.value)  # nothing random: no generator, no arrays


class Uniform(Spec):
    """Uniform on [low, high]."""

    kind: Literal["uniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must be >= low")
        if not math.isfinite(self.high - self.low):
            raise ValueError("high - low must be a finite number")
        return self

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def outside(self, lo: float, hi: float) -> float:
        if self.high == self.low:
            return _point(self.low, lo, hi)
        cut = max(0.0, min(lo, self.high) - self.low) + max(0.0, self.high - max(hi, self.low))
        return min(1.0, cut / (self.high - self.low))


class Triangular(Spec):
    """Triangular on [low, high] with its peak at ``mode``."""

    kind: Literal["triangular"] = "triangular"
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError("needs low <= mode <= high and low < high")
        if not math.isfinite(self.high - self.low):
            raise ValueError("high - low must be a finite number")
        return self

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        # numpy's inverse-CDF formula can round past low or high on a tiny range (1e-162
        # wide): the clip changes nothing else (every other draw is already inside)
        return np.clip(rng.triangular(self.low, self.mode, self.high, n), self.low, self.high)

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    def support(self) -> tuple[float, float]:
        return self.low, self.high

    def outside(self, lo: float, hi: float) -> float:
        width = self.high - self.low
        frozen = _stats().triang(c=(self.mode - self.low) / width, loc=self.low, scale=width)
        return _frozen_outside(frozen, lo, hi)


class Normal(Spec):
    """Normal(mean, sd), optionally truncated to [low, high] (exact truncation, not clipping)."""

    kind: Literal["normal"] = "normal"
    mean_: float = Field(alias="mean")
    sd: float = Field(ge=0)
    low: float | None = None
    high: float | None = None

    model_config = ConfigDict(populate_by_name=True)

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

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.sd == 0:
            return np.full(n, self.mean_)
        if self.low is None and self.high is None:
            return rng.normal(self.mean_, self.sd, n)
        a, b = self._ab()
        x = np.asarray(
            _stats().truncnorm.rvs(a, b, loc=self.mean_, scale=self.sd, size=n, random_state=rng),
            dtype=float,
        )
        # far in a tail scipy's inversion can round past a bound (or give NaN): the bounds
        # are exact, so such a draw is put on the bound it passed
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        fill = lo if a > 0 else (hi if b < 0 else self.mean_)
        return np.clip(np.where(np.isnan(x), fill, x), lo, hi)

    def mean(self) -> float:
        if self.sd == 0 or (self.low is None and self.high is None):
            return self.mean_
        a, b = self._ab()
        return float(_stats().truncnorm.mean(a, b, loc=self.mean_, scale=self.sd))

    def mean_range(self) -> tuple[float, float]:
        """Bounds of the truncated mean without scipy: within [low, high] when both are set;
        with one bound, between m = max(low, mean) (or min(high, mean)) and m ± 0.8·sd,
        because the standard normal's E[Z | Z > a] lies in [max(a, 0), max(a, 0) + φ(0)/½]
        (φ(0)/½ ≈ 0.798; Johnson, Kotz & Balakrishnan 1994, Continuous Univariate
        Distributions vol. 1, §13.10.1: the inverse Mills ratio λ(a) rises with a while
        λ(a) − a falls). Speed trick: the exact mean needs scipy.stats (~0.4 s to import),
        and the plant's default fields are checked when ``mill.model`` is imported."""
        if self.sd == 0 or (self.low is None and self.high is None):
            return self.mean_, self.mean_
        if self.low is not None and self.high is not None:
            return self.low, self.high
        if self.low is not None:
            m = max(self.low, self.mean_)
            return m, m + 0.8 * self.sd
        assert self.high is not None
        m = min(self.high, self.mean_)
        return m - 0.8 * self.sd, m

    def support(self) -> tuple[float, float]:
        if self.sd == 0:
            return self.mean_, self.mean_
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        return lo, hi

    def outside(self, lo: float, hi: float) -> float:
        if self.sd == 0:
            return _point(self.mean_, lo, hi)
        if self.low is None and self.high is None:
            return _frozen_outside(_stats().norm(self.mean_, self.sd), lo, hi)
        a, b = self._ab()
        return _frozen_outside(_stats().truncnorm(a, b, loc=self.mean_, scale=self.sd), lo, hi)


class _OpenTail(Spec):
    """A kind with support [0, ∞) and no truncated form of its own: the field truncates it,
    and the share outside a range comes from its scipy distribution (``_frozen``)."""

    def _frozen(self) -> Any:
        raise NotImplementedError

    @property
    def open_tailed(self) -> bool:
        return True

    def support(self) -> tuple[float, float]:
        return 0.0, math.inf

    def outside(self, lo: float, hi: float) -> float:
        return _frozen_outside(self._frozen(), lo, hi)


class LogNormal(_OpenTail):
    """Log-normal given its median and the standard deviation of ln X."""

    kind: Literal["lognormal"] = "lognormal"
    median: float = Field(gt=0)
    sigma_ln: float = Field(ge=0)

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.lognormal(math.log(self.median), self.sigma_ln, n)

    def mean(self) -> float:
        try:  # median·exp(σ²/2) overflows a float from σ ≈ 37.7
            return self.median * math.exp(0.5 * self.sigma_ln**2)
        except OverflowError:
            return math.inf

    def _frozen(self) -> Any:
        return _stats().lognorm(s=self.sigma_ln, scale=self.median)

    @property
    def open_tailed(self) -> bool:
        return self.sigma_ln > 0

    def support(self) -> tuple[float, float]:
        return (self.median, self.median) if self.sigma_ln == 0 else super().support()

    def outside(self, lo: float, hi: float) -> float:
        return _point(self.median, lo, hi) if self.sigma_ln == 0 else super().outside(lo, hi)


class Exponential(_OpenTail):
    """Exponential with the given mean (rate = 1/mean)."""

    kind: Literal["exponential"] = "exponential"
    mean_: float = Field(alias="mean", gt=0)

    model_config = ConfigDict(populate_by_name=True)

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean_, n)

    def mean(self) -> float:
        return self.mean_

    def _frozen(self) -> Any:
        return _stats().expon(scale=self.mean_)

    def outside(self, lo: float, hi: float) -> float:
        """P(X < lo) + P(X > hi) in closed form (cdf = 1 − exp(−x/m), computed as −expm1;
        sf = exp(−x/m)); scipy's ``expon`` agrees to the last bit or two. Speed trick: the
        default order arrivals are checked at import, and this keeps scipy.stats (~0.4 s) out
        of ``import mill.model``."""
        below = -math.expm1(-lo / self.mean_) if lo > 0 else 0.0
        above = math.exp(-hi / self.mean_) if hi > 0 else 1.0
        return min(1.0, below + above)


class Weibull(_OpenTail):
    """Weibull with shape k and scale λ: mean λ·Γ(1 + 1/k)."""

    kind: Literal["weibull"] = "weibull"
    shape: float = Field(gt=0)
    scale: float = Field(gt=0)

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return self.scale * rng.weibull(self.shape, n)

    def mean(self) -> float:
        with np.errstate(over="ignore"):
            return self.scale * float(_special_gamma(1.0 + 1.0 / self.shape))

    def _frozen(self) -> Any:
        return _stats().weibull_min(self.shape, scale=self.scale)


class Gamma(_OpenTail):
    """Gamma with shape k and scale θ: mean k·θ."""

    kind: Literal["gamma"] = "gamma"
    shape: float = Field(gt=0)
    scale: float = Field(gt=0)

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.gamma(self.shape, self.scale, n)

    def mean(self) -> float:
        return self.shape * self.scale

    def _frozen(self) -> Any:
        return _stats().gamma(self.shape, scale=self.scale)


class Empirical(Spec):
    """Resampling of observed values, optionally weighted."""

    kind: Literal["empirical"] = "empirical"
    values: list[float] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError("weights must have as many entries as values")
            if any(w < 0 for w in self.weights) or not 0 < sum(self.weights) < math.inf:
                raise ValueError("weights must be non-negative with a positive, finite sum")
        return self

    def _p(self) -> np.ndarray:
        if self.weights is None:
            return np.full(len(self.values), 1.0 / len(self.values))
        w = np.asarray(self.weights, dtype=float)
        return w / w.sum()

    def _draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        p = None if self.weights is None else self._p()
        return rng.choice(np.asarray(self.values, dtype=float), size=n, p=p)

    def mean(self) -> float:
        v = np.asarray(self.values, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            return float(v.mean() if self.weights is None else (v * self._p()).sum())

    def support(self) -> tuple[float, float]:
        return min(self.values), max(self.values)

    def outside(self, lo: float, hi: float) -> float:
        v = np.asarray(self.values, dtype=float)
        return float(self._p()[(v < lo) | (v > hi)].sum())


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
