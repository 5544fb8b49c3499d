"""Halls (服务大厅) and their windows (窗口)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed.db import db
from content_feed.models._common import FeedContent, Timestamps


class Hall(FeedContent, Timestamps, db.Model):
    __tablename__ = "hall"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200), default="")
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # Empty: the configured hall time zone.
    timezone: Mapped[str] = mapped_column(String(64), default="")

    windows: Mapped[list[Window]] = relationship(
        back_populates="hall", order_by="Window.sort_order", cascade="all, delete-orphan"
    )


class Window(FeedContent, Timestamps, db.Model):
    __tablename__ = "hall_window"
    __table_args__ = (UniqueConstraint("hall_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    services: Mapped[str] = mapped_column(String(500), default="")
    sort_order: Mapped[int] = mapped_column(default=0)

    hall: Mapped[Hall] = relationship(back_populates="windows")

    @property
    def label(self) -> str:
        return f"{self.number}号窗口 {self.name}"
