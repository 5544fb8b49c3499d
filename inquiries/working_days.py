"""Working days on the Chinese calendar: public holidays and make-up workdays (调休).

The maintained ``chinesecalendar`` package knows the State Council's
arrangements up to the year it was released; configuration adds holidays
and make-up workdays for years it does not know yet. Outside both, Monday to
Friday are working days.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from flask import current_app, has_app_context


@lru_cache(maxsize=8)
def _overrides(holidays: tuple[str, ...], workdays: tuple[str, ...]):
    return ({date.fromisoformat(d) for d in holidays}, {date.fromisoformat(d) for d in workdays})


def _configured() -> tuple[set[date], set[date]]:
    if not has_app_context():
        return set(), set()
    cal = current_app.config["SUNLIGHT"]["calendar"]
    return _overrides(tuple(cal["extra_holidays"]), tuple(cal["extra_workdays"]))


def is_working_day(day: date) -> bool:
    holidays, workdays = _configured()
    if day in workdays:
        return True
    if day in holidays:
        return False
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package does not know yet
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``.

    A request received on a non-working day starts counting from the next
    working day; 0 days means the same day if it is a working day.
    """
    day = start
    if days == 0:
        while not is_working_day(day):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
