"""CPM late dates and float of the nominal run: closed-form answers through every link type."""

from __future__ import annotations

import json

from sim.cli import main
from sim.engine.des import simulate
from sim.scenario.model import load_scenario_text

H = 3600.0


def scenario(phases: str, extra: str = ""):  # type: ignore[no-untyped-def]
    """A scenario from a YAML list of phases."""
    return load_scenario_text(
        f"id: e\nname: E\nepoch: 2020-01-01T00:00:00Z\nelements: [x, y]\n{extra}phases:\n{phases}"
    )


def floats(t) -> dict[str, tuple[float, float, float, float]]:  # type: ignore[no-untyped-def]
    """Per phase: late start, late finish (h), total float, free float (h)."""
    return {p.id: (p.late_start_s / H, p.late_finish_s / H, p.total_float_s / H, p.free_float_s / H) for p in t.phases}


def test_two_branches_float_closed_form() -> None:
    """a (2 h) then b (10 h) and c (4 h) in parallel, d after both: c has 6 h of float."""
    t = simulate(
        scenario(
            "  - {id: a, kind: launch, element: x, duration: 2h}\n"
            "  - {id: b, kind: transfer, element: x, duration: 10h, after: [a]}\n"
            "  - {id: c, kind: relay, element: y, duration: 4h, after: [a]}\n"
            "  - {id: d, kind: loi, element: x, duration: 1h, after: [b, c]}\n"
        )
    )
    f = floats(t)
    assert f["a"] == (0.0, 2.0, 0.0, 0.0)
    assert f["b"] == (2.0, 12.0, 0.0, 0.0)
    assert f["c"] == (8.0, 12.0, 6.0, 6.0)
    assert f["d"] == (12.0, 13.0, 0.0, 0.0)
    assert [p.id for p in t.phases if p.total_float_s == 0] == ["a", "b", "d"]


def test_float_through_link_types_and_ties() -> None:
    """SS, FF and SF links carry float backwards; two equal chains are both critical."""
    t = simulate(
        scenario(
            "  - {id: a, kind: launch, element: x, duration: 10h}\n"
            "  - {id: ss, kind: relay, element: y, duration: 2h, after: [{phase: a, type: SS, lag: 1h}]}\n"
            "  - {id: ff, kind: relay, element: y, duration: 3h, after: [{phase: a, type: FF, lag: 2h}]}\n"
            "  - {id: sf, kind: relay, element: y, duration: 4h, after: [{phase: a, type: SF, lag: 5h}]}\n"
            "  - {id: e, kind: loi, element: x, duration: 2h, after: [a]}\n"
        )
    )
    f = floats(t)
    # the end is 12 h, set by both ff (a's end + 2 h) and e (a's end + 2 h): a tie, both critical
    assert f["ff"][2] == 0.0 and f["e"][2] == 0.0 and f["a"][2] == 0.0
    assert f["ss"] == (10.0, 12.0, 9.0, 9.0)  # may start as late as 10 h, ending at the mission end
    assert f["sf"] == (8.0, 12.0, 7.0, 7.0)


def test_wait_float_follows_its_event() -> None:
    """A wait until b's end: its predecessor may slip to the event; the wait has no float."""
    t = simulate(
        scenario(
            "  - {id: a, kind: launch, element: x, duration: 1h}\n"
            "  - {id: b, kind: ascent, element: x, duration: 10h, after: [a]}\n"
            "  - {id: p, kind: separation, element: y, duration: 2h}\n"
            "  - {id: w, kind: lunar_orbit_wait, element: y, after: [p], until: b}\n"
            "  - {id: dock, kind: docking, element: y, duration: 1h, after: [w]}\n"
        )
    )
    f = floats(t)
    assert f["w"] == (11.0, 11.0, 9.0, 0.0)  # elastic: could start as late as its end
    assert f["p"] == (9.0, 11.0, 9.0, 0.0)
    assert f["b"][2] == f["dock"][2] == 0.0


def test_window_float_stays_in_its_opening() -> None:
    """A windowed phase may slip only within the opening it used; its predecessors may slip
    up to that late start."""
    t = simulate(
        scenario(
            "  - {id: a, kind: launch, element: x, duration: 1h}\n"
            "  - {id: b, kind: loi, element: x, duration: 1h, after: [a], window: w}\n"
            "  - {id: c, kind: relay, element: y, duration: 20h}\n",
            "windows:\n  w: {type: periodic, period: 24h, open: 3h, offset: 2h}\n",
        )
    )
    f = floats(t)
    assert f["b"] == (5.0, 6.0, 3.0, 3.0)  # opening 2-5 h; ends by 6 h at the latest
    assert f["a"] == (4.0, 5.0, 4.0, 1.0)  # the 1 h window wait is its free float
    assert f["c"][2] == 0.0


def test_run_json_and_table_show_float(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """run --json has total_float_h, free_float_h, late_start, late_finish, critical per phase."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "id: e\nname: E\nepoch: 2020-01-01T00:00:00Z\nelements: [x, y]\nphases:\n"
        "  - {id: a, kind: launch, element: x, duration: 2h}\n"
        "  - {id: c, kind: relay, element: y, duration: 1h}\n"
    )
    assert main(["run", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    c = out["phases"][1]
    assert (c["total_float_h"], c["free_float_h"], c["critical"]) == (1.0, 1.0, False)
    assert (c["late_start"], c["late_finish"]) == ("2020-01-01T01:00:00Z", "2020-01-01T02:00:00Z")
    assert out["critical_path"] == ["a"]
    assert main(["run", str(path)]) == 0
    table = capsys.readouterr().out
    assert "float" in table and "1h" in table
