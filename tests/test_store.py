"""Window tables stored on disk (``sim.sky.store``): read back bit for bit, never stale, never fatal."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from sim.engine.des import simulate
from sim.engine.model import build_model
from sim.scenario.bundled import resolve
from sim.scenario.model import load_scenario
from sim.sky import cache, store
from tests.conftest import run_cli


@pytest.fixture
def on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The store turned on in a fresh folder (the suite runs with it off), memory caches empty."""
    monkeypatch.setenv(store.ENV, str(tmp_path))
    cache.clear()
    store.stats.update(loaded=0, saved=0)
    return tmp_path / "windows"


def _tables(scenario_id: str) -> list[np.ndarray]:
    model = build_model(load_scenario(resolve(scenario_id)))
    return [np.column_stack([t.starts, t.ends]) for t in model.windows]


def test_a_second_process_reads_every_table_back_with_the_same_bits(on_disk: Path) -> None:
    first = _tables("change5")
    blocks = cache.stats["computed"]
    saved = store.stats["saved"]
    assert saved == blocks + 3  # the geometric windows' blocks + the 3 daylight windows
    assert len(list(on_disk.rglob("*.npy"))) == saved
    cache.clear()  # as a new process: nothing in memory
    again = _tables("change5")
    assert store.stats["loaded"] == saved
    assert cache.stats["computed"] == 0 and cache.stats["loaded"] == blocks
    for a, b in zip(first, again, strict=True):
        assert a.tobytes() == b.tobytes()


def test_results_are_the_same_with_the_store_off_empty_or_full(on_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario(resolve("change6"))
    filled = simulate(scenario).to_dict()
    cache.clear()
    read = simulate(scenario).to_dict()
    monkeypatch.setenv(store.ENV, "off")
    cache.clear()
    computed = simulate(scenario).to_dict()
    assert filled == read == computed
    assert store.stats["loaded"] > 0


def test_a_damaged_file_is_computed_again_and_replaced(on_disk: Path) -> None:
    first = _tables("change5")
    files = sorted(on_disk.rglob("*.npy"))
    for f in files:
        f.write_bytes(b"not a table")
    cache.clear()
    store.stats.update(loaded=0, saved=0)
    again = _tables("change5")
    assert store.stats == {"loaded": 0, "saved": len(files)}
    assert all(np.load(f).dtype == np.float64 for f in files)
    for a, b in zip(first, again, strict=True):
        assert a.tobytes() == b.tobytes()


def test_a_folder_that_cannot_be_written_only_means_computing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the store's folder would be")
    monkeypatch.setenv(store.ENV, str(blocker))
    cache.clear()
    store.stats.update(loaded=0, saved=0)
    tables = _tables("change5")
    assert store.stats == {"loaded": 0, "saved": 0}
    monkeypatch.setenv(store.ENV, "off")
    cache.clear()
    for a, b in zip(tables, _tables("change5"), strict=True):
        assert a.tobytes() == b.tobytes()


def test_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV, "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache.clear()
    _tables("change5")
    assert store.folder() is None
    assert not any(tmp_path.rglob("*.npy"))


def test_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(store.ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert store.folder() == tmp_path / "lunarsim" / "windows"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store.folder() == tmp_path / "home" / ".cache" / "lunarsim" / "windows"


def test_another_code_version_never_reads_a_stale_table(on_disk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = store.stable_key("block", "de421.bsp:1", 1.0, ("x",), 7)
    store.save(key, np.array([[1.0, 2.0]]))
    assert store.load(key) is not None
    monkeypatch.setattr(store, "_code_digest", lambda: "another version of sim/sky")
    assert store.load(key) is None


def test_keys_that_name_objects_by_address_are_not_stored() -> None:
    assert store.stable_key("block", object()) is None
    assert store.stable_key("block", 1.5, ("Kashi", 39.5)) == "('block', 1.5, ('Kashi', 39.5))"


def _twice(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """``lunarsim ARGS`` run twice with the store in ``folder`` (empty, then filled by the first)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(store.ENV, str(folder))
        return run_cli(*args), run_cli(*args)


def test_the_command_line_gives_the_same_answer_from_the_store(tmp_path: Path) -> None:
    cold, warm = _twice(tmp_path, "run", "change5", "--json")
    assert cold.returncode == warm.returncode == 0, cold.stderr + warm.stderr
    assert json.loads(cold.stdout) == json.loads(warm.stdout)
    assert len(list((tmp_path / "windows").rglob("*.npy"))) == 9  # 3 windows x 2 blocks + 3 daylight


def test_verbose_says_how_many_tables_were_read_and_computed(tmp_path: Path) -> None:
    cold, warm = _twice(tmp_path, "run", "change5", "-v")
    folder = tmp_path / "windows"
    assert f"window tables: 0 read from {folder}, 9 computed and stored there" in cold.stderr
    assert f"window tables: 9 read from {folder}, 0 computed and stored there" in warm.stderr


def test_the_least_recently_used_tables_go_when_there_are_too_many(on_disk: Path) -> None:
    keys = [store.stable_key("t", k) for k in range(10)]
    for k, key in enumerate(keys):
        store.save(key, np.array([[float(k), k + 1.0]]))
    files = {key: store._path(key) for key in keys}
    for k, key in enumerate(keys):  # written long ago, in order
        os.utime(files[key], (1000.0 + k, 1000.0 + k))
    assert store.load(keys[0]) is not None  # read now: the most recently used
    assert store.prune(on_disk, max_files=20) == 0  # under the limit: nothing goes
    assert store.prune(on_disk, max_files=5) == 6  # down to 80 % of 5: the 6 oldest unused
    kept = [key for key in keys if files[key].is_file()]  # type: ignore[union-attr]
    assert kept == [keys[0], keys[7], keys[8], keys[9]]
    assert store.load(keys[1]) is None  # pruned: computed again by whoever needs it


def test_processes_filling_one_folder_at_once_agree_and_leave_no_partial_file(tmp_path: Path) -> None:
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, store.ENV: str(tmp_path), "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "sim", "run", "change5", "--json"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outs]
    results = [json.loads(out) for out, _ in outs]
    assert results[0] == results[1] == results[2]
    folder = tmp_path / "windows"
    assert len(list(folder.rglob("*.npy"))) == 9
    assert not list(folder.rglob(".tmp-*"))
    assert all(np.load(f).shape[1] == 2 for f in folder.rglob("*.npy"))


def test_a_run_whose_tables_are_all_stored_never_loads_the_ephemeris(tmp_path: Path) -> None:
    """The tables are found by the ephemeris file's identity, so a run that reads them all back
    neither loads the ephemeris nor imports skyfield's machinery (~40 ms of a process; the bare
    package is imported for its version, part of the store's key)."""
    import sys

    from tests.conftest import ROOT

    probe = (
        "import sys, contextlib, io\n"
        "from sim.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['run', 'change5', '--json'])\n"
        "print('skyfield.api' in sys.modules or 'skyfield.jpllib' in sys.modules)\n"
    )
    env = {**os.environ, store.ENV: str(tmp_path), "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True) for _ in "ab"
    ]
    assert [r.stdout.split()[-1] for r in runs] == ["True", "False"], [r.stderr for r in runs]


def test_the_default_identity_is_the_loaded_ephemeris_s() -> None:
    from sim.sky.ephemeris import default_ephemeris, default_identity

    assert default_identity() == default_ephemeris().identity
    assert default_identity() is not None and default_identity().startswith("de421.bsp:")  # type: ignore[union-attr]
