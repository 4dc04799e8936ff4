"""The units' lean server pool grants exactly as ``simpy.Resource`` does: same order, same
moments, same tie-breaking among simultaneous events, so swapping it in changed no byte of a
run."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import pytest
import simpy

from mill.model.units import Servers

Log = list[tuple[float, str, int]]


def _simulate(make: Callable[[simpy.Environment], Any], seed: int, capacity: int) -> Log:
    """Jobs on integer clocks (many ties) request, hold and release a pool, then take one
    more step at the same instant; another process ticks on the same instants. Returns who
    was granted, released, stepped and ticked, in order."""
    rng = np.random.default_rng(seed)
    arrivals = rng.integers(0, 6, 40).tolist()
    holds = rng.integers(0, 4, 40).tolist()
    env = simpy.Environment()
    pool = make(env)
    log: Log = []

    def job(k: int) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(arrivals[k])
        req = pool.request()
        yield req
        log.append((env.now, "grant", k))
        yield env.timeout(holds[k])
        if isinstance(pool, Servers):
            pool.release()
        else:
            pool.release(req)
        log.append((env.now, "release", k))
        yield env.timeout(0)  # an event at the same instant, scheduled after the release
        log.append((env.now, "after", k))

    def ticker() -> Generator[simpy.Event, Any, None]:
        for t in range(30):
            yield env.timeout(1)
            log.append((env.now, "tick", t))

    for k in range(len(arrivals)):
        env.process(job(k))
    env.process(ticker())
    env.run()
    return log


@pytest.mark.parametrize("capacity", [1, 2, 3])
@pytest.mark.parametrize("seed", range(8))
def test_servers_grant_like_simpy_resource(seed: int, capacity: int) -> None:
    """Grants, releases and an unrelated process's steps interleave identically."""
    ours = _simulate(lambda env: Servers(env, capacity), seed, capacity)
    simpys = _simulate(lambda env: simpy.Resource(env, capacity), seed, capacity)
    assert ours == simpys
    assert sum(1 for _, what, _ in ours if what == "grant") == 40


def test_servers_count_users() -> None:
    """A request takes a free server at once; the next waits for a release."""
    env = simpy.Environment()
    pool = Servers(env, 1)
    first = pool.request()
    second = pool.request()
    assert first.triggered and not second.triggered and pool.users == 1
    pool.release()
    env.run()
    assert second.triggered and pool.users == 1
