"""Random streams keyed by purpose: same key, same stream; different keys, independent streams;
and draws on one stream never shift another (common random numbers across scenarios).
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from mill.distributions import normal, uniform
from mill.rng import Streams


def test_same_seed_and_purpose_give_the_same_stream() -> None:
    """Two Streams with the same seed give identical draws for the same purpose."""
    a = Streams(11).generator("time/caster").random(1000)
    b = Streams(11).generator("time/caster").random(1000)
    assert np.array_equal(a, b)


def test_same_seed_purpose_and_entity_give_the_same_stream() -> None:
    """An entity-keyed stream is reproducible from (seed, purpose, entity) alone."""
    a = Streams(11).generator("chemistry", 17).random(100)
    b = Streams(11).generator("chemistry", 17).random(100)
    assert np.array_equal(a, b)


def test_different_seeds_give_different_streams() -> None:
    """Changing the run seed changes every stream."""
    a = Streams(1).generator("orders").random(100)
    b = Streams(2).generator("orders").random(100)
    assert not np.array_equal(a, b)


@pytest.mark.parametrize(
    ("key_a", "key_b"),
    [
        (("time/caster", None), ("time/converter", None)),
        (("chemistry", 1), ("chemistry", 2)),
        (("chemistry", 1), ("chemistry", None)),
        (("chemistry", 1), ("secondary", 1)),
        (("a/b", None), ("ab", None)),
        (("a/b", None), ("b/a", None)),
    ],
    ids=str,
)
def test_different_keys_give_different_streams(key_a: tuple, key_b: tuple) -> None:
    """Purposes, entities and the path structure of a key all select a distinct stream."""
    s = Streams(5)
    a = s.generator(*key_a).random(100)
    b = s.generator(*key_b).random(100)
    assert not np.array_equal(a, b)


def test_streams_for_different_purposes_are_uncorrelated() -> None:
    """Draws from two purposes are statistically independent (|r| within 5/sqrt(n) of 0)."""
    n = 50_000
    s = Streams(2024)
    pairs = [("time/caster", "time/converter"), ("ut/false_calls", "lab/noise")]
    for p, q in pairs:
        a = s.generator(p).standard_normal(n)
        b = s.generator(q).standard_normal(n)
        assert abs(np.corrcoef(a, b)[0, 1]) < 5 / np.sqrt(n)
    heats = np.array(
        [Streams(2024).generator("chemistry", h).standard_normal() for h in range(2000)]
    )
    assert abs(np.corrcoef(heats[:-1], heats[1:])[0, 1]) < 5 / np.sqrt(heats.size)


def test_draws_on_other_streams_do_not_shift_a_stream() -> None:
    """Common random numbers: a purpose's draws are the same however much other streams draw."""
    quiet = Streams(99)
    busy = Streams(99)
    busy.generator("defects/inclusions").random(12_345)
    busy.generator("orders").normal(size=777)
    busy.generator("chemistry", 3).random(10)
    assert np.array_equal(
        quiet.generator("time/quench").random(500), busy.generator("time/quench").random(500)
    )
    assert np.array_equal(
        quiet.generator("chemistry", 4).random(50), busy.generator("chemistry", 4).random(50)
    )


def test_the_order_streams_are_created_in_does_not_matter() -> None:
    """Creating streams in a different order gives each one the same draws."""
    s1, s2 = Streams(3), Streams(3)
    a1, b1 = s1.generator("a").random(10), s1.generator("b").random(10)
    b2, a2 = s2.generator("b").random(10), s2.generator("a").random(10)
    assert np.array_equal(a1, a2) and np.array_equal(b1, b2)


def test_purpose_generators_are_shared_and_continue_their_stream() -> None:
    """``generator(purpose)`` returns one cached generator, so successive calls continue it."""
    s = Streams(8)
    assert s.generator("orders") is s.generator("orders")
    first = s.generator("orders").random(5)
    second = s.generator("orders").random(5)
    both = Streams(8).generator("orders").random(10)
    assert np.array_equal(np.concatenate([first, second]), both)


def test_entity_generators_restart_their_stream_each_call() -> None:
    """``generator(purpose, entity)`` is a fresh generator: the same heat redraws the same."""
    s = Streams(8)
    assert np.array_equal(
        s.generator("chemistry", 5).random(3), s.generator("chemistry", 5).random(3)
    )


def test_sampler_draws_the_stream_of_its_purpose() -> None:
    """``Streams.sampler(purpose, spec)`` draws ``spec`` from the stream keyed by ``purpose``."""
    spec = normal(10, 2)
    sampler = Streams(21).sampler("time/ut", spec)
    got = [sampler() for _ in range(2000)]
    gen = Streams(21).generator("time/ut")
    expected = spec.draw(gen, 1024).tolist() + spec.draw(gen, 1024).tolist()
    assert got == expected[:2000]
    assert got != [Streams(22).sampler("time/ut", spec)() for _ in range(2000)]


def test_samplers_on_different_purposes_are_independent_of_each_other() -> None:
    """Drawing from one sampler does not change what another purpose's sampler returns."""
    spec = uniform(0, 1)
    s1, s2 = Streams(4), Streams(4)
    noisy = s2.sampler("noise", spec)
    for _ in range(5000):
        noisy()
    a = s1.sampler("signal", spec)
    b = s2.sampler("signal", spec)
    assert [a() for _ in range(3000)] == [b() for _ in range(3000)]


def test_streams_are_stable_across_python_processes() -> None:
    """Keys are hashed stably (not with the per-process salted ``hash``): a fresh interpreter
    with another hash seed draws the same numbers."""
    code = (
        "from mill.rng import Streams;"
        "print(repr(Streams(77).generator('time/caster').random(3).tolist()));"
        "print(repr(Streams(77).generator('chemistry', 12).random(3).tolist()))"
    )
    hash_seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
    )
    here = (
        f"{Streams(77).generator('time/caster').random(3).tolist()!r}\n"
        f"{Streams(77).generator('chemistry', 12).random(3).tolist()!r}\n"
    )
    assert proc.stdout == here


def test_a_streams_seed_is_the_keyed_blake2b_digest_of_its_key() -> None:
    """The documented derivation: PCG64 seeded with BLAKE2b(purpose [NUL entity], key=seed),
    its 32 bytes read as four little-endian 64-bit words."""
    import hashlib

    from mill.rng import _DigestSeed

    key = (123).to_bytes(8, "little")
    digest = hashlib.blake2b(b"chemistry\0" + (17).to_bytes(8, "little"), digest_size=32, key=key)
    words = _DigestSeed(digest.digest()).generate_state(4, np.uint64)
    assert words.tolist() == [
        int.from_bytes(digest.digest()[8 * i : 8 * i + 8], "little") for i in range(4)
    ]
    expected = np.random.Generator(np.random.PCG64(_DigestSeed(digest.digest())))  # type: ignore[arg-type]
    assert np.array_equal(Streams(123).generator("chemistry", 17).random(5), expected.random(5))
    # 32-bit words are the same bytes, in little-endian halves
    halves = _DigestSeed(digest.digest()).generate_state(8, np.uint32)
    assert [(int(halves[2 * i + 1]) << 32) | int(halves[2 * i]) for i in range(4)] == words.tolist()
    with pytest.raises(ValueError, match="holds 4 words"):
        _DigestSeed(digest.digest()).generate_state(5, np.uint64)
    with pytest.raises(ValueError, match="uint32 or uint64"):
        _DigestSeed(digest.digest()).generate_state(1, np.float64)


def test_a_seed_outside_64_bits_is_refused() -> None:
    """The run seed is the hash key: 8 bytes, so it must fit in [0, 2**64)."""
    with pytest.raises(ValueError, match="2\\*\\*64"):
        Streams(-1)
    with pytest.raises(ValueError, match="2\\*\\*64"):
        Streams(2**64)
