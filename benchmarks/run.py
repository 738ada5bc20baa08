"""Issue 16's speed targets, measured side by side with the shared yardsticks; writes RESULTS.md.

    python benchmarks/run.py                 every measurement, 3 interleaved rounds (~10-15 min)
    python benchmarks/run.py --quick         smaller N, 1 round: a smoke run (prints, no RESULTS.md)
    python benchmarks/run.py --only vector_1m,yard_vector_1m --rounds 5
    python benchmarks/run.py --list          every measurement and the exact command it runs

The yardsticks are the independent scripts in ``shared/bench`` (``vector_numpy.py``,
``naive_simpy.py``; see its README), run in place (``--bench DIR``, default: ``shared/bench``
beside the checkout, or ``$SHARED_BENCH``). The project is measured on the SAME 30-phase DAG,
written as scenarios by ``benchmarks/shared_dag.py`` from the yardsticks' own
``mission_dag.py``. The peer is ``pmcontrols`` (PyPI; ``pip install pmcontrols``, a
benchmark-only dependency), run by ``benchmarks/pmcontrols_peer.py``.

Every figure is a WHOLE PROCESS (interpreter start, imports, scenario load, run, output),
except the ``growth_*`` rows, which time the Monte Carlo run in process (``growth.py``) to get
the cost per phase-replication without the loader. Wall time is measured from the parent; CPU
(user+sys, children included) and peak RSS come from ``os.wait4``. Measurements run in
interleaved rounds (each once per round), and each figure is min/median/max over the rounds.
Ratios use medians. Window tables are computed in every process (the store on disk,
``sim.sky.store``, is off), except in the ``*_warm`` rows, which read them from a store that
one untimed run filled (what every run after the first one costs). The machine is shared:
the share of the CPUs other processes used while each child ran is recorded ("others busy"),
with the load average; compare CPU ratios when others were busy (wall ratios then measure
them too).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from shared_dag import DEFAULT_BENCH, write  # noqa: E402

PY = sys.executable
RESULTS = HERE / "RESULTS.md"
GB = 1_000_000_000
TIMEOUT_S = 900.0
TMP = Path(tempfile.gettempdir()) / "lunarsim-bench"


@dataclass
class Measurement:
    name: str
    what: str
    argv: list[str]  # "{n}" is replaced; "{bench}", "{b}", "{tmp}" too
    n: int
    quick_n: int
    cwd: str = "root"  # "root" (the checkout) or "bench" (the yardsticks' folder)
    rounds: int | None = None  # fewer rounds for the slow one-off measurements
    warm: bool = False  # window tables stored on disk by an earlier (untimed) run; else the store is off


def mc(scenario: str, *extra: str) -> list[str]:
    return [PY, "-m", "sim", "mc", scenario, "-n", "{n}", "--seed", "1", "--json", *extra]


SHARED = "{b}/shared_dag.yaml"
RELAY = "{b}/shared_dag_relay.yaml"
PERT = "{b}/shared_dag_pert.yaml"
X100 = "{tmp}/shared_dag_x100.yaml"
LOAD_COPIES = 105  # 3,150 phases, ~515 KB of YAML: issue 16's "a 500 KB scenario loads in under 1 s"
X_LOAD = f"{{tmp}}/shared_dag_x{LOAD_COPIES}.yaml"

MEASUREMENTS = [
    Measurement("yard_vector_1m", "yardstick vector_numpy.py (phase-major numpy, mission end only)",
                [PY, "vector_numpy.py", "{n}", "1"], 1_000_000, 100_000, cwd="bench"),
    Measurement("vector_1m", "lunarsim mc --json, shared DAG, vector path, full statistics", mc(SHARED),
                1_000_000, 100_000),
    Measurement("yard_vector_10m", "yardstick vector_numpy.py, 10M (one process)",
                [PY, "vector_numpy.py", "{n}", "1"], 10_000_000, 1_000_000, cwd="bench", rounds=2),
    Measurement("vector_10m_w2", "lunarsim mc --json --workers 2, 10M, full statistics", mc(SHARED, "--workers", "2"),
                10_000_000, 1_000_000, rounds=2),
    Measurement("peer_pert_1m", "pmcontrols.pert on the shared DAG (PERT-beta, criticality indices)",
                [PY, "{b}/pmcontrols_peer.py", "{n}"], 1_000_000, 100_000),
    Measurement("pert_1m", "lunarsim mc --json, the shared DAG with PERT durations", mc(PERT), 1_000_000, 100_000),
    Measurement("yard_naive_10k", "yardstick naive_simpy.py (process per phase, AllOf, scalar draws)",
                [PY, "naive_simpy.py", "{n}", "1"], 10_000, 1_000, cwd="bench"),
    Measurement("des_10k", "lunarsim mc --json --engine des, shared DAG", mc(SHARED, "--engine", "des"), 10_000, 1_000),
    Measurement("yard_naive_rw_10k", "yardstick naive_simpy.py --resources --windows",
                [PY, "naive_simpy.py", "{n}", "1", "--resources", "--windows"], 10_000, 1_000, cwd="bench"),
    Measurement("des_rw_10k", "lunarsim mc --json, shared DAG with relay + 24 h window (SimPy engine)", mc(RELAY),
                10_000, 1_000),
    Measurement("growth_vector_30", "in-process mc + summary, vector, 30 phases (120 blocks)",
                [PY, "{b}/growth.py", SHARED, "-n", "{n}"], 983_040, 98_304),
    Measurement("growth_vector_3000", "in-process mc + summary, vector, 3,000 phases (1 block)",
                [PY, "{b}/growth.py", X100, "-n", "{n}"], 8192, 8192),
    Measurement("growth_des_30", "in-process mc + summary, SimPy engine, 30 phases (1 block)",
                [PY, "{b}/growth.py", SHARED, "-n", "{n}", "--engine", "des"], 8192, 1024),
    # one full block, as the 30-phase row: a block's durations are drawn whole (a short block is
    # a prefix of the full one), so 1,024 replications would pay for 8,192 rows of draws
    Measurement("growth_des_3000", "in-process mc + summary, SimPy engine, 3,000 phases (1 block)",
                [PY, "{b}/growth.py", X100, "-n", "{n}", "--engine", "des"], 8192, 128),
    Measurement("mem_3000_100k", "lunarsim mc --json, 3,000 phases, 100k replications (peak RSS)", mc(X100),
                100_000, 10_000, rounds=1),
    Measurement("load_500kb", "lunarsim validate, a ~515 KB scenario (whole process: imports, YAML, model)",
                [PY, "-m", "sim", "validate", X_LOAD], 0, 0),
    Measurement("cli_version", "lunarsim --version", [PY, "-m", "sim", "--version"], 0, 0),
    Measurement("cli_help", "lunarsim --help", [PY, "-m", "sim", "--help"], 0, 0),
    Measurement("run_change5", "lunarsim run change5 (first run: window tables computed)",
                [PY, "-m", "sim", "run", "change5"], 0, 0),
    Measurement("run_change5_warm", "lunarsim run change5 (window tables stored by an earlier run)",
                [PY, "-m", "sim", "run", "change5"], 0, 0, warm=True),
    Measurement("gantt_change5", "lunarsim gantt change5 --out PNG (first run: window tables computed)",
                [PY, "-m", "sim", "gantt", "change5", "--out", "{tmp}/change5.png"], 0, 0),
    Measurement("gantt_change5_warm", "lunarsim gantt change5 --out PNG (window tables stored by an earlier run)",
                [PY, "-m", "sim", "gantt", "change5", "--out", "{tmp}/change5.png"], 0, 0, warm=True),
]  # fmt: skip
BY_NAME = {m.name: m for m in MEASUREMENTS}


@dataclass
class Run:
    wall_s: float
    cpu_s: float
    maxrss_kb: int
    rc: int
    text: str
    err: str
    others: float


@dataclass
class Result:
    m: Measurement
    n: int
    runs: list[Run] = field(default_factory=list)

    def values(self, key: str) -> list[float]:
        return [getattr(r, key) for r in self.runs if r.rc == 0]

    def stat(self, key: str, how: str = "median") -> float | None:
        v = self.values(key)
        if not v:
            return None
        return {"min": min, "max": max, "median": statistics.median}[how](v)

    def rss_mib(self) -> float | None:
        v = self.values("maxrss_kb")
        return max(v) / 1024 if v else None

    def parsed(self) -> dict:
        for r in self.runs:
            if r.rc == 0:
                return parse_output(r.text)
        return {}


def parse_output(text: str) -> dict:
    """The run's JSON (whole output or last line), else the yardsticks' ``mean=... h`` line."""
    text = text.strip()
    with contextlib.suppress(ValueError):
        return json.loads(text)
    lines = text.splitlines()
    with contextlib.suppress(ValueError, IndexError):
        return json.loads(lines[-1])
    m = re.search(r"mean=([\d.]+) h", text)
    return {"mean_h": float(m.group(1))} if m else {}


def mean_end_h(res: Result) -> float | None:
    d = res.parsed()
    if "duration_h" in d and isinstance(d["duration_h"], dict):
        return d["duration_h"].get("mean")
    return d.get("mean_end_h", d.get("mean_h"))


def proc_stat() -> tuple[int, int]:
    try:
        f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0, 0
    return sum(f[:8]), f[3] + (f[4] if len(f) > 4 else 0)


STORE = TMP / "store"


def child_env(warm: bool = False) -> dict[str, str]:
    """The environment as found, with this checkout's ``sim`` first on the path (so that a
    snapshot of a commit, ``git archive | tar -x``, measures its own code, not an installed one),
    and the store of window tables (``sim.sky.store``) off, or for ``warm`` rows a folder of the
    benchmark's own that ``prepare`` filled."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["LUNARSIM_CACHE_DIR"] = str(STORE) if warm else "off"
    return env


def run_child(argv: list[str], cwd: Path, warm: bool = False) -> Run:
    """One whole process: wall from the parent, CPU and peak RSS of the child (and its reaped children)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        s0 = proc_stat()
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=child_env(warm), stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        except KeyboardInterrupt:
            proc.kill()
            raise
        wall = time.perf_counter() - t0
        s1 = proc_stat()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, etext = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    cpu = ru.ru_utime + ru.ru_stime
    hz = os.sysconf("SC_CLK_TCK")
    total, busy = (s1[0] - s0[0]) / hz, ((s1[0] - s1[1]) - (s0[0] - s0[1])) / hz
    others = max(0.0, (busy - cpu) / total) if total > 0 else 0.0
    return Run(wall, cpu, ru.ru_maxrss, proc.returncode, text, etext[-2000:], min(1.0, others))


def expand(argv: list[str], n: int, bench: Path) -> list[str]:
    subst = {"{n}": str(n), "{bench}": str(bench), "{b}": str(HERE), "{tmp}": str(TMP)}
    out = []
    for a in argv:
        for k, v in subst.items():
            a = a.replace(k, v)
        out.append(a)
    return out


def prepare(bench: Path) -> None:
    """The scenario files: the 30-phase ones (checked in, regenerated here from mission_dag.py)
    and the 3,000-phase one (100 copies in series) in a temporary folder."""
    TMP.mkdir(parents=True, exist_ok=True)
    write(HERE, bench)
    write(TMP, bench, copies=100)
    write(TMP, bench, copies=LOAD_COPIES)  # the "500 KB scenario" of the load target
    # byte-compile sim/ as an install does: with PYTHONDONTWRITEBYTECODE set (as on this machine)
    # every process would otherwise compile it again (~70 ms each)
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "sim")], check=True, stdout=subprocess.DEVNULL)


def warm_up(chosen: list[Measurement], bench: Path) -> None:
    """Fill the benchmark's store of window tables with one untimed run of each ``warm`` row."""
    import shutil

    shutil.rmtree(STORE, ignore_errors=True)
    for m in chosen:
        if m.warm:
            subprocess.run(expand(m.argv, m.n, bench), cwd=ROOT, env=child_env(True), capture_output=True, check=True)


# --------------------------------------------------------------------------- targets


@dataclass
class Verdict:
    target: str
    measured: str
    threshold: str
    ok: bool | None


def targets(res: dict[str, Result]) -> list[Verdict]:
    def med(name: str, key: str = "wall_s") -> float | None:
        r = res.get(name)
        return r.stat(key) if r else None

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    def fx(x: float | None, spec: str = ".2f") -> str:
        return "n/a" if x is None else format(x, spec)

    out = []

    def pair(target: str, ours: str, base: str, limit: float, faster: bool) -> None:
        """``faster``: ours must be ``limit`` times faster than base; else at most ``limit`` times slower."""
        w = ratio(med(base), med(ours)) if faster else ratio(med(ours), med(base))
        c = ratio(med(base, "cpu_s"), med(ours, "cpu_s")) if faster else ratio(med(ours, "cpu_s"), med(base, "cpu_s"))
        ok = None if w is None else (w >= limit if faster else w <= limit)
        word = "faster" if faster else "slower"
        measured = f"{fx(w)}x {word} wall ({fx(med(ours), '.3f')} vs {fx(med(base), '.3f')} s); CPU {fx(c)}x"
        out.append(Verdict(target, measured, f"{'>=' if faster else '<='} {limit}x", ok))

    pair("vector path, 1M, full statistics, vs vector_numpy.py 1M", "vector_1m", "yard_vector_1m", 1.5, False)
    w = med("vector_10m_w2")
    out.append(
        Verdict("vector path, 10M on 2 workers (wall)", f"{fx(w, '.2f')} s", "< 10 s", None if w is None else w < 10)
    )
    pair("PERT DAG at 1M: lunarsim mc vs pmcontrols", "pert_1m", "peer_pert_1m", 2.0, True)
    pair("SimPy engine vs naive_simpy.py (10k, no constraints)", "des_10k", "yard_naive_10k", 4.0, True)
    pair("SimPy engine vs naive_simpy.py --resources --windows (10k)", "des_rw_10k", "yard_naive_rw_10k", 3.0, True)
    for eng in ("vector", "des"):
        a, b = res.get(f"growth_{eng}_30"), res.get(f"growth_{eng}_3000")
        na = statistics.median([parse_output(r.text)["ns_per_phase_rep"] for r in a.runs if r.rc == 0]) if a else None
        nb = statistics.median([parse_output(r.text)["ns_per_phase_rep"] for r in b.runs if r.rc == 0]) if b else None
        g = ratio(nb, na)
        out.append(
            Verdict(
                f"cost per phase-replication, 3,000 vs 30 phases, {eng} (in-process CPU)",
                f"{fx(g)}x ({fx(nb, '.0f')} vs {fx(na, '.0f')} ns)",
                "<= 1.5x",
                None if g is None else g <= 1.5,
            )
        )
    r = res.get("mem_3000_100k")
    rss = r.rss_mib() if r else None
    out.append(
        Verdict(
            "peak RSS, 100,000 replications of a 3,000-phase DAG (lunarsim mc --json)",
            f"{fx(rss, '.0f')} MiB ({fx(rss * 2**20 / GB if rss else None, '.2f')} GB)",
            "< 1 GB",
            None if rss is None else rss * 2**20 < GB,
        )
    )
    limits = {
        "load_500kb": 1.0,
        "cli_version": 0.15,
        "cli_help": 0.15,
        "run_change5": 0.6,
        "run_change5_warm": 0.6,
        "gantt_change5": 1.2,
        "gantt_change5_warm": 1.2,
    }
    for name, limit in limits.items():
        c = med(name, "cpu_s")
        out.append(
            Verdict(
                f"`{BY_NAME[name].what}` CPU", f"{fx(c, '.3f')} s", f"< {limit} s", None if c is None else c < limit
            )
        )
    return out


# --------------------------------------------------------------------------- report


def machine() -> str:
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({cpu}), {platform.platform()}"


def versions() -> str:
    code = (
        "import sys, numpy, simpy, pydantic; from importlib.metadata import version as v\n"
        "print(f'Python {sys.version.split()[0]}, numpy {numpy.__version__}, SimPy {simpy.__version__}, "
        "pydantic {pydantic.VERSION}', end='')\n"
        "try: print(f', pmcontrols {v(\"pmcontrols\")}', end='')\n"
        "except Exception: print(', pmcontrols (not installed)', end='')\n"
    )
    return subprocess.run([PY, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout.strip()


def commit() -> str:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], capture_output=True, text=True, cwd=ROOT).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "sim")
    if not (ROOT / ".git").exists():  # a snapshot (git archive) names its commit on the command line
        return os.environ.get("BENCH_COMMIT", "snapshot")
    return git("rev-parse", "--short", "HEAD") + (" (sim/ modified)" if dirty else "")


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def fmt3(r: Result, key: str) -> str:
    lo, md, hi = (r.stat(key, h) for h in ("min", "median", "max"))
    if md is None:
        return "failed"
    return f"{md:.3f} ({lo:.3f}-{hi:.3f})"


def table(res: dict[str, Result]) -> list[list[str]]:
    rows = []
    for name, r in res.items():
        end = mean_end_h(r)
        others = max((x.others for x in r.runs), default=0.0)
        rss = r.rss_mib()
        rows.append(
            [
                name,
                f"{r.n:,}",
                fmt3(r, "wall_s"),
                fmt3(r, "cpu_s"),
                "-" if rss is None else f"{rss:.0f}",
                "-" if end is None else f"{end:.2f}",
                f"{len([x for x in r.runs if x.rc == 0])}/{len(r.runs)}",
                f"{others:.0%}",
            ]
        )
    return rows


HEAD = ["measurement", "N", "wall s median (min-max)", "CPU s median (min-max)", "peak MiB", "mean end h", "ok runs",
        "others busy (max)"]  # fmt: skip


def md(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join([*lines, *("| " + " | ".join(r) + " |" for r in rows)])


def report(res: dict[str, Result], meta: dict[str, str], bench: Path) -> str:
    verdicts = targets(res)
    mark = {True: "**PASS**", False: "**MISS**", None: "not measured"}
    verdict_rows = [[v.target, v.measured, v.threshold, mark[v.ok]] for v in verdicts]
    command_rows = [
        [
            r.m.name,
            r.m.what,
            "`" + " ".join(expand(r.m.argv, r.n, bench)).replace(PY, "python").replace(str(HERE), "benchmarks") + "`",
        ]
        for r in res.values()
    ]
    lines = [
        "# Benchmark results (issue 16: speed against the shared yardsticks)",
        "",
        "Written by `benchmarks/run.py`; do not edit by hand, re-run it (see `benchmarks/README.md`).",
        "",
        f"- **Date**: {meta['date']} (UTC); **command**: `{meta['command']}`",
        f"- **Machine**: {meta['machine']}",
        f"- **Versions**: {meta['versions']}",
        f"- **Code measured**: commit {meta['commit']}",
        f"- **Yardsticks**: `{bench}` (shared/bench, run in place)",
        f"- **Load average** (1/5/15 min) before / after: {meta['load_before']} / {meta['load_after']}",
        "- **Method**: whole processes (growth_* rows: the Monte Carlo run in process), "
        f"{meta['rounds']} interleaved rounds, min/median/max; ratios of medians. \"others busy\" is the "
        "largest share of all CPUs that other processes used while a run of that row was going on: "
        "when it is high, wall times measure the other sessions too and the CPU ratios are the fairer figure.",
        "",
        "## Targets",
        "",
        md(["target", "measured", "threshold", "verdict"], verdict_rows),
        "",
        "## All measurements",
        "",
        md(HEAD, table(res)),
        "",
        "## Commands",
        "",
        md(
            ["measurement", "what", "command (cwd: the checkout, or the yardsticks' folder for yard_*)"],
            command_rows,
        ),
        "",
    ]  # fmt: skip
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH, help="the shared yardsticks' folder")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="small N, 1 round, print only")
    ap.add_argument("--only", help="comma-separated measurement names")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--write", action="store_true", help="write RESULTS.md even with --quick/--only")
    ap.add_argument("--save", type=Path, help="also save every run as JSON")
    a = ap.parse_args()
    chosen = [BY_NAME[x] for x in a.only.split(",")] if a.only else MEASUREMENTS
    if a.list:
        for m in chosen:
            print(f"{m.name:20s} {' '.join(expand(m.argv, m.n, a.bench))}")
        return 0
    prepare(a.bench)
    warm_up(chosen, a.bench)
    rounds = 1 if a.quick else a.rounds
    res = {m.name: Result(m, m.quick_n if a.quick else m.n) for m in chosen}
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "command": "python benchmarks/run.py " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "versions": versions(),
        "commit": commit(),
        "load_before": loadavg(),
        "rounds": str(rounds),
    }
    failed = False
    for k in range(rounds):
        for r in res.values():
            if r.m.rounds is not None and k >= r.m.rounds:
                continue
            run = run_child(expand(r.m.argv, r.n, a.bench), a.bench if r.m.cwd == "bench" else ROOT, r.m.warm)
            r.runs.append(run)
            status = "ok" if run.rc == 0 else f"FAILED rc={run.rc}: {run.err.strip().splitlines()[-1:]}"
            failed |= run.rc != 0
            print(
                f"round {k + 1}/{rounds} {r.m.name:20s} wall {run.wall_s:7.3f} s  cpu {run.cpu_s:7.3f} s  "
                f"rss {run.maxrss_kb / 1024:6.0f} MiB  others {run.others:4.0%}  {status}",
                flush=True,
            )
    meta["load_after"] = loadavg()
    text = report(res, meta, a.bench)
    if a.save:
        a.save.write_text(json.dumps({k: [vars(x) for x in r.runs] for k, r in res.items()}, indent=1))
    if (a.quick or a.only) and not a.write:
        print(text)
    else:
        RESULTS.write_text(text)
        print(f"wrote {RESULTS}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
