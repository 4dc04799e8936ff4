"""Random streams keyed by purpose (and by entity where it is cheap).

Every random draw in a run comes from a stream named for what it is for: ``"time/caster"``,
``"chemistry"`` for heat 17, ``"ut/false_calls"``... A stream's seed is derived from the run
seed and its key alone, so changing a downstream rule does not shift upstream draws, and two
scenarios run with the same seed share their common random numbers (DESIGN.md,
reproducibility).

Derivation: the 256-bit PCG64 seed of a stream is the BLAKE2b digest (RFC 7693, keyed mode)
of its key, with the run seed as the hash key: ``BLAKE2b(purpose [+ NUL + entity], key=seed)``.
A keyed cryptographic hash gives statistically independent seeds for distinct keys, is stable
across processes and platforms (the built-in ``hash`` of a string is salted per process and
must never be used here), and costs ~1 µs, against ~15 µs for a ``SeedSequence``: a run makes
one stream per product plate, so this is on the hot path. The digest's four 64-bit words
seed PCG64 exactly as ``SeedSequence.generate_state(4, uint64)`` words would (numpy's
``ISeedSequence`` interface), so the generator itself is numpy's, untouched.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

from mill.distributions import Sampler, Spec

_LITTLE_ENDIAN: dict[Any, np.dtype] = {
    key: np.dtype(code)
    for code, kinds in (("<u4", (np.uint32, "uint32")), ("<u8", (np.uint64, "uint64")))
    for key in (*kinds, np.dtype(kinds[0]))
}
"""Little-endian word dtypes by the ways numpy names them (type, name or dtype)."""


class _DigestSeed(ISeedSequence):
    """Four 64-bit seed words from a BLAKE2b digest, in numpy's seed-sequence interface."""

    __slots__ = ("_digest",)

    def __init__(self, digest: bytes) -> None:
        self._digest = digest

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        """The seed words asked for, read little-endian so that every platform gets the same
        values. A digest holds 256 bits: at most 4 × uint64 or 8 × uint32 (PCG64 asks for
        4 × uint64); other word types are refused, as ``SeedSequence`` refuses them."""
        le = _LITTLE_ENDIAN.get(dtype)
        if le is None:
            try:
                le = _LITTLE_ENDIAN[np.dtype(dtype)]
            except (KeyError, TypeError):
                raise ValueError(f"seed words must be uint32 or uint64, not {dtype!r}") from None
        words = np.frombuffer(self._digest, dtype=le)
        if not words.dtype.isnative:  # a big-endian machine: the same values, native order
            words = words.astype(le.newbyteorder("="))
        if n_words > words.size:
            raise ValueError(f"a digest seed holds {words.size} words of {le}, not {n_words}")
        return words[:n_words]


class Streams:
    """Factory of independent, reproducible numpy generators for one run."""

    __slots__ = ("_cache", "_key", "seed")

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        if not 0 <= self.seed < 2**64:
            raise ValueError("the run seed must be in [0, 2**64)")
        self._key = self.seed.to_bytes(8, "little")
        self._cache: dict[str, np.random.Generator] = {}

    def generator(self, purpose: str, entity: int | None = None) -> np.random.Generator:
        """A fresh generator for ``purpose`` (and ``entity``); same key → same stream.

        Purpose-level generators are cached and shared; entity-level ones (~4 µs to create)
        are returned new each call, so callers create them once per entity, not per draw.
        """
        if entity is None:
            gen = self._cache.get(purpose)
            if gen is None:
                gen = self._make(purpose, None)
                self._cache[purpose] = gen
            return gen
        return self._make(purpose, entity)

    def _make(self, purpose: str, entity: int | None) -> np.random.Generator:
        message = purpose.encode("utf-8")
        if entity is not None:  # NUL + 8 bytes: ("a", entity) never collides with a purpose
            message += b"\0" + int(entity).to_bytes(8, "little", signed=True)
        digest = hashlib.blake2b(message, digest_size=32, key=self._key).digest()
        # numpy accepts any ISeedSequence here; its stubs name only SeedSequence
        return np.random.Generator(np.random.PCG64(_DigestSeed(digest)))  # type: ignore[arg-type]

    def sampler(self, purpose: str, spec: Spec) -> Sampler:
        """A block sampler of ``spec`` on its own stream keyed by ``purpose``."""
        return spec.sampler(self._make(purpose, None))
