"""Terminals (终端), their groups, playlists, rotation schedules and proof of play."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed import topics
from content_feed.db import UTCDateTime, db
from content_feed.models._common import FeedContent, Timestamps, known, utcnow

terminal_group_member = Table(
    "terminal_group_member",
    db.Model.metadata,
    Column("terminal_id", ForeignKey("terminal.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("terminal_group.id", ondelete="CASCADE"), primary_key=True),
)


class TerminalGroup(FeedContent, Timestamps, db.Model):
    __tablename__ = "terminal_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("hall.id"))

    @staticmethod
    def feed_topics(row) -> set[str]:
        """Schedules and urgent notices aimed at the group."""
        return {topics.group(row.id)} if row.id is not None else set()


class Terminal(FeedContent, Timestamps, db.Model):
    """A registered kiosk, wall screen or LED strip.

    Its settings shape its own answers and the in-memory table of terminals;
    what it reports of itself (last seen, page, version) moves nothing, so a
    heartbeat never invalidates a cached answer.
    """

    __tablename__ = "terminal"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))  # kiosk / wall / led
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    # sha256 of the terminal's token; the token itself is shown once.
    token_hash: Mapped[str] = mapped_column(String(64), default="")
    width: Mapped[int] = mapped_column(default=1920)
    height: Mapped[int] = mapped_column(default=1080)
    color_mode: Mapped[str] = mapped_column(String(10), default="mono")  # LED only
    led_color: Mapped[str] = mapped_column(String(10), default="red")
    font_size: Mapped[int] = mapped_column(default=16)
    scroll_speed: Mapped[int] = mapped_column(default=32)  # pixels per second
    active: Mapped[bool] = mapped_column(default=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_page: Mapped[str] = mapped_column(String(300), default="")
    last_version: Mapped[str] = mapped_column(String(60), default="")
    last_program: Mapped[str] = mapped_column(String(200), default="")
    last_address: Mapped[str] = mapped_column(String(60), default="")

    hall = relationship("Hall")
    groups = relationship("TerminalGroup", secondary=terminal_group_member)

    __console_only__ = frozenset(
        {
            "created_at",
            "updated_at",
            "last_seen_at",
            "last_page",
            "last_version",
            "last_program",
            "last_address",
        }
    )

    @staticmethod
    def feed_topics(row) -> set[str]:
        moved = {topics.TERMINALS}
        if row.id is not None:
            moved.add(topics.terminal(row.id))
        return moved


class Playlist(FeedContent, Timestamps, db.Model):
    """节目单: entries a screen cycles through."""

    __tablename__ = "playlist"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("hall.id"))

    entries: Mapped[list[PlaylistEntry]] = relationship(
        order_by="PlaylistEntry.sort_order", cascade="all, delete-orphan"
    )

    @staticmethod
    def feed_topics(row) -> set[str]:
        return {topics.playlist(row.id)} if row.id is not None else set()


class PlaylistEntry(FeedContent, db.Model):
    """One entry: a fixed piece of content, or a rule that fills itself from the feed.

    ``kind``: item_headline, item_page, guide, slogan, meeting, qr_card, image,
    or rule; ``params`` holds the references or the rule (category, limit …).
    """

    __tablename__ = "playlist_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    playlist_id: Mapped[int] = mapped_column(
        ForeignKey("playlist.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    duration_seconds: Mapped[int] = mapped_column(default=10)
    sort_order: Mapped[int] = mapped_column(default=0)
    # 先审核、后公开 for the operator's own words (display.playlist.NEEDS_APPROVAL):
    # shown once an approver other than the writer has published the entry.
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    __console_only__ = frozenset()

    @staticmethod
    def feed_topics(row) -> set[str]:
        # A new entry appended to a playlist moves the playlist itself.
        playlist_id = known(row.playlist_id)
        return {topics.playlist(playlist_id)} if playlist_id is not None else set()


class RotationSchedule(FeedContent, Timestamps, db.Model):
    """轮播计划: which playlist plays on a terminal or group, and when."""

    __tablename__ = "rotation_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    playlist_id: Mapped[int] = mapped_column(ForeignKey("playlist.id"))
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminal.id"), active_history=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("terminal_group.id"), active_history=True
    )
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    # Cron-like daypart: APScheduler CronTrigger fields (day_of_week, hour, minute).
    day_of_week: Mapped[str] = mapped_column(String(40), default="*")
    start_time: Mapped[str] = mapped_column(String(5), default="00:00")
    end_time: Mapped[str] = mapped_column(String(5), default="24:00")
    priority: Mapped[int] = mapped_column(default=0)
    is_default: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    playlist = relationship("Playlist")

    @staticmethod
    def feed_topics(row) -> set[str]:
        """A schedule moves the screens it targets: one terminal or a group."""
        moved = set()
        if row.terminal_id is not None:
            moved.add(topics.terminal(row.terminal_id))
        if row.group_id is not None:
            moved.add(topics.group(row.group_id))
        return moved


class PlayRecord(db.Model):
    """Proof of play: what a screen showed, when and for how long."""

    __tablename__ = "play_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(ForeignKey("terminal.id"), index=True)
    entry_key: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_seconds: Mapped[float] = mapped_column(default=0)
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    batch_key: Mapped[str] = mapped_column(String(80), default="", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
