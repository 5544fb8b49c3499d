"""设备监控's rows: commands sent to screens, power schedules (关屏时段), alerts.

None of them is feed content: nothing here moves an ETag (a screen learns of a
command or of its power state in its heartbeat's reply)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from content_feed.db import UTCDateTime, db
from content_feed.models._common import Timestamps


class TerminalCommand(db.Model):
    """One command to one screen: reload, fetch, identify, screenshot, off, on."""

    __tablename__ = "terminal_command"

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(
        ForeignKey("terminal.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class PowerSchedule(Timestamps, db.Model):
    """关屏时段: when a terminal (or every terminal of a group) is meant to be dark."""

    __tablename__ = "power_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    terminal_id: Mapped[int | None] = mapped_column(
        ForeignKey("terminal.id", ondelete="CASCADE"), index=True
    )
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("terminal_group.id", ondelete="CASCADE"), index=True
    )
    # The days in display.daypart's stored form (每天, 工作日 … in the console).
    day_of_week: Mapped[str] = mapped_column(String(40), default="*")
    start_time: Mapped[str] = mapped_column(String(5), default="20:00")
    end_time: Mapped[str] = mapped_column(String(5), default="08:00")
    active: Mapped[bool] = mapped_column(default=True)


class MonitorAlert(db.Model):
    """One outage: a terminal, or a whole hall, silent while it should be on."""

    __tablename__ = "monitor_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("hall.id"), index=True)
    whole_hall: Mapped[bool] = mapped_column(default=False)
    terminal_ids: Mapped[list] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(String(300))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Where the notices went (webhooks, e-mail), and what failed, for the console.
    delivery: Mapped[str] = mapped_column(String(300), default="")


class TerminalScreenshot(db.Model):
    """The newest picture a wall took of itself (截图): one per terminal, replaced by
    the next. Only the console shows it (never a public surface)."""

    __tablename__ = "terminal_screenshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(
        ForeignKey("terminal.id", ondelete="CASCADE"), unique=True
    )
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    png: Mapped[bytes] = mapped_column(LargeBinary)
