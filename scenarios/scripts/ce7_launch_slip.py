"""What if Chang'e 7 launches one month later? A scenario script.

Loads a mission scenario (``scenarios/change7.yaml`` by default), shifts its launch epoch by 30
days (``--days`` to change it) with ``scenario.model_copy(update={"epoch": ...})``, runs the
nominal simulation of both, and prints for each the landing date, the mission end and every
wait of the run (which phase waited, how long, for which window or resource, and which phase
it was waiting after), then how far the landing and the mission end moved and why. Any
scenario works, e.g. a flown mission as a "what if it had slipped":

    python scenarios/scripts/ce7_launch_slip.py
    python scenarios/scripts/ce7_launch_slip.py scenarios/change5.yaml --days 14

The scenarios declare windows (lunar daylight at the site, relay visibility, the return
window), so a launch slip does not simply move every date by the slip: a landing must fall in
the local morning, so the spacecraft waits in lunar orbit for the next one when it must (CE-5
slipped 14 days lands a lunar month later, on 2020-12-31, because the original landing date
would be local night), and a wait that the baseline needed can disappear (CE-7 slipped 30 days
lands 27d 16h later, not 30 d, because it no longer waits for the morning light). The landing
moves by the slip plus the change in the waits on the chain of phases that led to it; the
script prints that sum.

Run it from the repository (``pip install -e .`` first, or it adds the checkout to
``sys.path`` itself).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if importlib.util.find_spec("sim") is None:  # a source checkout that is not installed
    sys.path.insert(0, str(ROOT))

from sim import (  # noqa: E402
    HOUR_S,
    InputError,
    Scenario,
    Timeline,
    Wait,
    WindowNeverOpens,
    format_duration,
    format_utc,
    load_scenario,
    releasing_phase,
    simulate,
    waits,
)

DEFAULT_SCENARIO = ROOT / "scenarios" / "change7.yaml"


def landing_id(scenario: Scenario) -> str | None:
    """The first ``landing`` phase of the scenario (None if none)."""
    return next((p.id for p in scenario.phases if p.kind == "landing"), None)


def utc(timeline: Timeline, t_s: float) -> str:
    """``2026-11-01 06:00 UTC``."""
    return format_utc(timeline.utc(t_s), seconds=False).replace("T", " ").replace("Z", " UTC")


def chain(scenario: Scenario, timeline: Timeline, phase_id: str) -> list[str]:
    """The phases that led to ``phase_id`` in the run, following each one's releasing phase."""
    records = {r.id: r for r in timeline.phases}
    out = [phase_id]
    while True:
        before = releasing_phase(scenario.phase(out[-1]), records)
        if before is None:
            return out
        out.append(before)


def describe(w: Wait) -> str:
    """``stack_separation waited 2d 5h 1m for window landing_light (after site_survey)``."""
    why = w.cause or "?"
    if w.window:
        why += f" {w.window}"
    after = "the epoch" if w.released_by == w.phase else w.released_by
    return f"{w.phase} waited {format_duration(w.hours * HOUR_S)} for {why} (after {after})"


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, simulate the baseline and the slipped launch, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenario", nargs="?", default=str(DEFAULT_SCENARIO), help="scenario file (default: scenarios/change7.yaml)"
    )
    parser.add_argument("--days", type=float, default=30.0, help="launch slip in days (default 30)")
    args = parser.parse_args(argv)
    if not Path(args.scenario).exists():
        print(f"{args.scenario}: no such scenario file; pass one, e.g. scenarios/change5.yaml", file=sys.stderr)
        return 2
    try:
        baseline = load_scenario(args.scenario)
    except InputError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2

    slipped = baseline.model_copy(update={"epoch": baseline.epoch + timedelta(days=args.days)})
    try:
        runs = [
            (f"baseline (launch {format_utc(baseline.epoch)})", baseline, simulate(baseline)),
            (f"+{args.days:g} d (launch {format_utc(slipped.epoch)})", slipped, simulate(slipped)),
        ]
    except WindowNeverOpens as exc:
        print(f"{args.scenario}: {exc}", file=sys.stderr)
        return 1

    land = landing_id(baseline)
    print(f"{baseline.name} ({baseline.id}): launch slipped by {args.days:g} days")
    chain_waits_h: list[float] = []
    for label, scenario, timeline in runs:
        ran = [r for r in timeline.phases if r.outcome != "not_run"]
        last = max(reversed(ran), key=lambda r: r.end_s)  # on a tie, the last in file order
        print(f"  {label}")
        if land is not None:
            print(f"    landing:     {utc(timeline, timeline.phase(land).end_s)}")
        print(f"    mission end: {utc(timeline, timeline.end_s)} (end of {last.id})")
        run_waits = waits(scenario, timeline)
        print(f"    waits:       {len(run_waits) or 'none'}")
        for w in run_waits:
            print(f"      {describe(w)}")
        if land is not None:
            on_chain = set(chain(scenario, timeline, land))
            chain_waits_h.append(sum(w.hours for w in run_waits if w.phase in on_chain))

    (_, _, t0), (_, _, t1) = runs
    if land is not None:
        moved = (t1.utc(t1.phase(land).end_s) - t0.utc(t0.phase(land).end_s)).total_seconds()
        before, after = chain_waits_h
        print(f"landing moved by:     {format_duration(moved)} ({moved / HOUR_S:.3f} h)")
        change = (after - before) * HOUR_S
        sign = "+" if change >= 0 else "-"
        print(
            f"  = launch slip {format_duration(args.days * 86400)} {sign} {format_duration(abs(change))} "
            f"of waits on the way to the landing ({format_duration(before * HOUR_S)} in the baseline, "
            f"{format_duration(after * HOUR_S)} after the slip)"
        )
    moved_end = (t1.utc(t1.end_s) - t0.utc(t0.end_s)).total_seconds()
    print(f"mission end moved by: {format_duration(moved_end)} ({moved_end / HOUR_S:.3f} h)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
