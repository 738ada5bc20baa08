"""The geocentric Moon on a shared 30-minute lattice (sim.sky.lattice, issue 16): the tables of
the ground-station, launch and Earth-return windows share their instants and are bit for bit
the tables each would compute alone."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from sim.sky import lattice
from sim.sky.cache import BLOCK_S, REFERENCE
from sim.sky.earthframe import Tabulated, moon_gcrs_table
from sim.sky.ephemeris import default_ephemeris
from sim.timebase import DAY_S, HOUR_S

TRANSFER_S = 112 * HOUR_S  # change5's launch window looks 112 h ahead


def _direct(eph, epoch: datetime, start_s: float, end_s: float, step_s: float) -> Tabulated:  # type: ignore[no-untyped-def]
    def f(t_s: np.ndarray) -> np.ndarray:
        return np.asarray(
            eph.body("earth").at(eph.times(epoch, t_s)).observe(eph.body("moon")).apparent().position.km.T,
            dtype=np.float64,
        )

    return Tabulated.build(f, start_s, end_s, step_s)


# blocks from 1900-12, 1999-10, 2020-11, 2020-12, 2039-06, 2052-07
@pytest.mark.parametrize("block", [-1130, -2, 238, 239, 450, 600])
def test_shared_tables_are_bit_for_bit_the_direct_ones(block: int) -> None:
    """Station (30 min), launch (shifted by the transfer) and return (hourly) tables of one block
    and of the next, in the order a run asks for them."""
    eph = default_ephemeris()
    lattice.clear()
    lo = block * BLOCK_S
    asks = [
        (lo, lo + BLOCK_S, 1800.0),
        (lo + TRANSFER_S, lo + BLOCK_S + TRANSFER_S, 1800.0),
        (lo + 5 * DAY_S - DAY_S, lo + BLOCK_S + 2 * DAY_S + DAY_S, HOUR_S),
        (lo + BLOCK_S, lo + 2 * BLOCK_S, 1800.0),
    ]
    for start_s, end_s, step_s in asks:
        shared = moon_gcrs_table(eph, REFERENCE, start_s, end_s, step_s)
        direct = _direct(eph, REFERENCE, start_s, end_s, step_s)
        assert (shared.t0_s, shared.step_s) == (direct.t0_s, direct.step_s)
        assert shared.values.tobytes() == direct.values.tobytes()
    # every skyfield call spans 32 days or more, and each instant is computed once
    assert lattice.stats["calls"] >= 1
    assert lattice.stats["points"] >= lattice.MIN_CALL_POINTS * lattice.stats["calls"]
    assert lattice.stats["points"] < 3 * 1539 + 224


def test_short_or_off_lattice_tables_are_computed_as_before() -> None:
    eph = default_ephemeris()
    lattice.clear()
    epoch = datetime(2020, 11, 23, 20, 30, 12, tzinfo=UTC)
    for start_s, end_s, step_s in [(0.0, 10 * DAY_S, 1800.0), (0.0, 40 * DAY_S, 600.0), (7.0, 40 * DAY_S, 1800.0)]:
        shared = moon_gcrs_table(eph, epoch, start_s, end_s, step_s)
        assert shared.values.tobytes() == _direct(eph, epoch, start_s, end_s, step_s).values.tobytes()
    assert lattice.stats == {"points": 0, "calls": 0}


def test_the_store_starts_again_beyond_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    eph = default_ephemeris()
    lattice.clear()
    monkeypatch.setattr(lattice, "MAX_POINTS", 4000)
    a = moon_gcrs_table(eph, REFERENCE, 0.0, BLOCK_S)
    b = moon_gcrs_table(eph, REFERENCE, 10 * BLOCK_S, 11 * BLOCK_S)
    assert a.values.tobytes() == _direct(eph, REFERENCE, 0.0, BLOCK_S, 1800.0).values.tobytes()
    assert b.values.tobytes() == _direct(eph, REFERENCE, 10 * BLOCK_S, 11 * BLOCK_S, 1800.0).values.tobytes()
    assert lattice.stats["calls"] == 2
