"""Random streams keyed by purpose (and by entity where it is cheap).

Every random draw in a run comes from a stream named for what it is for: ``"time/caster"``,
``"chemistry"`` for heat 17, ``"ut/false_calls"``... A stream's seed is derived from the run
seed and its key alone, so changing a downstream rule does not shift upstream draws, and two
scenarios run with the same seed share their common random numbers (DESIGN.md,
reproducibility). Keys are hashed with CRC-32, which is stable across Python processes (the
built-in ``hash`` of a string is salted per process and must never be used here).
"""

from __future__ import annotations

import zlib

import numpy as np

from mill.distributions import Sampler, _Spec

_ENTITY_TAG = zlib.crc32(b"#entity")


def _key_words(purpose: str) -> list[int]:
    return [zlib.crc32(part.encode("utf-8")) for part in purpose.split("/")]


class Streams:
    """Factory of independent, reproducible numpy generators for one run."""

    __slots__ = ("_cache", "seed")

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._cache: dict[str, np.random.Generator] = {}

    def generator(self, purpose: str, entity: int | None = None) -> np.random.Generator:
        """A fresh generator for ``purpose`` (and ``entity``); same key → same stream.

        Purpose-level generators are cached and shared; entity-level ones (~15 µs to create)
        are returned new each call, so callers create them once per heat, not per draw.
        """
        if entity is None:
            gen = self._cache.get(purpose)
            if gen is None:
                gen = self._make(purpose, None)
                self._cache[purpose] = gen
            return gen
        return self._make(purpose, entity)

    def _make(self, purpose: str, entity: int | None) -> np.random.Generator:
        key = _key_words(purpose)
        if entity is not None:  # a tag word keeps ("a", entity=n) apart from the purpose "a/b"
            key += [_ENTITY_TAG, int(entity)]
        seq = np.random.SeedSequence(entropy=self.seed, spawn_key=tuple(key))
        return np.random.Generator(np.random.PCG64(seq))

    def sampler(self, purpose: str, spec: _Spec) -> Sampler:
        """A block sampler of ``spec`` on its own stream keyed by ``purpose``."""
        return spec.sampler(self._make(purpose, None))
