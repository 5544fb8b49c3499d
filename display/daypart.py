"""Dayparts (时段): when a rotation schedule is in force, in the hall's time zone.

A daypart is a date range, a set of weekdays written as an APScheduler
``CronTrigger`` ``day_of_week`` expression (``mon-fri``, ``sat,sun``, ``*``;
APScheduler counts ``0`` as Monday), and a time of day from ``start`` to
``end`` (``HH:MM``; ``24:00`` is the end of the day). An ``end`` at or before
``start`` crosses midnight: the part belongs to the weekday and date it starts on.
Everything here is pure: no clock, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

DAY_MINUTES = 24 * 60
# A Monday, to read which weekdays a cron expression names.
_A_MONDAY = datetime(2024, 1, 1, tzinfo=UTC)

WEEKDAY_NAMES = ["一", "二", "三", "四", "五", "六", "日"]


@lru_cache(maxsize=256)
def weekdays(expr: str) -> frozenset[int]:
    """The weekdays (0 = Monday) named by a ``day_of_week`` expression; ValueError if bad."""
    trigger = CronTrigger(day_of_week=(expr or "*").strip(), timezone=UTC)
    found = set()
    previous = None
    moment = _A_MONDAY - timedelta(seconds=1)
    while True:
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None or fire >= _A_MONDAY + timedelta(days=7):
            break
        found.add(fire.weekday())
        previous, moment = fire, fire + timedelta(seconds=1)
    if not found:
        raise ValueError(f"day_of_week {expr!r} names no weekday")
    return frozenset(found)


def minutes(text: str) -> int:
    """``HH:MM`` to minutes after midnight; ``24:00`` is allowed as the end of the day."""
    try:
        hours, mins = (int(part) for part in text.strip().split(":"))
    except (AttributeError, ValueError):
        raise ValueError(f"time {text!r} is not HH:MM") from None
    if not (0 <= hours <= 24 and 0 <= mins < 60) or (hours == 24 and mins):
        raise ValueError(f"time {text!r} is out of range")
    return hours * 60 + mins


def describe_weekdays(expr: str) -> str:
    """``mon-fri`` → 周一至周五 style text for the console."""
    days = sorted(weekdays(expr))
    if len(days) == 7:
        return "每天"
    return "周" + "、".join(WEEKDAY_NAMES[d] for d in days)


@dataclass(frozen=True)
class Daypart:
    day_of_week: str = "*"
    start: str = "00:00"
    end: str = "24:00"
    date_from: date | None = None
    date_to: date | None = None

    def validate(self) -> None:
        weekdays(self.day_of_week)
        minutes(self.start)
        minutes(self.end)
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to is before date_from")

    def _span(self) -> tuple[int, int]:
        start, end = minutes(self.start), minutes(self.end)
        if end <= start:
            end += DAY_MINUTES
        return start, end

    def _on(self, day: date) -> bool:
        if self.date_from and day < self.date_from:
            return False
        if self.date_to and day > self.date_to:
            return False
        return day.weekday() in weekdays(self.day_of_week)

    def occurrences(
        self, start: datetime, end: datetime, tz: ZoneInfo
    ) -> list[tuple[datetime, datetime]]:
        """UTC intervals ``[from, to)`` of this daypart that overlap ``[start, end)``.

        Intervals that touch are merged, so "every day, all day" has no edge at midnight.
        """
        first = start.astimezone(tz).date() - timedelta(days=1)
        last = end.astimezone(tz).date()
        span_start, span_end = self._span()
        found: list[tuple[datetime, datetime]] = []
        day = first
        while day <= last:
            if self._on(day):
                midnight = datetime.combine(day, time(0))
                s = (midnight + timedelta(minutes=span_start)).replace(tzinfo=tz)
                e = (midnight + timedelta(minutes=span_end)).replace(tzinfo=tz)
                s, e = s.astimezone(UTC), e.astimezone(UTC)
                if s < end and e > start:
                    if found and found[-1][1] >= s:
                        found[-1] = (found[-1][0], max(found[-1][1], e))
                    else:
                        found.append((s, e))
            day += timedelta(days=1)
        return found
