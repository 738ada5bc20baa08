"""Where independent tasks run: in this process, on a local process pool, or on a Dask cluster.

One abstraction for every fan-out of the project (Monte Carlo blocks in
``sim.engine.montecarlo``, sweep variants in ``sim.study.sweep``)::

    for index, outcome in run_tasks(fn, shared, tasks, executor="dask", scheduler=addr):
        value = outcome.result()          # re-raises what fn raised

``fn(shared, *task)`` must be a module-level function (picklable by reference). ``shared`` is
the large read-only input every task needs (a compiled model, a parsed scenario document): it
travels once per worker, not once per task (a pool initializer locally, ``Client.scatter`` with
``broadcast=True`` on Dask). Outcomes come in the order tasks finish; callers put them back in
task order, which is what makes a result identical for any executor and worker count (the
randomness of a task depends only on its own arguments).

Everything is spawn-safe: local pools use the ``spawn`` start method (the parent may run
threads, such as a Dask client or a progress bar, that ``fork`` would copy mid-lock), ``fn``
and ``shared`` are pickled, and no task relies on state inherited from the parent.

Executors: ``"local"`` (``workers`` processes; 1 runs in this process, no pool), ``"dask"`` (a
``distributed.Client`` connected to ``scheduler`` (an address), to ``scheduler_file``, to
``$DASK_SCHEDULER_ADDRESS``, or else to a new ``LocalCluster`` of ``workers`` single-threaded
processes), or an existing ``concurrent.futures.Executor`` / ``distributed.Client`` (used as
is, never closed).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any, Protocol

from sim.errors import InputError, RunError

ExecutorSpec = Any
"""``"local"``, ``"dask"``, a ``concurrent.futures.Executor`` or a ``distributed.Client``."""

EXECUTORS = ("local", "dask")
DASK_MISSING = "executor 'dask' needs Dask: pip install 'lunar-timeline[dask]'"
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
NO_DASHBOARD = {"dashboard_address": ":0"}  # LocalCluster: no dashboard, its HTTP server on a free port (not 8787)


class Outcome(Protocol):
    """A finished task: ``result()`` returns its value or raises its exception."""

    def result(self) -> Any: ...


Outcomes = Generator[tuple[int, Outcome], None, None]
"""(task index, outcome) pairs, in the order the tasks finish."""


def scheduler_address(scheduler: str | None = None, scheduler_file: str | None = None) -> str | None:
    """The Dask scheduler to connect to: ``scheduler``, else ``$DASK_SCHEDULER_ADDRESS``, else None
    (a ``scheduler_file`` is passed to ``Client`` separately)."""
    if scheduler:
        return scheduler
    if scheduler_file:
        return None
    return os.environ.get(SCHEDULER_ENV) or None


def run_tasks(
    fn: Callable[..., Any],
    shared: Any,
    tasks: Sequence[tuple[Any, ...]],
    *,
    executor: ExecutorSpec = "local",
    workers: int = 1,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
    name: str = "lunarsim",
) -> Outcomes:
    """Run ``fn(shared, *task)`` for every task; yield ``(index, outcome)`` as tasks finish.

    Raises:
        InputError: an unknown executor, or Dask asked for and not installed.
        RunError: the Dask scheduler cannot be reached.
    """
    if isinstance(executor, Executor):
        yield from _from_futures(executor, fn, shared, tasks)
    elif executor == "dask" or (not isinstance(executor, str) and hasattr(executor, "scatter")):
        client = executor if not isinstance(executor, str) else None
        yield from _dask(fn, shared, tasks, client, workers, scheduler, scheduler_file, name)
    elif executor != "local":
        raise InputError(f"executor {executor!r}: use local or dask")
    elif workers <= 1 or len(tasks) <= 1:
        for i, task in enumerate(tasks):
            yield i, Done(fn, shared, *task)
    else:
        yield from _local_pool(fn, shared, tasks, workers)


class Done:
    """A call made in this process, with a future's ``result()``."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.error: Exception | None = None
        try:
            self.value = fn(*args)
        except Exception as exc:  # re-raised by result(), like a worker's failure
            self.error = exc

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value


# --------------------------------------------------------------------------- local process pool

_SHARED: Any = None  # a pool worker's copy of ``shared`` (set by its initializer)


def _install(shared: Any) -> None:
    """Pool initializer: keep ``shared`` for the tasks; Ctrl-C is left to the parent.

    The worker was started with SIGINT held (see :func:`workers_starting`): it now ignores it and
    lets the mask go, so a Ctrl-C held during its start is dropped here, not printed as a traceback.
    """
    import signal

    global _SHARED
    _SHARED = shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _call_installed(fn: Callable[..., Any], *task: Any) -> Any:
    return fn(_SHARED, *task)


def ignore_sigint() -> None:
    """Pool initializer: workers leave Ctrl-C to the parent, which cancels the work and stops them."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while starting worker processes, which keep the setting across exec.

    A terminal sends Ctrl-C to the whole process group; workers that ignore it leave the
    cancelling to this process and print no tracebacks. A Ctrl-C while they start is dropped.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def workers_starting() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the pool starts its workers; act on them once it has.

    Starting a spawn worker means writing its start-up data (the pickled model) down a pipe. A
    signal whose handler raised in the middle of that write left the new worker reading a truncated
    pickle (it printed ``UnpicklingError`` or, once the parent had gone, ``FileNotFoundError`` for
    the pool's semaphore) and outside the list of processes the parent stops. Ignoring SIGINT meanwhile,
    as before, dropped a Ctrl-C that came during the start. Now SIGINT is blocked (workers inherit
    the mask; :func:`_install` ignores and unblocks it) and SIGTERM is noted by a handler that
    returns (the write goes on): both take effect when the block ends, with every worker listed.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        with sigint_ignored():
            yield
        return
    held: list[int] = []
    previous_term = signal.signal(signal.SIGTERM, lambda signum, frame: held.append(signum))
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)  # a held Ctrl-C is delivered here
        if held:
            signal.raise_signal(signal.SIGTERM)


def _local_pool(fn: Callable[..., Any], shared: Any, tasks: Sequence[tuple[Any, ...]], workers: int) -> Outcomes:
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)),
        mp_context=get_context("spawn"),
        initializer=_install,
        initargs=(shared,),
    )
    futures: dict[Future[Any], int] = {}
    try:
        with workers_starting():  # the pool starts its workers while tasks are submitted
            for i, task in enumerate(tasks):
                futures[pool.submit(_call_installed, fn, *task)] = i
        for fut in as_completed(futures):
            yield futures[fut], fut
    except BaseException:
        stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Terminate the pool's processes now rather than wait for the tasks they are running.

    (Not ``cancel`` on each future first: Python 3.11's ProcessPoolExecutor fails on cancelled
    futures when its workers die, ``InvalidStateError`` in its manager thread, then a hang.)
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.terminate()
    for proc in processes:  # reap them: none outlives the run, not even as a zombie
        proc.join(timeout=2.0)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=1.0)


def _from_futures(pool: Executor, fn: Callable[..., Any], shared: Any, tasks: Sequence[tuple[Any, ...]]) -> Outcomes:
    """Submit every task to a caller's executor (``shared`` goes with each) and yield them as they finish."""
    futures: dict[Future[Any], int] = {}
    try:
        with sigint_ignored():
            for i, task in enumerate(tasks):
                futures[pool.submit(fn, shared, *task)] = i
        for fut in as_completed(futures):
            yield futures[fut], fut
    finally:
        for fut in futures:
            fut.cancel()


# --------------------------------------------------------------------------- Dask


def local_cluster(workers: int) -> Any:
    """A Dask ``LocalCluster`` of ``workers`` single-threaded processes, without dashboard.

    The workers run no statistical profiler (it samples every 10 ms and costs 10-15 % of the
    compute) and ignore Ctrl-C while they start, which they inherit: the terminal's Ctrl-C
    reaches this process only.
    """
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.profile.enabled": False}), sigint_ignored():
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs=NO_DASHBOARD,
            silence_logs=logging.ERROR,
        )


def connect(scheduler: str | None, scheduler_file: str | None) -> Any:
    """A ``distributed.Client`` for a running scheduler (an address or a scheduler file).

    Raises:
        InputError: Dask is not installed, or the scheduler file does not exist.
        RunError: the scheduler cannot be reached.
    """
    try:
        from distributed import Client
    except ImportError:
        raise InputError(DASK_MISSING) from None
    if scheduler_file and not os.path.exists(scheduler_file):
        raise InputError(
            f"scheduler file {scheduler_file}: no such file (write it with 'dask scheduler --scheduler-file')"
        )
    where = scheduler or scheduler_file
    try:
        if scheduler:
            return Client(scheduler, timeout="10s")
        return Client(scheduler_file=scheduler_file, timeout="10s")
    except (ValueError, TypeError) as exc:  # e.g. an unknown scheme (foo://host)
        raise InputError(f"{where}: not a Dask scheduler address ({exc}); write e.g. tcp://10.0.0.5:8786") from None
    except (OSError, TimeoutError) as exc:
        raise RunError(
            f"cannot reach the Dask scheduler at {where} ({exc}); check the address and that 'dask scheduler' "
            "is running there"
        ) from None


def _dask(
    fn: Callable[..., Any],
    shared: Any,
    tasks: Sequence[tuple[Any, ...]],
    client: Any,
    workers: int,
    scheduler: str | None,
    scheduler_file: str | None,
    name: str,
) -> Outcomes:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise InputError(DASK_MISSING) from None
    cluster = None
    own = client is None
    if own:
        address = scheduler_address(scheduler, scheduler_file)
        if address or scheduler_file:
            client = connect(address, scheduler_file if not address else None)
        else:
            cluster = local_cluster(workers)
            client = Client(cluster)
    futures: list[Any] = []
    finished: set[int] = set()
    try:
        data = client.scatter(shared, broadcast=True, hash=False)  # once per worker, not per task
        token = uuid.uuid4().hex[:12]
        futures = [
            client.submit(fn, data, *task, key=f"{name}-{i}-{token}", pure=False) for i, task in enumerate(tasks)
        ]
        index = {fut.key: i for i, fut in enumerate(futures)}
        for fut in dask_completed(futures):
            i = index[fut.key]
            finished.add(i)
            yield i, _Settled(fut)
            fut.release()
    finally:
        pending = [f for i, f in enumerate(futures) if i not in finished]
        if pending:
            client.cancel(pending)
        if own:
            client.close()
            if cluster is not None:
                cluster.close()


class _Settled:
    """A Dask future's outcome, fetched before the future is released."""

    def __init__(self, fut: Any) -> None:
        self.error: BaseException | None = None
        try:
            self.value = fut.result()
        except Exception as exc:
            self.error = exc

    def result(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.value
