"""Schedules: hours per duty that change by week, from a YAML file or an inline SPEC.

A schedule file maps a (1-based) week to that week's hours; each entry holds until the next,
and week 1 must be given::

    # weeks 1-4 build content, then events, then support for the paying users
    1: {copy: 20, events: 4, support: 10, ground: 6}
    5: {copy: 10, events: 16, support: 10, analysis: 4}
    9: {copy: 8, events: 8, support: 16, analysis: 8}

A list instead gives one entry per week from week 1 (the last holds to the end). Inline, the
same schedule is ``1:copy=20,events=4,...;5:copy=10,...;9:...``.
"""

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from opssim.safeio import DataFileError, display_path, read_yaml_data

#: Largest schedule file read, in bytes.
MAX_SCHEDULE_BYTES = 100_000

#: A schedule: ``(from_week, hours)`` entries in week order, the first at week 1.
RawSchedule = list[tuple[int, dict[str, float]]]


def parse_hours(text: str) -> dict[str, float]:
    """``DUTY=HOURS,...`` as a dict; a ValueError says what is wrong in one line."""
    hours: dict[str, float] = {}
    for item in text.split(","):
        duty, eq, value = item.partition("=")
        duty = duty.strip()
        if not eq or not duty:
            raise ValueError(f"expected DUTY=HOURS, got {item.strip()!r}")
        if duty in hours:
            raise ValueError(f"duty {duty!r} given twice")
        try:
            hours[duty] = float(value)
        except ValueError:
            raise ValueError(
                f"hours for {duty!r} must be a number, got {value.strip()!r}"
            ) from None
    return hours


class ScheduleError(ValueError):
    """A schedule that cannot be read."""


def load_schedule(path: str | Path) -> RawSchedule:
    """Read the schedule file at ``path`` (raises :class:`ScheduleError`)."""
    try:
        data = read_yaml_data(path, MAX_SCHEDULE_BYTES, "schedule")
    except DataFileError as exc:
        raise ScheduleError(str(exc)) from None
    try:
        return _entries(data)
    except ScheduleError as exc:
        raise ScheduleError(f"{display_path(path)}: {exc}") from None


def parse_inline_schedule(arg: str) -> RawSchedule:
    """Parse ``WEEK:DUTY=HOURS,...;WEEK:...`` (raises :class:`ScheduleError`)."""
    data: dict[int, dict[str, Any]] = {}
    for part in arg.split(";"):
        week_text, colon, body = part.partition(":")
        try:
            week = int(week_text)
        except ValueError:
            raise ScheduleError(f"expected WEEK:DUTY=HOURS,..., got {part.strip()!r}") from None
        if not colon or not body.strip():
            raise ScheduleError(f"week {week}: expected DUTY=HOURS,... after '{week}:'")
        if week in data:
            raise ScheduleError(f"week {week} given twice")
        try:
            hours = parse_hours(body)
        except ValueError as exc:
            raise ScheduleError(f"week {week}: {exc}") from None
        data[week] = hours
    return _entries(data)


def _entries(data: object) -> RawSchedule:
    if isinstance(data, list):
        data = {i + 1: entry for i, entry in enumerate(data)}
    if not isinstance(data, dict) or not data:
        raise ScheduleError("a schedule maps weeks (1, 5, ...) to hours per duty")
    out: RawSchedule = []
    for week, hours in data.items():
        if isinstance(week, bool) or not isinstance(week, int) or week < 1:
            raise ScheduleError(f"weeks are whole numbers from 1, got {week!r}")
        if not isinstance(hours, dict):
            raise ScheduleError(f"week {week}: expected a mapping of duty to hours")
        clean: dict[str, float] = {}
        for duty, value in hours.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ScheduleError(
                    f"week {week}: hours for {duty!r} must be a number, got {value!r}"
                )
            clean[str(duty)] = float(value)
        out.append((week, clean))
    out.sort(key=lambda entry: entry[0])
    if out[0][0] != 1:
        raise ScheduleError(f"the schedule must start at week 1 (it starts at week {out[0][0]})")
    return out


def format_schedule(phases: RawSchedule) -> str:
    """The inline SPEC argument for ``phases``: ``1:copy=10,events=8;5:copy=16``."""
    return ";".join(f"{week}:{format_hours(hours)}" for week, hours in phases)


def format_hours(hours: Mapping[str, float]) -> str:
    """``copy=10,events=8.5``: the non-zero hours as a ``fixed:`` argument."""
    parts = [f"{d}={_num(h)}" for d, h in hours.items() if h > 0]
    return ",".join(parts) or next((f"{d}=0" for d in hours), "")


def _num(x: float) -> str:
    return str(round(x)) if math.isclose(x, round(x), abs_tol=1e-9) else f"{x:g}"
