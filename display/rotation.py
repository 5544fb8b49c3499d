"""What plays on terminal T at time t: ONE pure function, no database, no clock.

The loader (program.py) turns rows into the plain data below; tests build the
data by hand with fixed times. Order of precedence:

1. an urgent notice targeted at the screen (hall, surface, group) takes over,
   newest first, until it ends; then the schedule resumes by itself;
2. a rotation schedule in force for the terminal or one of its groups, the
   highest priority first; on a tie the terminal's own schedule beats a
   group's, then the newest (highest id) wins;
3. a default schedule in force (its daypart and dates still apply), by the same order;
4. nothing: the player shows the hall's idle page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from display.daypart import Daypart

# How far ahead (and back) edges are looked for.
HORIZON = timedelta(days=8)


@dataclass(frozen=True)
class Screen:
    terminal_id: int
    kind: str  # wall / led
    hall_id: int | None = None
    group_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ScheduleRule:
    id: int
    playlist_id: int
    daypart: Daypart = field(default_factory=Daypart)
    priority: int = 0
    is_default: bool = False
    terminal_id: int | None = None
    group_id: int | None = None
    name: str = ""

    def targets(self, screen: Screen) -> bool:
        if self.terminal_id is not None:
            return self.terminal_id == screen.terminal_id
        return self.group_id is not None and self.group_id in screen.group_ids

    def rank(self) -> tuple:
        return (not self.is_default, self.priority, self.terminal_id is not None, self.id)


@dataclass(frozen=True)
class UrgentRule:
    id: int
    starts_at: datetime
    ends_at: datetime  # already cut short by a cancellation
    hall_id: int | None = None
    group_id: int | None = None
    surfaces: frozenset[str] = frozenset({"kiosk", "wall", "led"})

    def targets(self, screen: Screen) -> bool:
        return (
            screen.kind in self.surfaces
            and (self.hall_id is None or self.hall_id == screen.hall_id)
            and (self.group_id is None or self.group_id in screen.group_ids)
        )


@dataclass(frozen=True)
class Decision:
    mode: str  # urgent / scheduled / default / idle
    playlist_id: int | None = None
    schedule_id: int | None = None
    urgent_ids: tuple[int, ...] = ()
    since: datetime | None = None  # the last edge at or before t, if known
    until: datetime | None = None  # the next edge after t: the decision may change there

    @property
    def slot(self) -> str:
        """A short name of the decision, for ETags and logs."""
        if self.mode == "urgent":
            return "u" + ".".join(map(str, self.urgent_ids))
        if self.schedule_id is None:
            return "idle"
        return f"s{self.schedule_id}"


def what_plays(
    screen: Screen,
    schedules: Iterable[ScheduleRule],
    urgent: Iterable[UrgentRule],
    at: datetime,
    tz: ZoneInfo,
) -> Decision:
    """The decision for ``screen`` at the aware time ``at``, dayparts read in ``tz``."""
    mine = [s for s in schedules if s.targets(screen)]
    notices = [u for u in urgent if u.targets(screen)]
    window = (at - HORIZON, at + HORIZON)
    in_force: list[ScheduleRule] = []
    edges: list[datetime] = []
    for rule in mine:
        for start, end in rule.daypart.occurrences(*window, tz):
            edges += [start, end]
            if start <= at < end:
                in_force.append(rule)
    for notice in notices:
        edges += [notice.starts_at, notice.ends_at]
    since = max((e for e in edges if e <= at and e >= window[0]), default=None)
    until = min((e for e in edges if at < e < window[1]), default=None)

    showing = sorted(
        (n for n in notices if n.starts_at <= at < n.ends_at),
        key=lambda n: (n.starts_at, n.id),
        reverse=True,
    )
    if showing:
        return Decision("urgent", urgent_ids=tuple(n.id for n in showing), since=since, until=until)
    if not in_force:
        return Decision("idle", since=since, until=until)
    best = max(in_force, key=ScheduleRule.rank)
    return Decision(
        "default" if best.is_default else "scheduled",
        playlist_id=best.playlist_id,
        schedule_id=best.id,
        since=since,
        until=until,
    )


def day_timeline(
    screen: Screen,
    schedules: Sequence[ScheduleRule],
    urgent: Sequence[UrgentRule],
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
) -> list[tuple[datetime, datetime, Decision]]:
    """The decisions from ``start`` to ``end`` as consecutive segments (for the console)."""
    segments: list[tuple[datetime, datetime, Decision]] = []
    moment = start
    while moment < end:
        decision = what_plays(screen, schedules, urgent, moment, tz)
        stop = min(decision.until or end, end)
        if segments and segments[-1][2].slot == decision.slot:
            segments[-1] = (segments[-1][0], stop, decision)
        else:
            segments.append((moment, stop, decision))
        moment = stop
    return segments


def next_edge(schedules: Iterable[ScheduleRule], at: datetime, tz: ZoneInfo) -> datetime | None:
    """The next daypart edge of any schedule after ``at`` (for the feed's boundary)."""
    found = [
        edge
        for rule in schedules
        for interval in rule.daypart.occurrences(at, at + HORIZON, tz)
        for edge in interval
        if at < edge < at + HORIZON
    ]
    return min(found, default=None)
