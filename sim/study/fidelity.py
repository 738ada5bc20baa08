"""Fidelity of the historical scenarios: flown vs simulated milestones, derived vs calibrated inputs.

``milestones(scenario)`` lines up every flown (``actual:``) start and end of a scenario with its
nominal run. ``inputs(scenario)`` says, per phase, whether its duration is derived from physics
(a burn or an orbit stay, ``sim.scenario.durations``) or calibrated (a typed duration or a
distribution whose mode is a flown value); a wait that follows an event (``until``) is a rule,
"calibrated (rule)" when its note starts with "Calibrated" (a lag set from a flown case, e.g. the
48 h surface stay), else "derived (event)"; and per window what decides it (a computed window
whose note starts with "Calibrated" has a threshold set to a flown value, e.g. the landing Sun
elevation: "calibrated (geometry)"). ``cross_mission()``
predicts Chang'e 6 with the rules calibrated on Chang'e 5 only: change5.yaml with CE-6's launch
epoch and landing site and nothing else of CE-6's record, against CE-6's flown landing, TEI and
capsule touchdown. ``docs/make_fidelity.py`` renders all of it as docs/fidelity.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sim.engine.des import simulate
from sim.results.records import Timeline
from sim.scenario.durations import DurationSource
from sim.scenario.model import Phase, Scenario, read_document, scenario_from_document
from sim.scenario.overrides import apply_overrides
from sim.timebase import format_duration

# CE-6 facts the cross-mission check uses as INPUTS (reference §2, change6.yaml): launch epoch
# and landing site (LROC fix). Nothing else of CE-6's record enters the prediction.
CE6_EPOCH = "2024-05-03T09:27:29Z"
CE6_SITE = {"name": "Apollo basin (CE-6)", "lat_deg": -41.6385, "lon_deg": -153.9852}
# CE-6 flown events the prediction is compared with (reference §2, rows 8, 17, 21): the earliest
# and latest flown instant. CNSA gave the TEI no time, only "20 or 21 June": the whole two days.
CE6_FLOWN = {
    "landing": ("2024-06-01T22:23:00Z", "2024-06-01T22:23:00Z", "min"),
    "TEI": ("2024-06-20T00:00:00Z", "2024-06-22T00:00:00Z", "date"),
    "touchdown": ("2024-06-25T06:07:00Z", "2024-06-25T06:07:00Z", "min"),
}
# Cross-mission tolerances (tests/test_fidelity.py asserts them; docs/fidelity.md prints them):
#   landing: the landing window is CE-5's calibrated Sun elevation (37.43° rising); CE-6 descended
#     at 36.66°, which the Sun passes ~2.5 h earlier at the CE-6 site, and the predicted descent is
#     a 12.6 min burn against 14 min flown: within 6 h.
#   TEI: CNSA gave no time, only "20 or 21 June"; the prediction comes from CE-5's return-window
#     rule; one return opportunity per tropical month means a wrong rule is off by ~2 weeks (the
#     wrong-hemisphere control below: ~10 d), so 3 days separates a working rule from a broken one.
#   touchdown: the predicted TEI plus CE-5's return cruise (3 d 15 h); the TEI rule departs at
#     its window's opening, 0.9-2.9 d before the flown TEI date: within 3 days.
CROSS_TOLERANCE_S = {"landing": 6 * 3600.0, "TEI": 3 * 86400.0, "touchdown": 3 * 86400.0}
# A broken rule the check must reject: the Earth-return rule for a landing site in the wrong
# (southern) hemisphere, which departs before the Moon's NORTHERN declination extreme instead.
WRONG_HEMISPHERE = ("windows.tei_window.landing_site={name: wrong hemisphere, lat_deg: -42.0, lon_deg: 111.5}",)
# The CE-5 phases that play those events in change5.yaml.
CE5_PHASE = {"landing": ("landing", "end"), "TEI": ("tei2", "start"), "touchdown": ("capsule_landing", "end")}


@dataclass(frozen=True)
class Milestone:
    """One flown time against the nominal run (``delta_s`` = simulated - flown)."""

    phase: str
    which: str
    flown: datetime
    simulated: datetime
    precision: str
    duration: str

    @property
    def delta_s(self) -> float:
        """Simulated minus flown, seconds."""
        return (self.simulated - self.flown).total_seconds()


@dataclass(frozen=True)
class Input:
    """What decides one phase's duration or one window: ``derived`` or ``calibrated``, and how."""

    name: str
    kind: str
    status: str
    how: str


def _utc(s: Scenario, t: Timeline, phase: str, which: str) -> datetime:
    rec = t.phase(phase)
    return s.epoch + timedelta(seconds=rec.start_s if which == "start" else rec.end_s)


def duration_kind(scenario: Scenario, phase_id: str) -> str:
    """``burn``, ``orbit``, ``until``, ``fixed`` or ``distribution`` (what the phase's duration is)."""
    if scenario.phase(phase_id).until is not None:
        return "until"
    d = scenario.phase(phase_id).duration
    if isinstance(d, DurationSource):
        return d.key
    return "fixed" if d.is_fixed else "distribution"


def milestones(scenario: Scenario, timeline: Timeline | None = None) -> list[Milestone]:
    """Every flown start/end of ``scenario`` against its nominal run, in file order."""
    t = timeline or simulate(scenario)
    out = []
    for ph in scenario.phases:
        if ph.actual is None:
            continue
        for which in ("start", "end"):
            flown = getattr(ph.actual, which)
            if flown is None:
                continue
            out.append(
                Milestone(
                    ph.id,
                    which,
                    flown,
                    _utc(scenario, t, ph.id, which),
                    ph.actual.precision,
                    duration_kind(scenario, ph.id),
                )
            )
    return out


def _until_input(ph: Phase) -> Input:
    """A wait that ends at an event: a rule, calibrated when its note says so (a lag from a flown case)."""
    u = ph.until
    assert u is not None
    hours = abs(u.lag) / 3600.0
    span = f"{hours:g}h" if hours.is_integer() else format_duration(abs(u.lag))
    lag = f" {'+' if u.lag >= 0 else '-'} {span}" if u.lag else ""
    status = "calibrated (rule)" if (ph.note or "").strip().lower().startswith("calibrated") else "derived (event)"
    return Input(ph.id, "until", status, f"until {u.phase} {u.at}{lag}")


def inputs(scenario: Scenario) -> list[Input]:
    """Per phase and per window: derived from physics/geometry, or calibrated (and how)."""
    out = []
    for ph in scenario.phases:
        d = ph.duration
        if ph.until is not None:
            out.append(_until_input(ph))
        elif isinstance(d, DurationSource):
            out.append(Input(ph.id, d.key, "derived", d.describe()))
        elif d.is_fixed:
            out.append(Input(ph.id, "fixed", "calibrated", f"typed {d.describe()}"))
        else:
            out.append(Input(ph.id, "distribution", "calibrated", d.describe()))
    for name, w in scenario.windows.items():
        anchored = getattr(w, "anchor", None) is not None
        note = (getattr(w, "note", None) or "").strip()
        if anchored or w.kind in ("periodic", "explicit"):
            status = "calibrated"
        elif note.lower().startswith("calibrated"):  # geometry, but a threshold set to a flown value
            status = "calibrated (geometry)"
        else:
            status = "derived (geometry)"
        out.append(Input(name, f"window: {w.kind}", status, note))
    return out


def ce6_from_ce5(ce5_path: str | Path, extra: Sequence[str] = ()) -> Scenario:
    """change5.yaml with CE-6's launch epoch and landing site: the rules of CE-5, CE-6's inputs.

    ``extra`` are further ``--set`` overrides (the tests use them to break a rule on purpose)."""
    doc = read_document(ce5_path)
    sets = [f"epoch={CE6_EPOCH}", "site={name: 'Apollo basin (CE-6)', lat_deg: -41.6385, lon_deg: -153.9852}"]
    data, _ = apply_overrides(doc.data, [*sets, *extra])
    return scenario_from_document(type(doc)(data=data, lines=doc.lines), str(ce5_path))


@dataclass(frozen=True)
class CrossCheck:
    """One CE-6 event predicted from CE-5's rules against the flown time."""

    event: str
    flown: datetime
    flown_latest: datetime
    precision: str
    predicted: datetime

    @property
    def delta_s(self) -> float:
        """Predicted minus flown, seconds (0 inside a flown range such as "20 or 21 June")."""
        if self.predicted < self.flown:
            return (self.predicted - self.flown).total_seconds()
        return max(0.0, (self.predicted - self.flown_latest).total_seconds())


def cross_mission(ce5_path: str | Path, extra: Sequence[str] = ()) -> list[CrossCheck]:
    """CE-6's landing, TEI and touchdown predicted with change5.yaml's rules (see the module doc)."""
    from sim.timebase import parse_utc

    s = ce6_from_ce5(ce5_path, extra)
    t = simulate(s)
    out = []
    for event, (earliest, latest, precision) in CE6_FLOWN.items():
        phase, which = CE5_PHASE[event]
        out.append(CrossCheck(event, parse_utc(earliest), parse_utc(latest), precision, _utc(s, t, phase, which)))
    return out
