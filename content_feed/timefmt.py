"""UTC in storage and JSON; the hall's time zone on screens."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app


@lru_cache(maxsize=32)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def hall_zone() -> ZoneInfo:
    return zone(current_app.config["SUNLIGHT"]["hall"]["timezone"])


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def local(value: datetime | None) -> datetime | None:
    return value.astimezone(hall_zone()) if value else None


def local_date(value: datetime | None) -> str | None:
    """YYYY-MM-DD in the hall's zone (发布日期)."""
    return local(value).date().isoformat() if value else None


def local_text(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return local(value).strftime(fmt) if value else ""


def local_to_utc(value: datetime) -> datetime:
    """A naive wall-clock time in the hall to UTC."""
    return value.replace(tzinfo=hall_zone()).astimezone(UTC)
