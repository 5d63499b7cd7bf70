"""Both cores: parse (and later render) in a process pool when the vault is big.

Small vaults stay in-process: a pool costs more to start than it saves.  Results
are identical either way (tests compare the bytes), because every task is a pure
function of its input and results are put back in input order.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this much work (bytes of Markdown), one process is faster than two.
PARALLEL_THRESHOLD = 2_000_000


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for a batch stage.

    A build creates hundreds of thousands of small acyclic records; each full
    collection walks all of them, which cost more than a third of the graph and
    resolve stages on a 10,000-note vault.  Reference counting still frees them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _worker_init() -> None:
    gc.disable()  # workers are short-lived batch processes, see paused_gc


def default_jobs() -> int:
    return max(
        1,
        min(
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1),
            8,
        ),
    )


def forkserver() -> multiprocessing.context.ForkServerContext:
    """Processes forked from a clean single-threaded server that preloaded notesite
    once: safe from a process running threads, and small (they share nothing of
    the builder's heap)."""
    context = multiprocessing.get_context("forkserver")
    assert isinstance(context, multiprocessing.context.ForkServerContext)
    context.set_forkserver_preload(["notesite.parse", "notesite.renderer"])
    return context


def has_forkserver() -> bool:
    return "forkserver" in multiprocessing.get_all_start_methods()


def start_forkserver() -> None:
    """Start the forkserver now (it imports notesite in the background), so that it
    can fork a render helper at once when asked: started on demand, it kept the
    builder waiting ≈ 0.3 s."""
    if has_forkserver():
        forkserver()
        multiprocessing.forkserver.ensure_running()


def make_pool(jobs: int) -> Executor:
    """A process pool: forked when we are single-threaded (fastest), else forkserver.

    Forking a process that runs other threads (the serve watcher, the HTTP server)
    can deadlock the child on a lock held by one of them.
    """
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_init,
        )
    return ProcessPoolExecutor(max_workers=jobs, mp_context=forkserver(), initializer=_worker_init)


def _run_chunk(func: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [func(item) for item in chunk]


def _run_chunk_pickled(func: Callable[[T], R], chunk: Sequence[T]) -> bytes:
    return pickle.dumps([func(item) for item in chunk], protocol=pickle.HIGHEST_PROTOCOL)


def run_all(
    func: Callable[[T], R],
    items: Sequence[T],
    weight: Callable[[T], int],
    jobs: int = 0,
    pool: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    sink: Callable[[bytes, int], None] | None = None,
) -> list[R]:
    """``[func(i) for i in items]``, on ``jobs`` processes when the work is big enough.

    ``sink``: on processes, gets each chunk's results as the worker pickled them to
    send them (and their number), to store without pickling them again.
    """
    jobs = jobs or default_jobs()
    total = sum(weight(i) for i in items)
    if jobs == 1 or (pool is None and total < PARALLEL_THRESHOLD) or len(items) < 2:
        results = []
        for item in items:
            results.append(func(item))
            if progress:
                progress(1)
        return results
    chunks = list(_chunks(items, weight, total // (jobs * 8) + 1))
    own = pool is None
    executor = pool or make_pool(jobs)
    try:
        task: Callable[..., Any] = _run_chunk if sink is None else _run_chunk_pickled
        futures = [executor.submit(task, func, c) for c in chunks]
        out: list[R] = []
        for future, chunk in zip(futures, chunks, strict=True):
            result = future.result()
            if sink is not None:
                sink(result, len(chunk))
                result = pickle.loads(result)
            out.extend(result)
            if progress:
                progress(len(chunk))
        return out
    finally:
        if own:
            executor.shutdown()


def _chunks(items: Iterable[T], weight: Callable[[T], int], size: int) -> Iterable[list[T]]:
    chunk: list[T] = []
    filled = 0
    for item in items:
        chunk.append(item)
        filled += weight(item)
        if filled >= size:
            yield chunk
            chunk, filled = [], 0
    if chunk:
        yield chunk
