"""Chang'e 5 vs Chang'e 6, phase kind by phase kind. A scenario script.

Compares the two flown sample-return missions with ``sim.compare``: for every phase kind
(transfer, lunar orbit, sampling, lunar-orbit wait, Earth return, ...) the hours each mission
spent in it, simulated (nominal run) and flown (where every phase of that kind has a flown
duration), then the mission totals against the published plans. It shows, for example, that
CE-6 spent about three weeks in lunar orbit before landing and twice as long as CE-5 waiting
in lunar orbit for its return window.

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

    print("Hours per phase kind (sum of phase durations; sim = nominal run, flown = actual)")
    print(f"{'':<18}" + "".join(f"{m:>20}" for m in missions))
    print(f"{'kind':<18}" + f"{'sim':>10}{'flown':>10}" * len(missions))
    for row in comparison.by_kind:
        line = f"{row.kind:<18}"
        for m in missions:
            line += cell(row.simulated[m]) + cell(row.actual[m])
        print(line)

    print()
    print("Mission totals")
    print(f"{'mission':<18}{'planned h':>10}{'flown h':>10}{'sim h':>10}{'sample g':>10}")
    for s in comparison.summaries:
        print(f"{s.mission:<18}{cell(s.planned_h)}{cell(s.actual_h)}{cell(s.simulated_h)}"
              f"{s.actual_sample_mass_g if s.actual_sample_mass_g is not None else '-':>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
