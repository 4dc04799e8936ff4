"""The plant's calendar: its shifts and the planned stops of its units.

``[[calendar.shifts]]`` names the shifts of a day and when each starts (default: the three
8-hour shifts A 06:00, B 14:00, C 22:00 of a continuous plate mill). ``[[calendar.stops]]``
lists planned stops: which units stop, why (``maintenance`` or ``off_shift``, an unmanned
shift), at the start of which shift, for how many hours, on which day of the run and how
often it repeats. Each stop is a *planned* stop in ``equipment.csv`` (column ``stop_type``);
breakdowns are the unplanned ones.

Assumption (not a published figure): the baseline's weekly 8-hour maintenance shift on the
plate mill line, a common practice of continuous plate mills; see README "Availability".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import Field, model_validator

from mill.scenario.equipment import UNIT_NAMES
from mill.scenario.fields import Section, within

PlannedTime = tuple[float, float, str, str]
"""A planned stop in the run: start minute, minutes, unit, reason."""

CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
"""A time of day, ``HH:MM`` (24 h)."""


class Shift(Section):
    """One shift of the day: its name and the time it starts (it runs to the next one)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,20}$")
    start: str = Field(pattern=CLOCK, description="HH:MM")

    def minute_of_day(self) -> int:
        hours, minutes = self.start.split(":")
        return int(hours) * 60 + int(minutes)


class PlannedStop(Section):
    """Units stopped together for ``hours`` from the start of ``shift`` on day ``first_day``
    of the run (day 0 is the run's start date), then every ``every_days`` (0: once)."""

    units: list[str] = Field(min_length=1)
    reason: Literal["maintenance", "off_shift"] = "maintenance"
    shift: str
    hours: Annotated[float, within(0.05, 720)]
    first_day: Annotated[int, within(0, 3650)] = 0
    every_days: Annotated[int, within(0, 365)] = 7

    @model_validator(mode="after")
    def _known_units(self) -> PlannedStop:
        for unit in self.units:
            if unit not in UNIT_NAMES:
                raise ValueError(f"unit {unit!r} is not a unit of the plant")
        return self


def shift_at(shifts: Sequence[Shift], when: datetime) -> tuple[date, str]:
    """The shift working at ``when`` and the date it started: the day's last shift that has
    started by then or, before the day's first shift, the previous day's last shift (a night
    shift after midnight belongs to the day it started)."""
    ordered = sorted(shifts, key=Shift.minute_of_day)
    minute = when.hour * 60 + when.minute + when.second / 60.0
    started = [s for s in ordered if s.minute_of_day() <= minute]
    if not started:
        return when.date() - timedelta(days=1), ordered[-1].name
    return when.date(), started[-1].name


def default_shifts() -> list[Shift]:
    return [Shift(name="A", start="06:00"), Shift(name="B", start="14:00"),
            Shift(name="C", start="22:00")]  # fmt: skip


class Calendar(Section):
    """Shifts and planned stops (see the module docstring)."""

    shifts: list[Shift] = Field(default_factory=default_shifts, min_length=1)
    stops: list[PlannedStop] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shifts_named_once(self) -> Calendar:
        names = [s.name for s in self.shifts]
        if len(set(names)) != len(names):
            raise ValueError("shifts: two shifts with the same name")
        starts = [s.start for s in self.shifts]
        if len(set(starts)) != len(starts):
            raise ValueError("shifts: two shifts start at the same time")
        for i, stop in enumerate(self.stops):
            if stop.shift not in names:
                raise ValueError(f"stops.{i}.shift: no shift named {stop.shift!r}")
        return self

    def stop_times(
        self, start: datetime, horizon_min: float
    ) -> list[tuple[float, float, str, str]]:
        """Every planned stop inside the run: (start minute, minutes, unit, reason), in time
        order (then by unit, for a reproducible order of simultaneous stops)."""
        begin = {s.name: s.minute_of_day() for s in self.shifts}
        day0 = datetime(start.year, start.month, start.day)
        out: list[PlannedTime] = []
        for stop in self.stops:
            day = stop.first_day
            while True:
                at = day0 + timedelta(days=day, minutes=begin[stop.shift])
                t = (at - start).total_seconds() / 60.0
                if t >= horizon_min:
                    break
                if t + stop.hours * 60.0 > 0.0:
                    lo = max(t, 0.0)
                    out += [(lo, t + stop.hours * 60.0 - lo, u, stop.reason) for u in stop.units]
                if stop.every_days == 0:
                    break
                day += stop.every_days
        return sorted(out, key=lambda s: (s[0], s[2]))
