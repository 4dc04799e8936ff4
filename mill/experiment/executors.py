"""Where replications run: the calling process, local worker processes, or a Dask cluster.

Every executor runs the same task function with the same task data, so a run's CSVs are
byte-identical whichever ran it. Each yields outcomes as runs finish; a run that raises, or a
worker that dies under it, becomes a ``failed`` outcome and the other runs go on.

- ``InProcess``: one after another in this process (``--workers 1``).
- ``LocalProcesses``: a pool of fresh worker processes (``--workers N``). Workers start from a
  fork server that has imported mill once (``forkserver`` with a preload, where the platform has
  it; ``spawn`` elsewhere), so they share no random state with the parent or each other and do
  not pay the import on every start.
- ``DaskCluster``: an existing Dask distributed scheduler (``--dask tcp://HOST:8786``) or a
  ``LocalCluster`` started for the experiment and closed after it (``--dask local``). A task
  runs in the worker's temporary folder and returns its files, which are written here by the
  write-then-rename rule, so the workers need not share a disk with the experiment folder.
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from mill.experiment.task import RunOutcome, RunTask, place_files, run_task, run_task_detached

DASK_MISSING = (
    '--dask needs Dask distributed, which is an optional extra: python3 -m pip install -e ".[dask]"'
)


class DaskMissingError(Exception):
    """``--dask`` was asked for but Dask distributed is not installed."""


class Executor(Protocol):
    """Runs tasks and yields their outcomes as they finish."""

    description: str
    workers: int

    def run(self, tasks: list[RunTask], runs_dir: Path) -> Iterator[RunOutcome]: ...

    def close(self) -> None: ...


def _lost(task: RunTask, exc: BaseException) -> RunOutcome:
    """The outcome of a task whose worker failed outside the run itself."""
    return RunOutcome(
        task.run_id, task.point, task.replication, task.seed, "failed",
        error=f"the worker running it failed: {type(exc).__name__}: {exc}",
    )  # fmt: skip


class InProcess:
    """Runs one task after another in the calling process."""

    description = "this process"
    workers = 1

    def run(self, tasks: list[RunTask], runs_dir: Path) -> Iterator[RunOutcome]:
        for task in tasks:
            yield run_task(task, runs_dir / task.run_id)

    def close(self) -> None:
        pass


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["mill.experiment.task"])  # workers start with mill imported
        return ctx
    return multiprocessing.get_context("spawn")


ATTEMPTS = 2
"""Times a run is tried alone when its worker process dies under it (a crash of the run itself
is recorded at once: it would crash again). Dask's own retry count is set to the same."""


class LocalProcesses:
    """A pool of ``workers`` local processes.

    A worker that dies (killed, out of memory) breaks the whole pool and every run it held. The
    pool is rebuilt; the runs it held become suspects and are made again one at a time, so the
    run that kills its worker is found: it is charged an attempt each time it breaks the pool
    alone, and recorded as failed after ``ATTEMPTS``. The other runs go on, unharmed."""

    work: Callable[[RunTask, Path], RunOutcome] = staticmethod(run_task)
    """What a worker does with a task (a module-level function: workers import it by name)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.description = f"{workers} local processes"
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=_context())

    def run(self, tasks: list[RunTask], runs_dir: Path) -> Iterator[RunOutcome]:
        pending: dict[Future[RunOutcome], RunTask] = {}
        suspects: list[RunTask] = []
        tries: dict[str, int] = {}
        todo = list(reversed(tasks))
        while todo or pending or suspects:
            broken: BaseException | None = None
            try:
                if suspects:  # after a break: one run at a time until the culprit is known
                    if not pending:
                        task = suspects[0]
                        pending[self._pool.submit(self.work, task, runs_dir / task.run_id)] = task
                else:  # at most 2 queued per worker: an interrupt leaves no long queue
                    while todo and len(pending) < 2 * self.workers:
                        task = todo.pop()
                        pending[self._pool.submit(self.work, task, runs_dir / task.run_id)] = task
            except BrokenProcessPool as exc:  # the pool broke between two submits
                if not suspects:
                    todo.append(task)  # not submitted: back in the queue
                broken = exc
            if pending and broken is None:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    task = pending.pop(fut)
                    try:
                        outcome = fut.result()
                    except BrokenProcessPool as exc:
                        broken = exc
                        pending[fut] = task  # lost with the others: handled below
                        continue
                    except Exception as exc:  # e.g. the outcome could not be sent back
                        outcome = _lost(task, exc)
                    if task in suspects:
                        suspects.remove(task)
                    yield outcome
            if broken is not None:
                lost = list(pending.values())
                pending.clear()
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                if suspects and lost == [suspects[0]]:  # it broke the pool on its own
                    culprit = suspects[0]
                    tries[culprit.run_id] = tries.get(culprit.run_id, 0) + 1
                    if tries[culprit.run_id] >= ATTEMPTS:
                        suspects.pop(0)
                        yield _lost(culprit, broken)
                else:
                    suspects.extend(t for t in lost if t not in suspects)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """Tasks on a Dask distributed cluster: ``address`` of a scheduler, or "local" for a
    ``LocalCluster`` of ``workers`` single-threaded worker processes."""

    def __init__(self, address: str, workers: int) -> None:
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise DaskMissingError(DASK_MISSING) from None
        self._cluster: Any = None
        if address == "local":
            import dask

            # a run that kills its worker is tried ATTEMPTS times, not Dask's default 4
            with dask.config.set({"distributed.scheduler.allowed-failures": ATTEMPTS - 1}):
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=40,  # logging.ERROR: the cluster's INFO lines are not for users
                )
            self._client: Any = Client(self._cluster)
            self.description = f"a Dask LocalCluster of {workers} workers"
        else:
            self._client = Client(address, timeout="30s")
            self.description = f"the Dask scheduler at {address}"
        info = self._client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info["workers"].values()))

    def run(self, tasks: list[RunTask], runs_dir: Path) -> Iterator[RunOutcome]:
        from dask.distributed import as_completed

        token = uuid.uuid4().hex[:8]
        keys = [f"mill-{t.run_id}-{token}" for t in tasks]
        by_key = dict(zip(keys, tasks, strict=True))
        # no list of futures is kept: each result (a run's files) is released from the
        # worker's memory as soon as it is written here
        done = as_completed(
            self._client.map(run_task_detached, tasks, key=keys, pure=False, retries=ATTEMPTS - 1)
        )
        for fut in done:
            task = by_key[fut.key]
            try:
                outcome, files = fut.result()
            except Exception as exc:  # KilledWorker, a lost connection...
                fut.release()
                yield _lost(task, exc)
                continue
            fut.release()
            if files:
                place_files(files, runs_dir / task.run_id)
            yield outcome

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(workers: int | None, dask: str | None) -> Executor:
    """The executor the command line asked for: Dask when ``dask`` is given, else local
    processes (all cores by default), or this process for one worker."""
    n = workers if workers is not None else (os.cpu_count() or 1)
    if dask is not None:
        return DaskCluster(dask, n)
    if n <= 1:
        return InProcess()
    return LocalProcesses(n)
