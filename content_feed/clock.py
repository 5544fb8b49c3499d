"""The clock every rule reads. Tests install a fixed one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from content_feed.services import services


class Clock(Protocol):
    """What every part of the app asks the time of (tests stand it still)."""

    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, **delta) -> None:
        self.at = self.at + timedelta(**delta)


def now() -> datetime:
    return services().clock.now()
