"""``--vary KEY=SPEC``: the values a sweep varies, parsed from ranges and lists.

SPEC is one of::

    2026-08-01T00:00Z..2026-10-31T00:00Z/1d     UTC times from START to STOP every STEP
    100h..130h/5h                               durations
    0.01..0.1/0.01                              numbers (exact decimal steps)
    0.01,0.05,0.1                               a list of values, as --set would read them

A range includes STOP when STOP lies on the grid. Values are kept as the text that ``--set``
receives (``2026-08-01T00:00:00Z``, ``105h``, ``0.05``), so a row names exactly what ran. Times
and durations step in whole microseconds, numbers in exact decimals, so no step drifts. Several
axes give the full grid (``grid``): the first key changes slowest, the last fastest.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sim.errors import InputError
from sim.fields import seconds_text
from sim.results.sweep_types import Axis as Axis  # the typed axis lives with the result types
from sim.results.sweep_types import Kind as Kind
from sim.scenario.overrides import parse_value
from sim.timebase import DAY_S, HOUR_S, MINUTE_S, bare_number, format_utc, parse_duration, parse_utc

MAX_VARIANTS = 100_000

_US = 1_000_000  # microseconds per second: ranges of times and durations step in whole microseconds
_DATE_LIKE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")
_UNITS_US = (("d", int(DAY_S) * _US), ("h", int(HOUR_S) * _US), ("min", int(MINUTE_S) * _US), ("s", _US))


# --------------------------------------------------------------------------- --vary specs


def parse_vary(text: str) -> Axis:
    """Parse one ``KEY=SPEC``.

    >>> parse_vary("phases.landing.duration=10min..20min/5min").values
    ('10min', '15min', '20min')

    Raises:
        InputError: naming the ``--vary`` item and the form it should take.
    """
    key, sep, spec = text.partition("=")
    key, spec = key.strip(), spec.strip()
    if not sep or not key:
        raise InputError(
            f"--vary {text}: expected KEY=SPEC, e.g. epoch=2026-08-01T00:00Z..2026-10-31T00:00Z/1d "
            "or phases.docking.failure.probability=0.01,0.05,0.1"
        )
    if any(not part.strip() for part in key.split(".")):
        raise InputError(
            f"--vary {text}: the key {key!r} has an empty part; write a dotted path such as phases.landing.duration"
        )
    if not spec:
        raise InputError(f"--vary {text}: no values after '='; give a range START..STOP/STEP or a list A,B,C")
    try:
        values, kind = parse_spec(spec)
    except ValueError as exc:
        raise InputError(f"--vary {text}: {exc}") from None
    return Axis(key=key, spec=spec, kind=kind, values=values)


def parse_spec(spec: str) -> tuple[tuple[str, ...], Kind]:
    """The values of a SPEC (a range or a list) and their kind.

    >>> parse_spec("0.01..0.05/0.02")
    (('0.01', '0.03', '0.05'), 'number')
    >>> parse_spec("2026-08-01T00:00Z..2026-08-03T00:00Z/1d")[0]
    ('2026-08-01T00:00:00Z', '2026-08-02T00:00:00Z', '2026-08-03T00:00:00Z')
    >>> parse_spec("abort,retry")
    (('abort', 'retry'), 'text')

    Raises:
        ValueError: with a message that shows the accepted forms.
    """
    spec = spec.strip()
    if ".." in spec:
        return _parse_range(spec)
    if spec[:1] in "[{":
        raise ValueError(
            "write a list as A,B,C without brackets; to vary a distribution, vary one of its "
            "fields, e.g. phases.transfer.duration.mode=110h,112h"
        )
    items = [item.strip() for item in spec.split(",")]
    if any(not item for item in items):
        raise ValueError("empty item in the list; write A,B,C with a value between every two commas")
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"{item!r} is listed twice; list each value once")
        seen.add(item)
    _check_count(len(items))
    for item in items:
        try:
            parse_value(item)
        except ValueError as exc:
            raise ValueError(f"cannot read {item!r}: {exc}") from None
    return tuple(items), _list_kind(items)


def _list_kind(items: Sequence[str]) -> Kind:
    def all_ok(parse: Callable[[str], Any]) -> bool:
        try:
            for item in items:
                parse(item)
        except ValueError:
            return False
        return True

    if all(_DATE_LIKE.match(i) for i in items) and all_ok(parse_utc):
        return "date"
    if all(bare_number(i) for i in items):
        return "number"
    if all_ok(parse_duration):
        return "duration"
    return "text"


def _check_count(count: int) -> None:
    if count > MAX_VARIANTS:
        raise ValueError(f"{count:,} values; a study holds at most {MAX_VARIANTS:,} variants, use a coarser step")


def _parse_range(spec: str) -> tuple[tuple[str, ...], Kind]:
    if spec.count("..") > 1:
        raise ValueError("a range has one '..': START..STOP/STEP, e.g. 100h..130h/5h")
    lo, _, rest = spec.partition("..")
    hi, slash, step = rest.rpartition("/")
    lo, hi, step = lo.strip(), hi.strip(), step.strip()
    if not slash or not hi or not step:
        raise ValueError("a range needs a step: START..STOP/STEP, e.g. 100h..130h/5h or 0.01..0.1/0.01")
    if not lo:
        raise ValueError("the range has no START; write START..STOP/STEP")
    dates = [bool(_DATE_LIKE.match(x)) for x in (lo, hi)]
    if all(dates):
        return _date_range(lo, hi, step), "date"
    if any(dates):
        raise ValueError(f"{lo!r} and {hi!r} are not the same kind; both ends are UTC times, durations or numbers")
    if bare_number(lo) and bare_number(hi):
        return _number_range(lo, hi, step), "number"
    try:
        lo_s, hi_s = parse_duration(lo), parse_duration(hi)
    except ValueError as exc:
        raise ValueError(
            f"cannot read the range ends: {exc}; both ends are UTC times (2026-08-01T00:00Z), "
            "durations (100h) or numbers (0.01)"
        ) from None
    step_us = _step_us(step)
    lo_us, hi_us = round(lo_s * _US), round(hi_s * _US)
    count = _count(lo_us, hi_us, step_us)
    unit = next(((u, size) for u, size in _UNITS_US[:-1] if lo_us % size == 0 and step_us % size == 0), None)
    values = []
    for k in range(count):
        us = lo_us + k * step_us
        values.append(f"{us // unit[1]}{unit[0]}" if unit is not None else _duration_text(us))
    return tuple(values), "duration"


def _duration_text(us: int) -> str:
    """Exact duration text in mixed units: ``690_000_000`` -> ``11min 30s``.

    >>> _duration_text(90_061_500_000)
    '1d 1h 1min 1.5s'
    """
    parts = []
    for unit, size in _UNITS_US[:-1]:
        if us >= size:
            parts.append(f"{us // size}{unit}")
            us %= size
    if us or not parts:
        parts.append(seconds_text(us / _US))
    return " ".join(parts)


def _step_us(step: str) -> int:
    try:
        step_s = parse_duration(step)
    except ValueError as exc:
        raise ValueError(f"the step {step!r} must be a duration such as 1d, 6h or 30min ({exc})") from None
    step_us = round(step_s * _US)
    if step_us <= 0:
        raise ValueError(f"the step {step!r} must be > 0")
    return step_us


def _count(lo: int | Decimal, hi: int | Decimal, step: int | Decimal) -> int:
    if hi < lo:
        raise ValueError("STOP is before START; ranges go upwards (START..STOP/STEP with START <= STOP)")
    count = int((hi - lo) // step) + 1
    _check_count(count)
    return count


def _date_range(lo: str, hi: str, step: str) -> tuple[str, ...]:
    try:
        start, stop = parse_utc(lo), parse_utc(hi)
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    step_us = _step_us(step)
    if step_us % _US:
        raise ValueError(f"the step {step!r} of a range of times must be a whole number of seconds")
    span_us = (stop - start) // timedelta(microseconds=1)
    count = _count(0, span_us, step_us)
    return tuple(format_utc(start + timedelta(microseconds=k * step_us)) for k in range(count))


def _number_range(lo: str, hi: str, step: str) -> tuple[str, ...]:
    try:
        a, b, d = Decimal(lo), Decimal(hi), Decimal(step)
    except InvalidOperation:
        raise ValueError(f"the step {step!r} of a range of numbers must be a number, e.g. 0.01") from None
    if not all(x.is_finite() for x in (a, b, d)):
        raise ValueError("range ends and step must be finite numbers")
    if d <= 0:
        raise ValueError(f"the step {step!r} must be > 0")
    count = _count(a, b, d)
    return tuple(_decimal_text(a + k * d) for k in range(count))


def _decimal_text(d: Decimal) -> str:
    """``Decimal('0.10')`` -> ``0.1``; ``Decimal('1E+2')`` -> ``100``."""
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def grid(axes: Sequence[Axis]) -> list[tuple[str, ...]]:
    """Every combination of the axes' values, the first axis slowest, the last fastest.

    >>> a, b = parse_vary("x=1,2"), parse_vary("y=a,b")
    >>> grid([a, b])
    [('1', 'a'), ('1', 'b'), ('2', 'a'), ('2', 'b')]
    """
    return list(itertools.product(*(a.values for a in axes)))
