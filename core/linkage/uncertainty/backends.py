"""Where chunks run: in this process (``local``, one or more threads) or on Dask
(``dask.distributed``: a :class:`~dask.distributed.LocalCluster` started for the run, or a
scheduler's address for a real cluster).

A chunk's result depends only on its index (its own random stream), and results are put back in
chunk order, so every backend and number of workers gives the same answer. Dask is an optional
extra: it is imported when the backend is asked for, through :mod:`importlib`, and its absence
is a one-line error saying how to install it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

from linkage.errors import LinkageError
from linkage.progress import progress_bar

T = TypeVar("T")

BACKENDS = ("local", "dask")

NO_DASK = (
    "the dask backend needs dask.distributed, which is not installed: "
    "pip install 'issue-linkage[dask]'"
)

CONNECT_TIMEOUT = 5
"""Seconds to wait for a Dask scheduler before giving up."""

LOCAL_DASK_WORKERS = 2
"""Workers of the LocalCluster started when no scheduler is given and no number is."""

WORKER_ENVIRON = {"distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": 64 << 20}
"""Dask starts worker processes with ``MALLOC_TRIM_THRESHOLD_`` set, which also fixes glibc's
mmap threshold at 128 KiB: every array of a chunk (16,384 floats, 128 KiB) is then mapped and
unmapped on each operation, and the kernel runs twice as slow (measured). The LocalCluster's
workers get a 64 MiB mmap threshold; give a real cluster's workers the same environment variable
(``MALLOC_MMAP_THRESHOLD_=67108864``)."""


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _collect(results: Iterable[tuple[int, T]], indices: Sequence[int], progress: bool) -> list[T]:
    """The results of ``(index, result)`` pairs as they complete, put back in the order of
    ``indices``, with a progress bar when asked for."""
    bar = progress_bar(len(indices), "draws", "chunk", enabled=progress)
    out: dict[int, T] = {}
    try:
        for i, result in results:
            out[i] = result
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    return [out[i] for i in indices]


def run_local(
    task: Callable[[int], T], indices: Sequence[int], workers: int = 1, progress: bool = False
) -> list[T]:
    """``task(i)`` for every index, in this process (threads when ``workers > 1``), in order."""

    def threaded() -> Iterator[tuple[int, T]]:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(task, i): i for i in indices}
            for f in as_completed(futures):
                yield futures[f], f.result()

    if workers <= 1 or len(indices) <= 1:
        return _collect(((i, task(i)) for i in indices), indices, progress)
    return _collect(threaded(), indices, progress)


def run_dask(
    task: Callable[[int], T],
    indices: Sequence[int],
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = False,
    processes: bool = True,
) -> list[T]:
    """``task(i)`` for every index on Dask, in order. ``task`` must be picklable (it travels to
    the workers). Without ``scheduler`` a LocalCluster of ``workers`` processes is started for
    the run and closed after it."""
    distributed = _module("dask.distributed")
    if distributed is None:
        raise LinkageError(NO_DASK)
    cluster = client = None
    try:
        if scheduler:
            try:
                client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise LinkageError(
                    f"cannot reach the Dask scheduler at {scheduler} "
                    f"(no answer within {CONNECT_TIMEOUT} s: {type(exc).__name__})"
                ) from None
        else:
            with _module("dask").config.set(WORKER_ENVIRON):
                cluster = distributed.LocalCluster(
                    n_workers=workers or LOCAL_DASK_WORKERS,
                    threads_per_worker=1,
                    processes=processes,
                    dashboard_address=None,
                )
            client = distributed.Client(cluster)
        return _gather(distributed, client, task, indices, progress)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def _gather(
    distributed: Any, client: Any, task: Callable[[int], T], indices: Sequence[int], progress: bool
) -> list[T]:
    futures = client.map(task, list(indices), pure=False)
    index = {f.key: i for f, i in zip(futures, indices, strict=True)}

    def completed() -> Iterator[tuple[int, T]]:
        for f in distributed.as_completed(futures):
            result = f.result()
            f.release()
            yield index[f.key], result

    return _collect(completed(), indices, progress)


def run(
    task: Callable[[int], T],
    indices: Sequence[int],
    *,
    backend: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    remote: Callable[[int], T] | None = None,
) -> list[T]:
    """Run the chunks on ``backend``; ``remote`` is the picklable form of ``task`` that Dask
    sends to its workers (default ``task`` itself)."""
    if backend == "local":
        if scheduler:
            raise LinkageError("--scheduler needs --backend dask")
        return run_local(task, indices, workers or 1, progress)
    if backend == "dask":
        return run_dask(
            remote or task, indices, scheduler=scheduler, workers=workers, progress=progress
        )
    raise LinkageError(f"unknown backend {backend!r}: one of {', '.join(BACKENDS)}")
