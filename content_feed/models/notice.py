"""Meeting notices, slogans and urgent notices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed import topics
from content_feed.db import UTCDateTime, db
from content_feed.models._common import FeedContent, Timestamps, known, one_of
from content_feed.vocabulary import PUBLIC_SCOPE


class MeetingNotice(FeedContent, Timestamps, db.Model):
    """会议公告 for Party-member observers (党员旁听)."""

    __tablename__ = "meeting_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    meeting_at: Mapped[datetime] = mapped_column(UTCDateTime)
    meeting_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200))
    topics: Mapped[str] = mapped_column(Text)
    observer_quota: Mapped[int] = mapped_column(default=0)
    eligibility: Mapped[str] = mapped_column(Text, default="")
    how_to_register: Mapped[str] = mapped_column(Text, default="")
    register_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scope: Mapped[str] = mapped_column(String(20), default="public", active_history=True)
    hall_id: Mapped[int | None] = mapped_column(
        ForeignKey("hall.id"), index=True, active_history=True
    )
    # Set when approved for publication; shown from then until the meeting ends.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, active_history=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    hall = relationship("Hall")

    @staticmethod
    def feed_topics(row) -> set[str]:
        """A public notice moves its hall's content once it is published."""
        if not one_of(row.scope, PUBLIC_SCOPE) or row.published_at is None:
            return set()
        return {topics.content(known(row.hall_id))}


class Slogan(FeedContent, Timestamps, db.Model):
    """宣传标语: short text for LED strips and the wall ticker."""

    __tablename__ = "slogan"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    hall_id: Mapped[int | None] = mapped_column(
        ForeignKey("hall.id"), index=True, active_history=True
    )
    active: Mapped[bool] = mapped_column(default=True, active_history=True)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sort_order: Mapped[int] = mapped_column(default=0)
    # 先审核、后公开: shown only once an approver has published it; an edit of
    # the text needs publishing again.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    @staticmethod
    def feed_topics(row) -> set[str]:
        if not one_of(row.active, True):
            return set()
        return {topics.content(known(row.hall_id))}


class UrgentNotice(FeedContent, Timestamps, db.Model):
    """紧急通知: takes over every targeted screen from start to end."""

    __tablename__ = "urgent_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Empty: every hall.
    hall_id: Mapped[int | None] = mapped_column(
        ForeignKey("hall.id"), index=True, active_history=True
    )
    on_kiosk: Mapped[bool] = mapped_column(default=True)
    on_wall: Mapped[bool] = mapped_column(default=True)
    on_led: Mapped[bool] = mapped_column(default=True)
    # Empty: every terminal group.
    group_id: Mapped[int | None] = mapped_column(ForeignKey("terminal_group.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The colour of an official warning's takeover (alerts/): red, orange, yellow,
    # blue; empty for a notice typed in the console (shown red).
    level: Mapped[str] = mapped_column(String(10), default="", server_default="")

    hall = relationship("Hall")
    group = relationship("TerminalGroup")

    __console_only__ = frozenset({"created_at", "updated_at", "created_by_id"})

    @staticmethod
    def feed_topics(row) -> set[str]:
        """Every notice is for screens: there is no draft of an urgent notice."""
        if row.starts_at is None:
            return set()
        return {topics.urgent(known(row.hall_id))}


class UrgentNoticeAck(db.Model):
    """A screen's confirmation that it is showing an urgent notice."""

    __tablename__ = "urgent_notice_ack"
    __table_args__ = (UniqueConstraint("notice_id", "terminal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("urgent_notice.id"), index=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminal.id"), index=True)
    first_shown_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
