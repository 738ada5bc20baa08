"""Chang'e 5 vs Chang'e 6, phase kind by phase kind. A scenario script.

Compares the two flown sample-return missions with ``sim.compare``: for every phase kind
(transfer, lunar orbit, sampling, lunar-orbit wait, Earth return, ...) the hours each mission
spent in it, simulated (nominal run) and flown (where every phase of that kind has a flown
value), then the waits of the nominal runs and the mission totals against the published plans.

Waits count: the scenarios model "work, then wait for a window" (the lander waits in lunar
orbit for the local morning at the site, the orbiter for its return window), and a wait in
front of a phase counts to the kind of the phase it followed (the one that released it). So
the lunar-orbit wait before return reads 141.3 h for CE-5 (48 h of work + 93.3 h waiting for
the TEI window; flown 12-06 04:35 -> TEI-1 12-12 01:54) and about two weeks for CE-6, and CE-6's
``lunar_orbit`` hours hold its three weeks in lunar orbit before landing.

    python scenarios/scripts/ce5_vs_ce6_by_kind.py
    python scenarios/scripts/ce5_vs_ce6_by_kind.py scenarios/change5.yaml scenarios/change6.yaml

The same numbers come from ``lunarsim compare change5 change6`` (``--json`` for the data).
Run it from the repository (``pip install -e .`` first, or it adds the checkout to
``sys.path`` itself).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if importlib.util.find_spec("sim") is None:  # a source checkout that is not installed
    sys.path.insert(0, str(ROOT))

from sim import InputError, compare  # noqa: E402

DEFAULT = [ROOT / "scenarios" / "change5.yaml", ROOT / "scenarios" / "change6.yaml"]


def cell(hours: float | None) -> str:
    """Hours with one decimal, right-aligned; ``-`` when unknown."""
    return f"{'-' if hours is None else f'{hours:.1f}':>10}"


def main(argv: list[str] | None = None) -> int:
    """Compare the missions named on the command line (default CE-5 and CE-6) and print tables."""
    paths = (sys.argv[1:] if argv is None else argv) or [str(p) for p in DEFAULT]
    try:
        comparison = compare(paths)
    except InputError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    missions = comparison.missions

    print("Hours per phase kind (runs + the waits that follow them; sim = nominal run, flown = actual)")
    print(f"{'':<18}" + "".join(f"{m:>20}" for m in missions))
    print(f"{'kind':<18}" + f"{'sim':>10}{'flown':>10}" * len(missions))
    for row in comparison.by_kind:
        line = f"{row.kind:<18}"
        for m in missions:
            line += cell(row.simulated[m]) + cell(row.actual[m])
        print(line)

    print()
    print("Waits in the nominal runs (each counts to the kind of the phase it followed)")
    for s in comparison.summaries:
        kinds = {p.id: p.kind for p in comparison.mission_phases(s.mission)}
        for w in s.waits:
            why = (w.cause or "") + (f" {w.window}" if w.window else "")
            print(
                f"  {s.mission}: {w.phase} waited {w.hours:.1f} h for {why} after {w.released_by} "
                f"({kinds[w.released_by]})"
            )

    print()
    print("Mission totals")
    print(f"{'mission':<18}{'planned h':>10}{'flown h':>10}{'sim h':>10}{'sample g':>10}")
    for s in comparison.summaries:
        print(
            f"{s.mission:<18}{cell(s.planned_h)}{cell(s.actual_h)}{cell(s.simulated_h)}"
            f"{s.actual_sample_mass_g if s.actual_sample_mass_g is not None else '-':>10}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
