"""The content versions: one sequence, and the value it had when each topic last moved."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from content_feed.db import UTCDateTime, db


class FeedState(db.Model):
    """One row: the sequence every content write takes its version from."""

    __tablename__ = "feed_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=1)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeedTopic(db.Model):
    """A topic (content_feed/topics.py) and the sequence value of its last change.

    Because every topic takes its version from one sequence, the newest version
    among the topics an answer reads says whether anything it reads moved.
    """

    __tablename__ = "feed_topic"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, index=True)
