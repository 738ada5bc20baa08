"""Chang'e 7 landing date as a function of launch date, second half of 2026: a sweep script.

Sweeps the launch epoch of ``scenarios/change7.yaml`` weekly from 2026-07-01 to 2026-12-31 and
prints, per launch date, the landing date (P10, P50, P90 of a Monte Carlo run) with the polar
daylight constraint and without it, and the delay the constraint adds (P50 with minus P50
without). Both sweeps use the same seed for every launch date (common random numbers), so the
delay is the constraint's effect, not sampling noise:

    python scenarios/scripts/ce7_launch_sweep.py
    python scenarios/scripts/ce7_launch_sweep.py --step 3d -n 4000 --workers 2 --out landing_vs_launch.png
    python scenarios/scripts/ce7_launch_sweep.py --executor dask --workers 2      (pip install 'lunar-timeline[dask]')

The constraint is the scenario's own: every phase on the way to the landing whose window involves
lunar daylight (``lunar_daylight``, or an ``all_of`` that contains one). "Without" frees those
phases from the daylight part of their window (an ``all_of`` of daylight and relay keeps the
relay). If no phase on the way has a daylight window yet, the script says so and adds one for
the study, without changing the file: a ``lunar_daylight`` window (the Sun's centre above 0 deg
at the scenario's site, on a spherical Moon: terrain is not modelled, which matters at the pole)
on the powered descent, with ``must_fit``. The same kind of study from the command line:

    lunarsim sweep change7 --vary epoch=2026-07-01T00:00Z..2026-12-31T00:00Z/7d \\
        --milestone landing -n 2000 --seed 1 --out landing_vs_launch.png

Run it from the repository (``pip install -e .`` first, or it adds the checkout to ``sys.path``
itself).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if importlib.util.find_spec("sim") is None:  # a source checkout that is not installed
    sys.path.insert(0, str(ROOT))

from sim import InputError, RunError, format_utc, load_sweep_document, parse_utc, prepare_study, run_study  # noqa: E402

DEFAULT_SCENARIO = ROOT / "scenarios" / "change7.yaml"
WINDOW = "polar_daylight"


def after_ids(phase: dict[str, Any]) -> list[str]:
    """The ids in a phase's ``after:`` (plain ids or ``{phase: id, lag: ...}``)."""
    out = []
    for dep in phase.get("after") or []:
        out.append(dep.get("phase") if isinstance(dep, dict) else dep)
    return [d for d in out if isinstance(d, str)]


def path_to(data: dict[str, Any], target: str) -> list[dict[str, Any]]:
    """The phase ``target`` and every phase it waits for, directly or not, in file order."""
    phases = {p["id"]: p for p in data.get("phases", []) if isinstance(p, dict) and "id" in p}
    seen: set[str] = set()
    todo = [target]
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in phases:
            continue
        seen.add(pid)
        todo.extend(after_ids(phases[pid]))
    return [p for p in phases.values() if p["id"] in seen]


def window_ref(phase: dict[str, Any]) -> tuple[str | None, bool]:
    """A phase's window name and must_fit."""
    ref = phase.get("window")
    if isinstance(ref, dict):
        return ref.get("name"), bool(ref.get("must_fit", False))
    return (ref if isinstance(ref, str) else None), False


def daylight_split(windows: dict[str, Any], name: str | None) -> tuple[bool, list[str]]:
    """Whether window ``name`` involves lunar daylight, and (for an ``all_of``) its other members."""
    spec = windows.get(name) if isinstance(name, str) else None
    if not isinstance(spec, dict):
        return False, []
    if spec.get("type") == "lunar_daylight":
        return True, []
    if spec.get("type") == "all_of":
        members = [m for m in spec.get("windows", []) if isinstance(m, str)]
        lit = [m for m in members if daylight_split(windows, m)[0]]
        return bool(lit), [m for m in members if m not in lit]
    return False, []


def constraint_sets(data: dict[str, Any], landing: str) -> tuple[list[str], list[str], list[str]]:
    """Overrides that add the constraint (if the file has none), that remove it, and a description."""
    windows = data.get("windows") or {}
    path = path_to(data, landing)
    lit = []
    for phase in path:
        name, must_fit = window_ref(phase)
        has_daylight, rest = daylight_split(windows, name)
        if has_daylight:
            lit.append((phase["id"], name, must_fit, rest))
    add: list[str] = []
    if not lit:
        descent = next((p["id"] for p in path if p.get("kind") == "descent"), landing)
        add = [
            f"windows.{WINDOW}={{type: lunar_daylight, min_sun_elevation_deg: 0}}",
            f"phases.{descent}.window={{name: {WINDOW}, must_fit: true}}",
        ]
        lit = [(descent, WINDOW, True, [])]
    remove = []
    for pid, _, must_fit, rest in lit:
        keep = f"{{name: {rest[0]}, must_fit: {str(must_fit).lower()}}}" if len(rest) == 1 else "null"
        remove.append(f"phases.{pid}.window={keep}")
    described = [f"'{name}' on '{pid}'" for pid, name, _, _ in lit]
    return add, remove, described


def day(iso: str | None) -> str:
    """``2026-10-03T10:08:12Z`` -> ``2026-10-03 10:08``."""
    return "-" if iso is None else format_utc(parse_utc(iso), seconds=False).replace("T", " ").rstrip("Z")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the two sweeps (with and without the lighting constraint), print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenario", nargs="?", default=str(DEFAULT_SCENARIO), help="scenario file (default: scenarios/change7.yaml)"
    )
    parser.add_argument("--from", dest="start", default="2026-07-01T00:00Z", help="first launch date (UTC)")
    parser.add_argument("--to", dest="stop", default="2026-12-31T00:00Z", help="last launch date (UTC)")
    parser.add_argument("--step", default="7d", help="launch date step (default 7d)")
    parser.add_argument("-n", "--replications", type=int, default=2000, help="replications per launch date")
    parser.add_argument("--seed", type=int, default=1, help="seed, the same for every launch date (default 1)")
    parser.add_argument("--executor", choices=("local", "dask"), default="local")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1: in this process)")
    parser.add_argument("--out", help="chart of landing date vs launch date (.png, .svg, .pdf)")
    args = parser.parse_args(argv)
    if not Path(args.scenario).exists():
        print(f"{args.scenario}: no such scenario file; pass one, e.g. scenarios/change7.yaml", file=sys.stderr)
        return 2
    try:
        return run(args)
    except InputError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    except RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def run(args: argparse.Namespace) -> int:
    """The two studies and the table."""
    base = load_sweep_document(args.scenario)
    landing = next(
        (p["id"] for p in base.data.get("phases", []) if isinstance(p, dict) and p.get("kind") == "landing"), None
    )
    if landing is None:
        print(f"{args.scenario}: no phase of kind landing; nothing to sweep", file=sys.stderr)
        return 2
    add, remove, described = constraint_sets(base.data, landing)
    if add:
        print(
            f"note: {Path(args.scenario).name} has no polar daylight window on the way to '{landing}' yet; "
            "this study adds one (lunar_daylight, Sun above 0 deg at the site, must_fit on the descent) "
            "without changing the file."
        )
    else:
        print(f"using the scenario's own daylight windows: {', '.join(described)}")
    vary = [f"epoch={args.start}..{args.stop}/{args.step}"]
    runs = {}
    for label, sets in (("lit", add), ("free", add + remove)):
        doc = load_sweep_document(args.scenario, sets)
        study = prepare_study(
            doc, args.scenario, vary, replications=args.replications, seed=args.seed, milestone=landing
        )
        runs[label] = run_study(study, executor=args.executor, workers=args.workers)
    lit, free = runs["lit"], runs["free"]
    print(
        f"{lit.study.name}: landing ('{landing}') vs launch date, {lit.study.size} launch dates, "
        f"{args.replications:,} replications each, seed {args.seed} for every date (common random numbers)"
    )
    print(
        f"constraint: {', '.join(described)} (lunar daylight, spherical Moon, no terrain); "
        "'unconstrained' frees them from the daylight part of their windows"
    )
    print()
    print(
        f"{'launch (UTC)':<18} {'landing P10':<17} {'landing P50':<17} {'landing P90':<17} "
        f"{'P50 unconstrained':<18} {'delay P50':>9}"
    )
    for row_lit, row_free in zip(lit.rows, free.rows, strict=True):
        launch = day(row_lit["values"]["epoch"])
        if row_lit["error"] is not None:
            print(f"{launch:<18} failed: {row_lit['error']}")
            continue
        m, f = row_lit["milestone"]["end"], (row_free["milestone"] or {}).get("end") or {}
        delay = "-"
        if f.get("p50"):
            delay_d = (parse_utc(m["p50"]) - parse_utc(f["p50"])).total_seconds() / 86400
            delay = f"{delay_d:.1f} d"
        print(
            f"{launch:<18} {day(m['p10']):<17} {day(m['p50']):<17} {day(m['p90']):<17} "
            f"{day(f.get('p50')):<18} {delay:>9}"
        )
    if args.out:
        from sim import save_figure, sweep_chart

        save_figure(sweep_chart(lit.to_dict()).figure, args.out)  # one --vary: the line chart
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
