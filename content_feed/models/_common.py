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
    """A model whose rows feed terminal answers.

    Each such model defines ``feed_topics(row)``: the topics (topics.py) a row
    in that state is shown under. It is asked of the row as it is and as it was
    (``versioning.Before``), so a row leaving a hall moves the old hall too.
    ``__console_only__`` names the attributes no public answer reads: changing
    only those moves nothing. tests/test_dependencies.py changes every column
    of every model and checks both.
    """

    __console_only__: frozenset[str] = frozenset({"created_at", "updated_at"})

    @staticmethod
    def feed_topics(row) -> set[str]:
        raise NotImplementedError


def known(value):
    """None for a value the flush could not tell (versioning.Unknown): every hall."""
    from content_feed.versioning import Unknown

    return None if value is Unknown else value


def one_of(value, *options) -> bool:
    """Whether ``value`` is one of ``options``; an unknown old value might be."""
    from content_feed.versioning import Unknown

    return value is Unknown or value in options


__all__ = [
    "Timestamps",
    "FeedContent",
    "known",
    "one_of",
    "utcnow",
    "UTCDateTime",
    "DateTime",
    "func",
]
