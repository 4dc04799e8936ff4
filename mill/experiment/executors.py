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
import uuid
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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


class LocalProcesses:
    """A pool of ``workers`` local processes."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.description = f"{workers} local processes"
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context())

    def run(self, tasks: list[RunTask], runs_dir: Path) -> Iterator[RunOutcome]:
        # at most 2 tasks queued per worker: an interrupt does not leave a long queue behind
        pending: dict[Future[RunOutcome], RunTask] = {}
        todo = list(reversed(tasks))
        while todo or pending:
            while todo and len(pending) < 2 * self.workers:
                task = todo.pop()
                pending[self._pool.submit(run_task, task, runs_dir / task.run_id)] = task
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                task = pending.pop(fut)
                try:
                    yield fut.result()
                except Exception as exc:  # e.g. BrokenProcessPool: a worker was killed
                    yield _lost(task, exc)

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
        futures = self._client.map(
            run_task_detached, tasks, key=[f"mill-{t.run_id}-{token}" for t in tasks], pure=False
        )
        by_key = {f.key: t for f, t in zip(futures, tasks, strict=True)}
        for fut in as_completed(futures):
            task = by_key[fut.key]
            try:
                outcome, files = fut.result()
            except Exception as exc:  # KilledWorker, a lost connection...
                yield _lost(task, exc)
                continue
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
    import os

    n = workers if workers is not None else (os.cpu_count() or 1)
    if dask is not None:
        return DaskCluster(dask, n)
    if n <= 1:
        return InProcess()
    return LocalProcesses(n)
