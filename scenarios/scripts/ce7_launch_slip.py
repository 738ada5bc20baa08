"""What if Chang'e 7 launches one month later? A scenario script.

Loads a mission scenario (``scenarios/change7.yaml`` by default), shifts its launch epoch by 30
days (``--days`` to change it) with ``scenario.model_copy(update={"epoch": ...})``, runs the
nominal simulation of both, and prints the landing dates, the mission end dates and how far
each moved. Any scenario works, e.g. a flown mission as a "what if it had slipped":

    python scenarios/scripts/ce7_launch_slip.py
    python scenarios/scripts/ce7_launch_slip.py scenarios/change5.yaml --days 14

Today the nominal run has no launch or lighting windows, so every date moves by exactly the
slip; once windows (lunar daylight at the site, relay visibility) are modelled, the landing can
move by more than the launch, and this script shows by how much.

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

from sim import InputError, Scenario, Timeline, load_scenario, simulate  # noqa: E402
from sim.timebase import HOUR_S, format_duration, format_utc  # noqa: E402

DEFAULT_SCENARIO = ROOT / "scenarios" / "change7.yaml"


def landing_s(scenario: Scenario, timeline: Timeline) -> float | None:
    """End of the first ``landing`` phase of the run, seconds since its epoch (None if none)."""
    for phase in scenario.phases:
        if phase.kind == "landing":
            return timeline.phase(phase.id).end_s
    return None


def utc(timeline: Timeline, t_s: float) -> str:
    """``2026-11-01 06:00 UTC``."""
    return format_utc(timeline.utc(t_s), seconds=False).replace("T", " ").replace("Z", " UTC")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, simulate the baseline and the slipped launch, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO),
                        help="scenario file (default: scenarios/change7.yaml)")
    parser.add_argument("--days", type=float, default=30.0, help="launch slip in days (default 30)")
    args = parser.parse_args(argv)
    if not Path(args.scenario).exists():
        print(f"{args.scenario}: no such scenario file; pass one, e.g. scenarios/change5.yaml",
              file=sys.stderr)
        return 2
    try:
        baseline = load_scenario(args.scenario)
    except InputError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2

    slipped = baseline.model_copy(update={"epoch": baseline.epoch + timedelta(days=args.days)})
    runs = [(f"baseline (launch {format_utc(baseline.epoch)})", baseline, simulate(baseline)),
            (f"+{args.days:g} d (launch {format_utc(slipped.epoch)})", slipped, simulate(slipped))]

    print(f"{baseline.name} ({baseline.id}): launch slipped by {args.days:g} days")
    for label, scenario, timeline in runs:
        land = landing_s(scenario, timeline)
        landing = utc(timeline, land) if land is not None else "no landing phase"
        print(f"  {label}")
        print(f"    landing:     {landing}")
        print(f"    mission end: {utc(timeline, timeline.end_s)}")
    (_, s0, t0), (_, s1, t1) = runs
    land0, land1 = landing_s(s0, t0), landing_s(s1, t1)
    if land0 is not None and land1 is not None:
        moved = (t1.utc(land1) - t0.utc(land0)).total_seconds()
        print(f"landing moved by:     {format_duration(moved)} ({moved / HOUR_S:.3f} h)")
    moved_end = (t1.utc(t1.end_s) - t0.utc(t0.end_s)).total_seconds()
    print(f"mission end moved by: {format_duration(moved_end)} ({moved_end / HOUR_S:.3f} h)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
