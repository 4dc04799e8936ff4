"""Heat-treatment batches and inspection shifts follow the calendar's shifts (``[calendar]``),
not a fixed A/B/C pattern: one definition of a shift for the plant and the analysis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from plant_support import run_hand

from mill.analysis import inspection_shifts, load_run
from mill.scenario.calendar import Shift, default_shifts, shift_at

TWO_SHIFTS = 'calendar.shifts=[{name = "D", start = "07:00"}, {name = "N", start = "19:00"}]'


def test_shift_at_the_default_three_shifts() -> None:
    """A 06–14, B 14–22, C 22–06; a C shift after midnight belongs to the day it started."""
    day = dt.date(2026, 3, 2)
    at = dt.datetime.combine
    assert shift_at(default_shifts(), at(day, dt.time(6, 0))) == (day, "A")
    assert shift_at(default_shifts(), at(day, dt.time(13, 59))) == (day, "A")
    assert shift_at(default_shifts(), at(day, dt.time(14, 0))) == (day, "B")
    assert shift_at(default_shifts(), at(day, dt.time(23, 30))) == (day, "C")
    yesterday = day - dt.timedelta(days=1)
    assert shift_at(default_shifts(), at(day, dt.time(5, 59, 59))) == (yesterday, "C")


def test_shift_at_any_calendar_whatever_the_order_given() -> None:
    """Two 12-hour shifts listed night first: 07:00–19:00 is D, the rest N of the day it began."""
    shifts = [Shift(name="N", start="19:00"), Shift(name="D", start="07:00")]
    day = dt.date(2026, 3, 2)
    assert shift_at(shifts, dt.datetime.combine(day, dt.time(12, 0))) == (day, "D")
    assert shift_at(shifts, dt.datetime.combine(day, dt.time(20, 0))) == (day, "N")
    assert shift_at(shifts, dt.datetime.combine(day, dt.time(3, 0))) == (
        day - dt.timedelta(days=1),
        "N",
    )


def test_batches_and_inspection_shifts_use_the_calendar(tmp_path: Path) -> None:
    """With two 12-hour shifts, each plate's ht_batch_id is the shift its mother plate entered
    the tempering furnace in, and the analysis's inspection shift is the one of its UT visit,
    both named D or N."""
    run = run_hand(tmp_path / "run", [TWO_SHIFTS])
    plates = run.table("plates")
    events = run.table("events")
    temper = events[events["unit"] == "tempering_furnace"].set_index("entity_id")["start_min"]
    shifts = run.scenario.calendar.shifts
    for _, plate in plates.iterrows():
        when = run.scenario.run.start + dt.timedelta(minutes=float(temper[plate["mother_id"]]))
        day, name = shift_at(shifts, when)
        assert plate["ht_batch_id"] == f"HT{day:%Y%m%d}{name}"
    assert {b[-1] for b in plates["ht_batch_id"]} <= {"D", "N"}
    found = inspection_shifts(load_run(run.path))
    assert set(found["shift"].dropna()) <= {"D", "N"}
    assert list(found["shift"].cat.categories) == ["D", "N"]
    ids = found["shift_id"].dropna()
    assert len(ids) > 0 and ids.str.match(r"^\d{4}-\d{2}-\d{2} [DN]$").all()
