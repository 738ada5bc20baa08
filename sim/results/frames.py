"""pandas views of results, for notebooks: ``Timeline.to_pandas()`` and ``Ensemble.to_pandas()``.

pandas is not a runtime dependency (``pip install 'lunar-timeline[pandas]'``): it is imported
here, inside the functions, and a missing pandas is an ``ImportError`` naming the extra. Times are
tz-aware UTC datetimes (``datetime64[..., UTC]``), durations both ``timedelta64`` and float hours
(``duration`` and ``duration_h``), so a reader can compute with either and plot either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sim.timebase import HOUR_S

if TYPE_CHECKING:
    import pandas as pd

    from sim.results.records import Ensemble, Timeline

EXTRA_HINT = "pip install 'lunar-timeline[pandas]'"


def require_pandas(what: str) -> Any:
    """The pandas module, or an ImportError that names the extra to install."""
    try:
        import pandas
    except ModuleNotFoundError:
        raise ImportError(f"{what} needs pandas, an optional extra: {EXTRA_HINT}", name="pandas") from None
    return pandas


def _utc(pd: Any, epoch: Any, seconds: np.ndarray) -> Any:
    """Seconds since ``epoch`` -> tz-aware UTC datetimes (NaN -> NaT), to the microsecond."""
    base = pd.Timestamp(epoch).tz_convert("UTC")
    return base + pd.to_timedelta(np.round(np.asarray(seconds, dtype=np.float64) * 1e6), unit="us")


def _span(pd: Any, seconds: np.ndarray) -> Any:
    """Seconds -> timedeltas (NaN -> NaT), to the microsecond."""
    return pd.to_timedelta(np.round(np.asarray(seconds, dtype=np.float64) * 1e6), unit="us")


def timeline_frame(timeline: Timeline) -> pd.DataFrame:
    """One row per phase (file order), indexed by phase id.

    Columns: ``name``, ``kind``, ``element``, ``outcome``, ``ready``, ``start``, ``end`` (UTC
    datetimes), ``duration`` and ``wait`` (timedeltas), ``duration_h`` and ``wait_h`` (hours),
    ``wait_cause``, ``attempts``, and ``start_s``/``end_s`` (seconds since the epoch, the
    simulator's own time base).
    """
    pd = require_pandas("Timeline.to_pandas()")
    ph = timeline.phases
    ready = np.array([p.ready_s for p in ph], dtype=np.float64)
    start = np.array([p.start_s for p in ph], dtype=np.float64)
    end = np.array([p.end_s for p in ph], dtype=np.float64)
    frame = pd.DataFrame(
        {
            "name": [p.name for p in ph],
            "kind": [p.kind for p in ph],
            "element": [p.element for p in ph],
            "outcome": [p.outcome for p in ph],
            "ready": _utc(pd, timeline.epoch, ready),
            "start": _utc(pd, timeline.epoch, start),
            "end": _utc(pd, timeline.epoch, end),
            "duration": _span(pd, end - start),
            "wait": _span(pd, start - ready),
            "duration_h": (end - start) / HOUR_S,
            "wait_h": (start - ready) / HOUR_S,
            "wait_cause": [p.wait_cause for p in ph],
            "attempts": [p.attempts for p in ph],
            "start_s": start,
            "end_s": end,
        },
        index=pd.Index([p.id for p in ph], name="id"),
    )
    frame.attrs.update(scenario=timeline.scenario_id, name=timeline.name, epoch=timeline.epoch)
    return frame


def ensemble_frame(ensemble: Ensemble, *, phase_ends: bool | None = None) -> pd.DataFrame:
    """One row per replication (seed-stream order), indexed by replication number.

    Columns: ``seed_stream``, ``outcome`` (``success`` / ``aborted``), ``end`` (UTC datetime),
    ``duration`` (timedelta from the epoch) and ``duration_h``; with ``phase_ends`` also
    ``<phase>_end`` per phase (UTC datetime, NaT where an abort left it unrun). Per-phase ends
    exist for every replication only when the run kept them (``monte_carlo(...,
    per_replication=True)``): ``phase_ends=None`` adds them then and leaves them out otherwise;
    ``True`` insists (ValueError when the run kept a prefix only).
    """
    pd = require_pandas("Ensemble.to_pandas()")
    every = ensemble.rows == ensemble.replications
    if phase_ends and not every:
        raise ValueError(
            f"per-phase ends were kept for the first {ensemble.rows:,} of {ensemble.replications:,} "
            "replications only; run monte_carlo(..., per_replication=True)"
        )
    end_s = np.asarray(ensemble.end_s, dtype=np.float64)
    columns: dict[str, Any] = {
        "seed_stream": ensemble.block_ids,
        "outcome": pd.Categorical(np.where(ensemble.success, "success", "aborted"), categories=["success", "aborted"]),
        "end": _utc(pd, ensemble.epoch, end_s),
        "duration": _span(pd, end_s),
        "duration_h": end_s / HOUR_S,
    }
    if every and phase_ends is not False:
        for k, pid in enumerate(ensemble.phase_ids):
            columns[f"{pid}_end"] = _utc(pd, ensemble.epoch, ensemble.phase_end_s[:, k])
    frame = pd.DataFrame(columns, index=pd.RangeIndex(ensemble.replications, name="replication"))
    frame.attrs.update(scenario=ensemble.scenario_id, name=ensemble.name, seed=ensemble.seed, engine=ensemble.engine)
    return frame
