"""Column helpers shared by the model modules."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, func
from sqlalchemy.orm import Mapped, mapped_column

from content_feed.db import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class FeedContent:
    """Marks a model whose changes move the feed version (see versioning.py)."""

    __feed_content__ = True

    def feed_relevant(self) -> bool:
        return True


__all__ = ["Timestamps", "FeedContent", "utcnow", "UTCDateTime", "DateTime", "func"]
