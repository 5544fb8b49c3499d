"""Dayparts (时段): when a rotation schedule is in force, in the hall's time zone.

A daypart is a date range, a set of days and a time of day from ``start`` to
``end`` (``HH:MM``; ``24:00`` is the end of the day). An ``end`` at or before
``start`` crosses midnight: the part belongs to the weekday and date it starts on.

The days are stored as one short word: ``workday`` / ``restday`` (the Chinese
calendar: statutory holidays off, make-up workdays 调休 on), or weekdays in the
form schedules have always been stored in, an APScheduler ``day_of_week``
expression (``*``, ``mon-fri``, ``sat,sun``; ``0`` is Monday). People never
read or type that form: the console offers 每天 / 工作日 / 周末 / chosen
weekdays and shows them in words (:func:`describe_weekdays`).
No clock, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from inquiries.working_days import is_working_day

DAY_MINUTES = 24 * 60
# A Monday, to read which weekdays a cron expression names.
_A_MONDAY = datetime(2024, 1, 1, tzinfo=UTC)

WEEKDAY_NAMES = ["一", "二", "三", "四", "五", "六", "日"]
WEEKDAY_CODES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# The Chinese calendar's days (inquiries/working_days.py: chinesecalendar plus configuration).
WORKDAY, RESTDAY = "workday", "restday"
CALENDAR_DAYS = {
    WORKDAY: "工作日（按法定节假日和调休安排）",
    RESTDAY: "休息日（周末和法定节假日，调休上班日除外）",
}
# What the console offers, and the stored word of each (chosen weekdays: see chosen_days).
DAY_CHOICES = {
    "every": ("每天", "*"),
    WORKDAY: (CALENDAR_DAYS[WORKDAY], WORKDAY),
    RESTDAY: (CALENDAR_DAYS[RESTDAY], RESTDAY),
    "weekdays": ("周一至周五（不看节假日）", "mon-fri"),
    "weekend": ("周六和周日（不看节假日）", "sat,sun"),
    "chosen": ("自选星期", ""),
}


def chosen_days(days: list[int]) -> str:
    """Chosen weekdays (0 = Monday) in the stored form."""
    return ",".join(WEEKDAY_CODES[d] for d in sorted(set(days)))


def day_choice(expr: str) -> tuple[str, list[int]]:
    """The console's choice for a stored value, and its weekdays when chosen."""
    expr = (expr or "*").strip()
    if expr in CALENDAR_DAYS:
        return expr, []
    days = sorted(weekdays(expr))
    for choice, (_label, stored) in DAY_CHOICES.items():
        if stored and stored not in CALENDAR_DAYS and sorted(weekdays(stored)) == days:
            return choice, days
    return "chosen", days


@lru_cache(maxsize=256)
def weekdays(expr: str) -> frozenset[int]:
    """The weekdays (0 = Monday) named by a ``day_of_week`` expression; ValueError if bad."""
    if (expr or "").strip() in CALENDAR_DAYS:
        return frozenset(range(7))  # which of them depends on the calendar: see Daypart._on
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
        raise ValueError("没有选中任何一天")
    return frozenset(found)


def minutes(text: str) -> int:
    """``HH:MM`` to minutes after midnight; ``24:00`` is allowed as the end of the day."""
    try:
        hours, mins = (int(part) for part in text.strip().split(":"))
    except (AttributeError, ValueError):
        raise ValueError(f"“{text}”不是时间，应写作 时:分，如 08:30") from None
    if not (0 <= hours <= 24 and 0 <= mins < 60) or (hours == 24 and mins):
        raise ValueError(f"“{text}”不是一天中的时间（00:00 至 24:00）")
    return hours * 60 + mins


def describe_weekdays(expr: str) -> str:
    """The stored days in words for the console: 每天, 工作日（…）, 周一、周三 …"""
    expr = (expr or "*").strip()
    if expr in CALENDAR_DAYS:
        return CALENDAR_DAYS[expr]
    days = sorted(weekdays(expr))
    if len(days) == 7:
        return "每天"
    if days == [0, 1, 2, 3, 4]:
        return "周一至周五"
    if days == [5, 6]:
        return "周六和周日"
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
            raise ValueError("结束日期早于开始日期")

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
        if self.day_of_week in CALENDAR_DAYS:
            return is_working_day(day) == (self.day_of_week == WORKDAY)
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
