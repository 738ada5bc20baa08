"""One executor abstraction for mc and sweep: identical results on any executor and worker count.

``lunarsim mc`` runs its blocks through ``sim.engine.executors.run_tasks`` (in this process, on a
spawn pool, or on Dask): the JSON must not change by one byte. The Dask scheduler comes from
``--scheduler``, ``--scheduler-file`` or ``$DASK_SCHEDULER_ADDRESS``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.cli import main
from sim.engine import executors
from sim.engine.montecarlo import BLOCK, monte_carlo
from sim.scenario.model import load_scenario
from tests.conftest import SCENARIOS

N = 3 * BLOCK + 123  # four blocks, the last one short


def square_plus(shared: int, x: int) -> int:
    """A task for run_tasks (module level: picklable by reference for spawn workers)."""
    if x < 0:
        raise ValueError(f"negative {x}")
    return shared + x * x


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    """One 2-worker Dask LocalCluster (processes, one thread each) for the whole module."""
    distributed = pytest.importorskip("distributed")
    cluster = executors.local_cluster(2)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def mc(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["mc", str(SCENARIOS / "change5.yaml"), "-n", str(N), "--seed", "11", "--json", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_run_tasks_in_process_and_on_a_spawn_pool() -> None:
    """Every task runs once with the shared value; outcomes carry the task's index; errors re-raise."""
    tasks = [(x,) for x in range(7)]
    for workers in (1, 2):
        got = {i: o.result() for i, o in executors.run_tasks(square_plus, 100, tasks, workers=workers)}
        assert got == {x: 100 + x * x for x in range(7)}
    outcomes = dict(executors.run_tasks(square_plus, 0, [(1,), (-2,)], workers=2))
    assert outcomes[0].result() == 1
    with pytest.raises(ValueError, match="negative -2"):
        outcomes[1].result()


def test_unknown_executor_is_bad_input() -> None:
    with pytest.raises(Exception, match="use local or dask"):
        list(executors.run_tasks(square_plus, 0, [(1,)], executor="slurm"))


def test_scheduler_address_prefers_the_option_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://env:8786")
    assert executors.scheduler_address("tcp://opt:1", None) == "tcp://opt:1"
    assert executors.scheduler_address(None, None) == "tcp://env:8786"
    assert executors.scheduler_address(None, "sched.json") is None  # the file wins over the environment
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS")
    assert executors.scheduler_address(None, None) is None


def test_mc_json_identical_for_workers_and_dask(
    capsys: pytest.CaptureFixture[str], dask_client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mc --json: byte-identical in this process, on 2 spawn workers, and on Dask by address, by
    scheduler file and by $DASK_SCHEDULER_ADDRESS (which must not start a LocalCluster)."""
    address = dask_client.scheduler.address
    sched_file = tmp_path / "scheduler.json"
    sched_file.write_text(json.dumps({"address": address}))
    code, reference, err = mc(capsys, "--workers", "1")
    assert code == 0, err
    data = json.loads(reference)
    assert data["replications"] == N and data["seed"] == 11
    for args in (
        ("--workers", "2"),
        ("--executor", "dask", "--scheduler", address),
        ("--scheduler-file", str(sched_file)),
    ):
        code, out, err = mc(capsys, *args)
        assert code == 0, (args, err)
        assert out == reference, args

    def no_local_cluster(workers: int) -> Any:
        raise AssertionError("DASK_SCHEDULER_ADDRESS was ignored")

    monkeypatch.setattr(executors, "local_cluster", no_local_cluster)
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", address)
    code, out, err = mc(capsys, "--executor", "dask")
    assert code == 0, err
    assert out == reference


def test_monte_carlo_on_a_running_client_equals_in_process(dask_client: Any) -> None:
    """The API takes a running Client; the ensemble's arrays are identical to the in-process run."""
    scenario = load_scenario(SCENARIOS / "change6.yaml")
    here = monte_carlo(scenario, N, 5)
    there = monte_carlo(scenario, N, 5, executor=dask_client)
    assert (here.end_s == there.end_s).all()
    assert (here.critical_count == there.critical_count).all()
    assert all((here.sums[k] == there.sums[k]).all() for k in here.sums)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--executor", "local", "--scheduler", "tcp://x:1"), "needs --executor dask"),
        (("--scheduler-file", "/nonexistent/sched.json"), "no such file"),
        (("--workers", "0"), "must be between 1 and 256"),
    ],
)
def test_bad_executor_options_exit_2(capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str) -> None:
    code, out, err = mc(capsys, *args)
    assert code == 2 and message in err and out == ""


def test_blocks_grouped_into_tasks_per_executor() -> None:
    """Locally about four tasks per worker; on Dask up to 16 vector blocks a task (the scheduler's
    per-task cost), one SimPy block a task; groups are runs of consecutive blocks, none lost."""
    from sim.engine.montecarlo import _tasks, blocks

    todo = blocks(1_000_000)  # 123 blocks, the last one short
    for executor, workers, engine, count in (
        ("local", 1, "vector", 123),
        ("local", 2, "vector", 9),
        ("dask", 2, "vector", 18),
        ("dask", 2, "des", 123),
    ):
        tasks = _tasks(todo, workers, executor, engine)
        assert len(tasks) == count, (executor, workers, engine)
        flat = [(first + k, size) for first, sizes in tasks for k, size in enumerate(sizes)]
        assert flat == todo
