"""Edges of the random streams that the main rng tests do not reach: seed-word types given
as numpy dtypes, the ends of the seed range, and negative entity numbers (found by mutation
testing: each test kills mutants that survived the rest of the suite)."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from mill.rng import Streams, _DigestSeed

DIGEST = hashlib.blake2b(b"mill", digest_size=32).digest()


@pytest.mark.parametrize("word", [np.uint32, np.uint64])
def test_seed_words_by_dtype_object_equal_those_by_type(word: type) -> None:
    """``np.dtype(np.uint64)`` and ``np.uint64`` ask for the same words."""
    n = 8 if word is np.uint32 else 4
    seed = _DigestSeed(DIGEST)
    np.testing.assert_array_equal(
        seed.generate_state(n, np.dtype(word)), seed.generate_state(n, word)
    )


def test_the_seed_range_is_0_to_2_to_the_64() -> None:
    """Seed 0 and 2**64 − 1 are valid run seeds; −1 and 2**64 are refused with the range."""
    assert Streams(0).generator("x").integers(1 << 30) != Streams(1).generator("x").integers(
        1 << 30
    )
    Streams(2**64 - 1)
    for bad in (-1, 2**64):
        with pytest.raises(ValueError, match=r"^the run seed must be in \[0, 2\*\*64\)$"):
            Streams(bad)


def test_a_negative_entity_number_has_its_own_stream() -> None:
    """Entity numbers are signed: −1 gives a reproducible stream of its own."""
    s = Streams(7)
    a = s.generator("p", -1).random(4)
    np.testing.assert_array_equal(a, Streams(7).generator("p", -1).random(4))
    assert not np.array_equal(a, s.generator("p", 1).random(4))
