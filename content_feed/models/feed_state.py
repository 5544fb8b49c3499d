"""The content version: one row, bumped in the same transaction as any content change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from content_feed.db import UTCDateTime, db


class FeedState(db.Model):
    __tablename__ = "feed_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=1)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
