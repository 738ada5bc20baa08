"""Run the performance benchmarks of issue 4 side by side and record them in RESULTS.md.

Every measurement is a WHOLE PROCESS: the interpreter start, the imports, loading the scenario,
the replications and whatever output the process writes. Its wall time is measured from the
parent (fork/exec to reap). Peak RSS and CPU time come from ``os.wait4`` for that one child
(including any worker processes it reaped). The measurements run in interleaved rounds
(round 1: each measurement once, round 2: each once again, ...). This spreads drift and
other load on the machine over all of them. The figure is the median over the rounds.

    python benchmarks/run.py                 full run (a few minutes); rewrites RESULTS.md
    python benchmarks/run.py --quick         smaller N, 3 rounds, smoke test; prints only
    python benchmarks/run.py --only yardstick,engine
    python benchmarks/run.py --list          the measurements and what they run

``--quick`` and ``--only`` do not touch RESULTS.md unless ``--write`` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
B = str(HERE)  # scripts and scenarios are passed as absolute paths (the code under test may live elsewhere)
REF = f"{B}/reference_dag.yaml"
REF40 = f"{B}/reference_dag_40.yaml"
REF_RELAY = f"{B}/reference_dag_relay.yaml"
CODE = ROOT  # the project tree whose `sim` package is measured (--code)
PY = sys.executable
GB = 1_000_000_000  # the memory target: 1 GB = 10^9 bytes (stricter than 1 GiB)
TIMEOUT_S = 600.0


@dataclass
class Measurement:
    name: str
    what: str
    n: int
    quick_n: int
    workers: int = 1
    scenario: str = REF
    cli: bool = False  # run `python -m sim mc` when the CLI has it, else workloads.py mc
    cli_engine: str = "auto"
    needs_windows: bool = False  # the scenario has windows/resources: fails on code without them
    argv_py: list[str] = field(default_factory=list)  # argv after the interpreter ({n} is replaced)

    def argv(self, n: int, cli_ok: bool) -> list[str]:
        if self.cli and cli_ok:
            cmd = [
                PY,
                "-m",
                "sim",
                "mc",
                self.scenario,
                "-n",
                str(n),
                "--seed",
                "1",
                "--json",
                "--workers",
                str(self.workers),
            ]
            return cmd + (["--engine", self.cli_engine] if self.cli_engine != "auto" else [])
        if self.cli:
            return [
                PY,
                f"{B}/workloads.py",
                "mc",
                self.scenario,
                "-n",
                str(n),
                "--seed",
                "1",
                "--workers",
                str(self.workers),
                "--engine",
                self.cli_engine,
            ]
        return [PY, *(a.replace("{n}", str(n)) for a in self.argv_py)]


MEASUREMENTS = [
    Measurement(
        "startup",
        "python + imports + load scenario + build graph, no replications",
        0,
        0,
        argv_py=[f"{B}/workloads.py", "startup", REF],
    ),
    Measurement(
        "yardstick",
        "idiomatic SimPy (process/phase, AllOf, scalar draws, Env/rep)",
        10_000,
        2_000,
        argv_py=[f"{B}/yardstick.py", REF, "-n", "{n}"],
    ),
    Measurement(
        "yardstick_relay",
        "yardstick + capacity-1 relay (3 phases) + 24 h window",
        10_000,
        2_000,
        argv_py=[f"{B}/yardstick.py", REF, "-n", "{n}", "--relay"],
    ),
    Measurement(
        "engine",
        "sim.engine.des.run_block, full recording, pre-drawn per block",
        10_000,
        2_000,
        argv_py=[f"{B}/workloads.py", "engine", REF, "-n", "{n}"],
    ),
    Measurement(
        "engine_relay",
        "the same on reference_dag_relay.yaml (relay + window)",
        10_000,
        2_000,
        needs_windows=True,
        argv_py=[f"{B}/workloads.py", "engine", REF_RELAY, "-n", "{n}"],
    ),
    Measurement(
        "engine_mc",
        "monte_carlo(engine='des'), 1 worker (engine + block reduction)",
        10_000,
        2_000,
        argv_py=[f"{B}/workloads.py", "engine_mc", REF, "-n", "{n}"],
    ),
    Measurement(
        "vector_mc",
        "monte_carlo(engine='vector'), 1 worker (draw + fast path + reduction)",
        1_000_000,
        100_000,
        argv_py=[f"{B}/workloads.py", "vector_mc", REF, "-n", "{n}"],
    ),
    Measurement(
        "bare_numpy",
        "bare numpy: one-matrix draw + finish = max(pred finish) + d",
        1_000_000,
        100_000,
        argv_py=[f"{B}/bare_numpy.py", REF, "-n", "{n}"],
    ),
    Measurement(
        "vector_kernel",
        "sim.engine.vector.run_block on bare_numpy's very matrices",
        1_000_000,
        100_000,
        argv_py=[f"{B}/workloads.py", "vector_kernel", REF, "-n", "{n}"],
    ),
    Measurement(
        "mc_1m",
        "lunarsim mc --json, reference DAG (no relay), full statistics",
        1_000_000,
        100_000,
        cli=True,
    ),
    Measurement("mc_1m_w2", "the same on --workers 2", 1_000_000, 100_000, workers=2, cli=True),
    Measurement(
        "des_100k_w2",
        "lunarsim mc --engine des --workers 2 --json (no windows/relay)",
        100_000,
        20_000,
        workers=2,
        cli=True,
        cli_engine="des",
    ),
    Measurement(
        "des_100k_w2_relay",
        "the same on reference_dag_relay.yaml (relay + window)",
        100_000,
        20_000,
        workers=2,
        cli=True,
        cli_engine="des",
        scenario=REF_RELAY,
        needs_windows=True,
    ),
    Measurement(
        "mem40_1m",
        "lunarsim mc --json, 40-phase scenario (peak RSS)",
        1_000_000,
        100_000,
        scenario=REF40,
        cli=True,
    ),
]
BY_NAME = {m.name: m for m in MEASUREMENTS}


@dataclass
class Run:
    wall_s: float
    cpu_s: float
    maxrss_kb: int
    rc: int
    out: dict
    err: str
    others: float = 0.0  # share of all CPUs used by other processes while this child ran
    busy_before: float = 0.0
    clean: bool = True


def proc_stat() -> tuple[int, int]:
    """(total, idle) jiffies of all CPUs from /proc/stat; (0, 0) where unavailable."""
    try:
        f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0, 0
    return sum(f[:8]), f[3] + (f[4] if len(f) > 4 else 0)


def cpu_busy(interval_s: float = 0.25) -> float:
    """Share of all cores busy over ``interval_s`` (0-1), from /proc/stat; 0 where unavailable."""

    t0, i0 = proc_stat()
    time.sleep(interval_s)
    t1, i1 = proc_stat()
    return 0.0 if t1 == t0 else 1.0 - (i1 - i0) / (t1 - t0)


def wait_quiet(threshold: float, max_wait_s: float) -> float:
    """Wait (at most ``max_wait_s``) until other processes use less than ``threshold`` of the CPUs.

    Returns the last busy share seen. Other sessions run tests on this machine; starting a child
    while they do makes its wall time mostly a measure of them.
    """
    deadline = time.monotonic() + max_wait_s
    busy = cpu_busy()
    while busy >= threshold and time.monotonic() < deadline:
        busy = cpu_busy(0.5)
    return busy


def child_env() -> dict[str, str]:
    env = dict(os.environ)  # OPENBLAS_CORETYPE and the rest are passed through as they are
    env["PYTHONPATH"] = str(CODE) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_child(argv: list[str]) -> Run:
    """One whole process: wall time from the parent, CPU and peak RSS of that child from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        s0 = proc_stat()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=CODE,
            env=child_env(),
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
        timer = threading.Timer(TIMEOUT_S, lambda: os.kill(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        s1 = proc_stat()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        text, etext = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    parsed: dict = {}
    lines = text.strip().splitlines()
    with contextlib.suppress(ValueError):
        # workloads print one JSON line; the CLI prints an indented object
        if len(lines) > 1 and text.lstrip().startswith("{"):
            parsed = json.loads(text)
        elif lines:
            parsed = json.loads(lines[-1])
    cpu = ru.ru_utime + ru.ru_stime
    hz = os.sysconf("SC_CLK_TCK")
    total, busy = (s1[0] - s0[0]) / hz, ((s1[0] - s1[1]) - (s0[0] - s0[1])) / hz
    others = max(0.0, (busy - cpu) / total) if total > 0 else 0.0
    return Run(wall, cpu, ru.ru_maxrss, proc.returncode, parsed, etext[-2000:], others)


def cli_available() -> bool:
    """True when `python -m sim mc` exists and takes the options used here."""
    try:
        r = subprocess.run(
            [PY, "-m", "sim", "mc", "--help"],
            cwd=CODE,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0 and all(o in r.stdout for o in ("--workers", "--engine", "--json", "--seed"))


# ----------------------------------------------------------------------------- statistics


@dataclass
class Result:
    m: Measurement
    n: int
    argv: list[str]
    runs: list[Run]

    @property
    def ok(self) -> list[Run]:
        """Successful runs; only the clean ones (machine quiet before and during) if there are any."""
        good = [r for r in self.runs if r.rc == 0]
        return [r for r in good if r.clean] or good

    def med(self, key: str) -> float | None:
        vals = [getattr(r, key) for r in self.ok]
        return statistics.median(vals) if vals else None

    def child(self, key: str) -> float | None:
        vals = [r.out[key] for r in self.ok if isinstance(r.out.get(key), (int, float))]
        return statistics.median(vals) if vals else None

    @property
    def wall(self) -> float | None:
        return self.med("wall_s")

    @property
    def rss_mib(self) -> float | None:
        vals = [r.maxrss_kb for r in self.ok]
        return max(vals) / 1024.0 if vals else None

    @property
    def mean_end_h(self) -> float | None:
        vals = []
        for r in self.ok:
            v = r.out.get("mean_end_h")
            if v is None and isinstance(r.out.get("duration_h"), dict):
                v = r.out["duration_h"].get("mean")
            if isinstance(v, (int, float)):
                vals.append(float(v))
        return statistics.median(vals) if vals else None


def fmt(x: float | None, spec: str = ".3f") -> str:
    return "-" if x is None else format(x, spec)


def measure(
    selected: list[Measurement],
    rounds: int,
    quick: bool,
    cli_ok: bool,
    quiet: tuple[float, float] | None,
    tries: int,
) -> dict[str, Result]:
    results = {
        m.name: Result(m, m.quick_n if quick else m.n, m.argv(m.quick_n if quick else m.n, cli_ok), [])
        for m in selected
    }
    # warm-up (not timed): compile the .pyc files and fill the page cache
    run_child(BY_NAME["startup"].argv(0, cli_ok))
    if cli_ok and any(m.cli for m in selected):
        run_child([PY, "-m", "sim", "mc", REF, "-n", "10", "--json"])
    for k in range(rounds):
        for res in results.values():
            for _ in range(tries):
                busy = wait_quiet(*quiet) if quiet else 0.0
                r = run_child(res.argv)
                r.busy_before = busy
                r.clean = quiet is None or (busy < quiet[0] and r.others < quiet[0])
                res.runs.append(r)
                state = f"{r.wall_s:7.3f} s  CPU {r.cpu_s:6.3f} s" if r.rc == 0 else f"FAILED rc={r.rc}"
                print(
                    f"  round {k + 1}/{rounds}  {res.m.name:<16} {state}  others busy before {busy:4.0%}, "
                    f"during {r.others:4.0%}{'' if r.clean else '  (not clean)'}",
                    file=sys.stderr,
                    flush=True,
                )
                if r.rc != 0:
                    print("    " + r.err.strip().replace("\n", "\n    ")[-1500:], file=sys.stderr)
                if r.clean or r.rc != 0:
                    break
    return results


# ----------------------------------------------------------------------------- targets


@dataclass
class Verdict:
    target: str
    measured: str
    threshold: str
    verdict: str  # PASS, FAIL, PENDING, N/A


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b <= 0 else a / b


def judge(ok: bool | None, quick: bool, absolute: bool = False) -> str:
    if ok is None:
        return "N/A (not measured)"
    if quick and absolute:
        return "N/A (--quick: smaller N)"
    return ("PASS" if ok else "FAIL") + (" (quick)" if quick else "")


def targets(res: dict[str, Result], quick: bool) -> list[Verdict]:
    g = res.get
    out: list[Verdict] = []
    start = g("startup").wall if g("startup") else None

    def wall(name: str) -> float | None:
        return g(name).wall if g(name) else None

    def net(name: str) -> float | None:
        w = wall(name)
        return None if w is None or start is None else max(w - start, 1e-9)

    def cpu(name: str) -> float | None:
        return g(name).med("cpu_s") if g(name) else None

    # (a)
    r = ratio(wall("yardstick"), wall("engine"))
    rn = ratio(net("yardstick"), net("engine"))
    rmc = ratio(wall("yardstick"), wall("engine_mc"))
    rc = ratio(cpu("yardstick"), cpu("engine"))
    out.append(
        Verdict(
            "(a) SimPy engine >= 3x faster per core than the yardstick (10,000 reps, full recording), "
            "reference DAG without relay/window",
            f"{fmt(r, '.2f')}x whole process (CPU time {fmt(rc, '.2f')}x; net of start-up {fmt(rn, '.2f')}x; "
            f"monte_carlo(engine='des') {fmt(rmc, '.2f')}x)",
            ">= 3x",
            judge(None if r is None else r >= 3, quick),
        )
    )
    r = ratio(wall("yardstick_relay"), wall("engine_relay"))
    rn = ratio(net("yardstick_relay"), net("engine_relay"))
    rc = ratio(cpu("yardstick_relay"), cpu("engine_relay"))
    out.append(
        Verdict(
            "(a) the same WITH the capacity-1 relay and the 24 h window (reference_dag_relay.yaml)",
            f"{fmt(r, '.2f')}x whole process (CPU time {fmt(rc, '.2f')}x; net of start-up {fmt(rn, '.2f')}x)",
            ">= 3x",
            pending(g("engine_relay")) or judge(None if r is None else r >= 3, quick),
        )
    )
    # (b1) throughput of the vector path (1M, whole process) vs the yardstick (10k, whole process)
    yr = g("yardstick")
    vr = g("vector_mc")
    rate_y = None if yr is None or yr.wall is None else yr.n / yr.wall
    rate_v = None if vr is None or vr.wall is None else vr.n / vr.wall
    rb = ratio(rate_v, rate_y)
    out.append(
        Verdict(
            "(b) vector path >= 100x faster than the yardstick (replications/s, whole processes)",
            f"{fmt(rb, '.0f')}x ({fmt(rate_v, ',.0f')} vs {fmt(rate_y, ',.0f')} reps/s)",
            ">= 100x",
            judge(None if rb is None else rb >= 100, quick),
        )
    )
    # (b2) vector path vs bare numpy, same N, whole processes; kernels on the same matrices as a diagnostic
    rv = ratio(wall("vector_mc"), wall("bare_numpy"))
    kv = ratio(
        g("vector_kernel").child("kernel_s") if g("vector_kernel") else None,
        g("bare_numpy").child("kernel_s") if g("bare_numpy") else None,
    )
    same = None
    if g("vector_kernel") and g("bare_numpy"):
        a = {r.out.get("end_sum") for r in g("vector_kernel").ok}
        b = {r.out.get("end_sum") for r in g("bare_numpy").ok}
        same = a == b and len(a) == 1
    out.append(
        Verdict(
            "(b) vector path within 2x of a bare numpy longest path (same N, whole processes)",
            f"{fmt(rv, '.2f')}x (longest-path kernels alone on the same matrices: {fmt(kv, '.2f')}x; "
            f"bit-identical ends: {'-' if same is None else 'yes' if same else 'NO'})",
            "<= 2x",
            judge(None if rv is None else rv <= 2, quick),
        )
    )
    # (c), (d), (e): absolute
    w = wall("mc_1m")
    out.append(
        Verdict(
            "(c) lunarsim mc, 1,000,000 reps, reference DAG without relay, full statistics",
            f"{fmt(w, '.2f')} s (1 worker; 2 workers: {fmt(wall('mc_1m_w2'), '.2f')} s)",
            "< 3 s",
            judge(None if w is None else w < 3, quick, absolute=True),
        )
    )
    w = wall("des_100k_w2_relay")
    out.append(
        Verdict(
            "(d) 100,000 SimPy-engine reps on 2 workers WITH the relay and the window",
            f"{fmt(w, '.2f')} s",
            "< 5 s",
            pending(g("des_100k_w2_relay")) or judge(None if w is None else w < 5, quick, absolute=True),
        )
    )
    w = wall("des_100k_w2")
    out.append(
        Verdict(
            "(d) the same WITHOUT relay/window (reference_dag.yaml)",
            f"{fmt(w, '.2f')} s",
            "< 5 s",
            judge(None if w is None else w < 5, quick, absolute=True),
        )
    )
    m = g("mem40_1m").rss_mib if g("mem40_1m") else None
    out.append(
        Verdict(
            "(e) peak RSS, 1,000,000 reps of the 40-phase scenario (lunarsim mc --json)",
            f"{fmt(m, ',.0f')} MiB ({fmt(None if m is None else m * 1048576 / 1e9, '.2f')} GB)",
            "< 1 GB",
            judge(None if m is None else m * 1048576 < GB, quick, absolute=True),
        )
    )
    return out


def pending(r: Result | None) -> str | None:
    """The verdict for a windows/relay measurement that every run failed (code without windows)."""
    if r is not None and r.m.needs_windows and r.runs and not r.ok:
        return "PENDING the windows issue (the code measured cannot run it)"
    return None


def sanity(res: dict[str, Result]) -> list[str]:
    """Checks that the numbers mean what they should; returned as warnings."""
    notes = []
    for r in res.values():
        bad = [x for x in r.runs if x.rc != 0]
        if bad and pending(r):
            why = bad[0].err.strip().splitlines()[-1][:150] if bad[0].err.strip() else f"rc {bad[0].rc}"
            notes.append(f"{r.m.name}: not run, the code measured has no windows/resources ({why})")
        elif bad:
            notes.append(f"{r.m.name}: {len(bad)} of {len(r.runs)} runs failed (rc {bad[0].rc})")
        n = next((x.out.get("n", x.out.get("replications")) for x in r.ok), None)
        if r.m.name != "startup" and n is not None and n != r.n:
            notes.append(f"{r.m.name}: child reports {n} replications, expected {r.n}")
    for r in res.values():
        clean = [x for x in r.runs if x.rc == 0 and x.clean]
        if len(clean) < min(3, len(r.runs)) and not pending(r):
            notes.append(f"{r.m.name}: only {len(clean)} clean runs (the machine was busy); less reliable")
    ref = [
        r.mean_end_h
        for name, r in res.items()
        if name in ("yardstick", "engine", "engine_mc", "vector_mc", "bare_numpy", "mc_1m", "des_100k_w2")
    ]
    ref = [x for x in ref if x is not None]
    if ref and (max(ref) - min(ref)) / min(ref) > 0.01:
        notes.append(f"mean mission ends of the no-relay workloads differ by more than 1 %: {ref}")
    relay_names = ("yardstick_relay", "engine_relay", "des_100k_w2_relay")
    rel = [r.mean_end_h for name, r in res.items() if name in relay_names]
    rel = [x for x in rel if x is not None]
    if rel and (max(rel) - min(rel)) / min(rel) > 0.01:
        notes.append(f"mean mission ends of the relay+window workloads differ by more than 1 %: {rel}")
    return notes


# ----------------------------------------------------------------------------- output


def machine() -> dict[str, str]:
    info = {"nproc": str(os.cpu_count()), "python": platform.python_version()}
    for mod in ("numpy", "simpy", "pydantic"):
        code = f"import {mod}; print({mod}.__version__)"
        r = subprocess.run([PY, "-c", code], capture_output=True, text=True)
        info[mod] = r.stdout.strip() or "?"
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    info["cpu"] = cpu
    info["platform"] = platform.platform()
    info["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    return info


def describe_code(label: str | None) -> str:
    """Which `sim` was measured: the working tree (with its commit) or a --code tree."""
    if label:
        return label
    if CODE != ROOT:
        return f"the project tree at {CODE}"
    r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    status = ["git", "status", "--porcelain", "--", "sim"]
    dirty = subprocess.run(status, cwd=ROOT, capture_output=True, text=True)
    return f"working tree at commit {r.stdout.strip() or '?'}" + (
        " (sim/ has uncommitted changes)" if dirty.stdout.strip() else ""
    )


def shown(argv: list[str]) -> str:
    """A command as a reader would type it from the repository root."""
    return shlex.join(a.replace(PY, "python").replace(B, "benchmarks") for a in argv)


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def table_rows(res: dict[str, Result]) -> list[list[str]]:
    start = res["startup"].wall if "startup" in res else None
    rows = []
    for r in res.values():
        walls = [x.wall_s for x in r.ok]
        w = r.wall
        rate = None if not r.n or w is None else r.n / w
        net = None if not r.n or w is None or start is None or w <= start else r.n / (w - start)
        rows.append(
            [
                r.m.name,
                f"{r.n:,}",
                str(r.m.workers),
                fmt(w),
                f"{fmt(min(walls) if walls else None)}-{fmt(max(walls) if walls else None)}",
                fmt(r.med("cpu_s")),
                fmt(rate, ",.0f"),
                fmt(net, ",.0f"),
                fmt(r.rss_mib, ",.0f"),
                fmt(r.mean_end_h, ".2f"),
                f"{len(r.ok)}/{len(r.runs)}",
                f"{max(max(x.busy_before, x.others) for x in r.ok):.0%}" if r.ok else "-",
            ]
        )
    return rows


HEAD = [
    "measurement",
    "N",
    "W",
    "wall s (median)",
    "min-max",
    "CPU s",
    "reps/s",
    "reps/s net",
    "peak RSS MiB",
    "mean end h",
    "runs used",
    "others busy",
]


def text_table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def md_table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def comparison(res: dict[str, Result], base: dict[str, Result], base_verdicts: list[Verdict]) -> str:
    """Markdown: this run beside a saved earlier one (--baseline)."""
    rows = []
    for name, r in res.items():
        b = base.get(name)
        bw = b.wall if b else None
        change = None if bw is None or r.wall is None else 100.0 * (r.wall - bw) / bw
        bc = b.med("cpu_s") if b else None
        pct = "-" if change is None else f"{round(change):+d} %"
        rows.append([name, fmt(r.wall), fmt(bw), pct, fmt(r.med("cpu_s")), fmt(bc)])
    head = ["measurement", "wall s", "baseline wall s", "change", "CPU s", "baseline CPU s"]
    verdict_rows = [[v.target, v.measured, v.verdict] for v in base_verdicts]
    verdicts = md_table(["target", "baseline measured", "baseline verdict"], verdict_rows)
    return f"{md_table(head, rows)}\n\n{verdicts}\n"


def write_results(
    res: dict[str, Result],
    verdicts: list[Verdict],
    notes: list[str],
    meta: dict,
    baseline: tuple[dict[str, Result], dict] | None = None,
) -> None:
    info = meta["info"]
    load = meta["load"]
    what_rows = [[r.m.name, f"`{shown(r.argv)}`", r.m.what] for r in res.values()]
    what = md_table(["measurement", "command", "what"], what_rows)
    target_rows = [[v.target, v.measured, v.threshold, f"**{v.verdict}**"] for v in verdicts]
    targets_md = md_table(["target", "measured", "threshold", "verdict"], target_rows)
    if meta["cli_ok"]:
        cli = "the CLI (`python -m sim mc`) was used for the mc_*, des_* and mem40_* rows"
    else:
        cli = "not available; `benchmarks/workloads.py mc` (monte_carlo + summary + json) was used"
    text = f"""# Benchmark results (issue 4, "Performance")

Written by `benchmarks/run.py`: do not edit by hand, re-run it. See `benchmarks/README.md` for
what each figure means.

- **Date**: {meta["started"]} (UTC)
- **Command**: `{meta["command"]}`
- **Machine**: {info["nproc"]} cores ({info["cpu"]}), {info["platform"]}
- **Versions**: Python {info["python"]}, numpy {info["numpy"]}, SimPy {info["simpy"]},
  pydantic {info["pydantic"]}
- **OPENBLAS_CORETYPE**: {info["OPENBLAS_CORETYPE"]} (left as found)
- **Code measured**: {info["code"]}
- **Method**: every figure is a whole process (interpreter start, imports, scenario load, run,
  output), timed from the parent; median over {meta["rounds"]} interleaved rounds, of the clean
  runs. CPU = user+sys of the child and its reaped workers; peak RSS = `ru_maxrss` of that child
  (`os.wait4`), max over rounds.
- **Load average** (1/5/15 min) before/after: {load[0]} / {load[1]}. Other sessions share this
  machine; see "runs used" below.
- **`lunarsim mc`**: {cli}.

## Targets

{targets_md}

The reference DAG exists twice: `reference_dag.yaml` without constraints (the vector path's
workload: (b), (c)) and `reference_dag_relay.yaml`, the same DAG with three phases sharing a
capacity-1 relay and TEI-1 behind a 24 h periodic window (the issue's full reference DAG: (a), (d)).
Where the code measured has no windows/resources, the rows that need them say PENDING.

## All measurements

{md_table(HEAD, table_rows(res))}

"reps/s net" subtracts the median `startup` wall time (the fixed cost of the process). "runs used"
counts the clean runs the figures come from, out of all runs made: a run is clean when other
processes used less than {info["quiet_below"]} of all CPUs just before it started and while it ran
({info["quiet"]}). "others busy" is the largest such share among the runs used.

{what}
"""
    if baseline:
        base, base_meta = baseline
        base_verdicts = targets(base, base_meta["quick"])
        text += (
            f"\n## Compared with an earlier run\n\nBaseline: {base_meta['info']['code']}, measured "
            f"{base_meta['started']} (UTC) on the same machine with the same harness.\n\n"
            + comparison(res, base, base_verdicts)
        )
    if notes:
        text += "\n## Warnings\n\n" + "\n".join(f"- {n}" for n in notes) + "\n"
    RESULTS.write_text(text)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    ap.add_argument("--quick", action="store_true", help="smaller N and 3 rounds (smoke run)")
    ap.add_argument("--only", metavar="NAME[,NAME]", help="run only these measurements (see --list)")
    ap.add_argument("--rounds", type=int, help="rounds per measurement (default 5; 3 with --quick)")
    ap.add_argument("--write", action="store_true", help="rewrite RESULTS.md even with --quick/--only")
    ap.add_argument("--no-write", action="store_true", help="never rewrite RESULTS.md")
    ap.add_argument("--list", action="store_true", help="list the measurements and exit")
    ap.add_argument(
        "--code",
        metavar="DIR",
        type=Path,
        help="measure the `sim` package of this project tree (default: this checkout), e.g. a "
        "`git archive HEAD` snapshot while others edit the working tree",
    )
    ap.add_argument("--code-label", metavar="TEXT", help="how RESULTS.md names the code measured")
    ap.add_argument(
        "--quiet-below",
        type=float,
        default=0.15,
        metavar="SHARE",
        help="before each child, wait until other processes use less than this share of all "
        "CPUs (default 0.15; 1 disables)",
    )
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=30.0,
        metavar="S",
        help="wait at most this long for a quiet machine before each child (default 30)",
    )
    ap.add_argument("--save", type=Path, metavar="JSON", help="also save every run, raw, to this file")
    ap.add_argument(
        "--load",
        type=Path,
        metavar="JSON",
        help="measure nothing: report the runs saved with --save (RESULTS.md only with --write)",
    )
    ap.add_argument(
        "--baseline",
        type=Path,
        metavar="JSON",
        help="add a section comparing this run with one saved earlier by --save (e.g. an older commit)",
    )
    ap.add_argument(
        "--tries",
        type=int,
        default=3,
        metavar="K",
        help="per round, rerun a measurement up to K times until it runs clean, i.e. other "
        "processes stayed below --quiet-below before and during it (default 3)",
    )
    args = ap.parse_args()
    global CODE
    if args.code:
        CODE = args.code.resolve()
        if not (CODE / "sim" / "__init__.py").is_file():
            ap.error(f"--code {args.code}: no sim/ package there")
    if args.load:
        return report_saved(args)
    cli_ok = cli_available()
    if args.list:
        for m in MEASUREMENTS:
            print(f"{m.name:<16} N={m.n:<9,} quick N={m.quick_n:<8,} {m.what}")
            print(f"{'':16} {shown(m.argv(m.n, cli_ok))}")
        return 0
    selected = MEASUREMENTS
    if args.only:
        names = [s.strip() for s in args.only.split(",") if s.strip()]
        unknown = [s for s in names if s not in BY_NAME]
        if unknown:
            ap.error(f"unknown measurement(s) {', '.join(unknown)}; one of: {', '.join(BY_NAME)}")
        selected = [BY_NAME[s] for s in names]
    rounds = args.rounds or (3 if args.quick else 5)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    load_before = loadavg()
    cli = "yes" if cli_ok else "no (python equivalent)"
    print(f"lunarsim mc CLI: {cli}; {rounds} rounds; load {load_before}", file=sys.stderr)
    quiet = None if args.quiet_below >= 1 else (args.quiet_below, args.quiet_wait)
    res = measure(selected, rounds, args.quick, cli_ok, quiet, max(1, args.tries))
    load_after = loadavg()
    command = "python benchmarks/run.py" + ("" if len(sys.argv) == 1 else " " + shlex.join(sys.argv[1:]))
    info = machine()
    info["code"] = describe_code(args.code_label)
    info["quiet_below"] = "-" if quiet is None else f"{quiet[0]:.0%}"
    info["quiet"] = (
        "the harness did not wait for a quiet machine"
        if quiet is None
        else f"before each run the harness waited up to {quiet[1]:g} s for a quiet machine, "
        f"and reran a run that was not clean up to {args.tries} times per round"
    )
    meta = {
        "info": info,
        "command": command,
        "rounds": rounds,
        "cli_ok": cli_ok,
        "quick": args.quick,
        "load": [load_before, load_after],
        "started": started,
    }
    if args.save:
        save_raw(args.save, res, meta)
    write = (args.write or not (args.quick or args.only)) and not args.no_write
    return report(res, meta, write=write, baseline=args.baseline)


def save_raw(path: Path, res: dict[str, Result], meta: dict) -> None:
    """Every run of every measurement, as JSON, so that the report can be redone with --load."""
    results = []
    for r in res.values():
        results.append({"name": r.m.name, "n": r.n, "argv": r.argv, "runs": [asdict(x) for x in r.runs]})
    data = {"meta": meta, "results": results}
    path.write_text(json.dumps(data, indent=1))
    print(f"saved the raw runs to {path}", file=sys.stderr)


def load_saved(path: Path) -> tuple[dict[str, Result], dict]:
    """The runs and metadata that --save wrote."""
    data = json.loads(path.read_text())
    res = {}
    for d in data["results"]:
        res[d["name"]] = Result(BY_NAME[d["name"]], d["n"], d["argv"], [Run(**x) for x in d["runs"]])
    return res, data["meta"]


def report_saved(args: argparse.Namespace) -> int:
    res, meta = load_saved(args.load)
    again = shlex.join(["python", "benchmarks/run.py", *sys.argv[1:]])
    meta["command"] += f"`, reported with `{again}"
    return report(res, meta, write=args.write and not args.no_write, baseline=args.baseline)


def report(res: dict[str, Result], meta: dict, write: bool, baseline: Path | None = None) -> int:
    verdicts = targets(res, meta["quick"])
    notes = sanity(res)
    print()
    print(text_table(HEAD, table_rows(res)))
    print()
    for v in verdicts:
        print(f"{v.verdict:<24} {v.target}\n{'':24} measured {v.measured}; target {v.threshold}")
    for n in notes:
        print(f"WARNING: {n}")
    if write:
        write_results(res, verdicts, notes, meta, load_saved(baseline) if baseline else None)
        print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    return 1 if any("runs failed" in n for n in notes) else 0


if __name__ == "__main__":
    sys.exit(main())
