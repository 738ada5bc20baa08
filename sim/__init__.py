"""lunar-timeline: scenario-driven SimPy simulation of Chang'e lunar mission timelines.

The public API: scripts and notebooks import from ``sim`` only (``sim.__all__``); the rooms
below it (``sim.scenario``, ``sim.engine``, ...) may change. The pipeline::

    from sim import compare, gantt, load_scenario, monte_carlo, mc_summary, simulate
    scenario = load_scenario("scenarios/change5.yaml")
    timeline = simulate(scenario)          # nominal run -> Timeline
    timeline.to_dict()                     # the JSON of `lunarsim run --json`
    ax = gantt(timeline)                   # a matplotlib Axes

    ensemble = monte_carlo(scenario, 10_000, seed=1)
    summary = monte_carlo_summary(ensemble)  # typed: seconds, UTC datetimes (MonteCarloSummary)
    summary.end.p80_utc, summary.phase("landing").duration_p90_s
    mc_summary(ensemble)                   # the JSON of `lunarsim mc --json` (summary.to_dict())

    comparison = compare(["scenarios/change5.yaml", "scenarios/change6.yaml"])
    comparison.by_kind                     # hours per phase kind per mission
    comparison.to_dict()                   # the JSON of `lunarsim compare --json`

``compare`` takes scenario objects or paths and runs the nominal simulations itself
(``sim.study.compare.compare_scenarios``). Example scripts: ``scenarios/scripts/``; notebooks:
``notebooks/``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    __version__: str
    from sim.engine.des import simulate
    from sim.engine.model import list_windows
    from sim.engine.montecarlo import monte_carlo
    from sim.engine.program import simulate_program
    from sim.errors import InputError, RunError
    from sim.plots.baseline import baseline_chart
    from sim.plots.compare import compare_bars
    from sim.plots.figures import save_figure
    from sim.plots.gantt import gantt
    from sim.plots.instants import instant_deltas
    from sim.plots.missions import compare_missions
    from sim.plots.program import program_gantt
    from sim.plots.risk import criticality, histogram, risk_ranking, s_curve, tornado
    from sim.plots.sweep import sweep_chart
    from sim.plots.windows import windows_chart
    from sim.report.compare_tables import kind_table, phase_table, summary_table
    from sim.report.sweep import sweep_table
    from sim.report.tables import mc_tables, timeline_table
    from sim.results.baseline import BaselineComparison, baseline_compare
    from sim.results.comparison import Comparison, Wait, releasing_phase, waits
    from sim.results.mc_types import DeadlineOdds, MonteCarloSummary, PhaseDeadlineOdds, PhaseStats, RiskEffect
    from sim.results.published import actual_precisions, actual_times, flown_durations_s
    from sim.results.records import Ensemble, PhaseRecord, Timeline
    from sim.results.spread import EndSpread
    from sim.results.statistics import monte_carlo_summary, phase_end_spread, sensitivities
    from sim.results.statistics import summary as mc_summary
    from sim.results.sweep_types import MilestoneStats, SweepResult, VariantRow
    from sim.scenario.model import Scenario, load_scenario
    from sim.scenario.program import Program, load_program
    from sim.sky.ephemeris import default_ephemeris
    from sim.sky.intervals import WindowNeverOpens
    from sim.study.compare import compare_scenarios as compare
    from sim.study.sweep import StudyResult, run_study, sweep
    from sim.study.sweep import load_document as load_sweep_document
    from sim.study.sweep import prepare as prepare_study
    from sim.timebase import DAY_S, HOUR_S, format_duration, format_met, format_utc, from_utc, parse_utc, to_utc

# Exported names load their module on first use (PEP 562), so that `import sim.engine.des` or the
# lunarsim command does not pay for the plotting, analysis and comparison modules it does not use.
_EXPORTS = {
    # scenarios and programs
    "Scenario": ("sim.scenario.model", "Scenario"),
    "load_scenario": ("sim.scenario.model", "load_scenario"),
    "Program": ("sim.scenario.program", "Program"),
    "load_program": ("sim.scenario.program", "load_program"),
    "InputError": ("sim.errors", "InputError"),
    "RunError": ("sim.errors", "RunError"),
    # runs
    "simulate": ("sim.engine.des", "simulate"),
    "simulate_program": ("sim.engine.program", "simulate_program"),
    "monte_carlo": ("sim.engine.montecarlo", "monte_carlo"),
    "list_windows": ("sim.engine.model", "list_windows"),
    "WindowNeverOpens": ("sim.sky.intervals", "WindowNeverOpens"),
    # results
    "Timeline": ("sim.results.records", "Timeline"),
    "PhaseRecord": ("sim.results.records", "PhaseRecord"),
    "Ensemble": ("sim.results.records", "Ensemble"),
    "mc_summary": ("sim.results.statistics", "summary"),
    "monte_carlo_summary": ("sim.results.statistics", "monte_carlo_summary"),
    "phase_end_spread": ("sim.results.statistics", "phase_end_spread"),
    "MonteCarloSummary": ("sim.results.mc_types", "MonteCarloSummary"),
    "PhaseStats": ("sim.results.mc_types", "PhaseStats"),
    "DeadlineOdds": ("sim.results.mc_types", "DeadlineOdds"),
    "PhaseDeadlineOdds": ("sim.results.mc_types", "PhaseDeadlineOdds"),
    "RiskEffect": ("sim.results.mc_types", "RiskEffect"),
    "sensitivities": ("sim.results.statistics", "sensitivities"),
    "Comparison": ("sim.results.comparison", "Comparison"),
    "actual_times": ("sim.results.published", "actual_times"),
    "actual_precisions": ("sim.results.published", "actual_precisions"),
    "flown_durations_s": ("sim.results.published", "flown_durations_s"),
    "Wait": ("sim.results.comparison", "Wait"),
    "waits": ("sim.results.comparison", "waits"),
    "releasing_phase": ("sim.results.comparison", "releasing_phase"),
    "baseline_compare": ("sim.results.baseline", "baseline_compare"),
    "BaselineComparison": ("sim.results.baseline", "BaselineComparison"),
    "SweepResult": ("sim.results.sweep_types", "SweepResult"),
    "VariantRow": ("sim.results.sweep_types", "VariantRow"),
    "EndSpread": ("sim.results.spread", "EndSpread"),
    "MilestoneStats": ("sim.results.sweep_types", "MilestoneStats"),
    # studies
    "compare": ("sim.study.compare", "compare_scenarios"),
    "sweep": ("sim.study.sweep", "sweep"),
    "StudyResult": ("sim.study.sweep", "StudyResult"),
    "load_sweep_document": ("sim.study.sweep", "load_document"),
    "prepare_study": ("sim.study.sweep", "prepare"),
    "run_study": ("sim.study.sweep", "run_study"),
    # charts (each returns a matplotlib Axes; pass ax= to draw into your own)
    "gantt": ("sim.plots.gantt", "gantt"),
    "program_gantt": ("sim.plots.program", "program_gantt"),
    "s_curve": ("sim.plots.risk", "s_curve"),
    "tornado": ("sim.plots.risk", "tornado"),
    "criticality": ("sim.plots.risk", "criticality"),
    "histogram": ("sim.plots.risk", "histogram"),
    "risk_ranking": ("sim.plots.risk", "risk_ranking"),
    "sweep_chart": ("sim.plots.sweep", "sweep_chart"),
    "save_figure": ("sim.plots.figures", "save_figure"),
    "compare_bars": ("sim.plots.compare", "compare_bars"),
    "compare_missions": ("sim.plots.missions", "compare_missions"),
    "instant_deltas": ("sim.plots.instants", "instant_deltas"),
    "windows_chart": ("sim.plots.windows", "windows_chart"),
    "baseline_chart": ("sim.plots.baseline", "baseline_chart"),
    # terminal tables
    "timeline_table": ("sim.report.tables", "timeline_table"),
    "mc_tables": ("sim.report.tables", "mc_tables"),
    "kind_table": ("sim.report.compare_tables", "kind_table"),
    "phase_table": ("sim.report.compare_tables", "phase_table"),
    "summary_table": ("sim.report.compare_tables", "summary_table"),
    "sweep_table": ("sim.report.sweep", "sweep_table"),
    # time base and sky
    "HOUR_S": ("sim.timebase", "HOUR_S"),
    "DAY_S": ("sim.timebase", "DAY_S"),
    "format_utc": ("sim.timebase", "format_utc"),
    "parse_utc": ("sim.timebase", "parse_utc"),
    "to_utc": ("sim.timebase", "to_utc"),
    "from_utc": ("sim.timebase", "from_utc"),
    "format_duration": ("sim.timebase", "format_duration"),
    "format_met": ("sim.timebase", "format_met"),
    "default_ephemeris": ("sim.sky.ephemeris", "default_ephemeris"),
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    if name in _EXPORTS:
        module, attr = _EXPORTS[name]
        return getattr(import_module(module), attr)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


def _version() -> str:
    """The installed distribution's version: pyproject.toml's ``version`` is the one place it is written."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lunar-timeline")
    except PackageNotFoundError:  # a source tree on sys.path that was never installed
        return "0+unknown"


__all__ = [
    "DAY_S",
    "HOUR_S",
    "BaselineComparison",
    "Comparison",
    "DeadlineOdds",
    "EndSpread",
    "Ensemble",
    "InputError",
    "MilestoneStats",
    "MonteCarloSummary",
    "PhaseDeadlineOdds",
    "PhaseRecord",
    "PhaseStats",
    "Program",
    "RiskEffect",
    "RunError",
    "Scenario",
    "StudyResult",
    "SweepResult",
    "Timeline",
    "VariantRow",
    "Wait",
    "WindowNeverOpens",
    "__version__",
    "actual_precisions",
    "actual_times",
    "baseline_chart",
    "baseline_compare",
    "compare",
    "compare_bars",
    "compare_missions",
    "criticality",
    "default_ephemeris",
    "flown_durations_s",
    "format_duration",
    "format_met",
    "format_utc",
    "from_utc",
    "gantt",
    "histogram",
    "instant_deltas",
    "kind_table",
    "list_windows",
    "load_program",
    "load_scenario",
    "load_sweep_document",
    "mc_summary",
    "mc_tables",
    "monte_carlo",
    "monte_carlo_summary",
    "parse_utc",
    "phase_end_spread",
    "phase_table",
    "prepare_study",
    "program_gantt",
    "releasing_phase",
    "risk_ranking",
    "run_study",
    "s_curve",
    "save_figure",
    "sensitivities",
    "simulate",
    "simulate_program",
    "summary_table",
    "sweep",
    "sweep_chart",
    "sweep_table",
    "timeline_table",
    "to_utc",
    "tornado",
    "waits",
    "windows_chart",
]
