"""Halls (服务大厅) and their windows (窗口)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed import topics
from content_feed.db import db
from content_feed.models._common import FeedContent, Timestamps, known


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

    @staticmethod
    def feed_topics(row) -> set[str]:
        """A hall's name, phone and zone show on its own terminals and in /halls,
        and its name beside items and guides it shares with other halls, so a
        change (rare) moves every hall's content."""
        moved = {topics.content(known(row.id)), topics.content(None)}
        if known(row.id) is not None:
            moved.add(topics.hall(row.id))
        return moved


class Window(FeedContent, Timestamps, db.Model):
    __tablename__ = "hall_window"
    __table_args__ = (UniqueConstraint("hall_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True, active_history=True)
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    services: Mapped[str] = mapped_column(String(500), default="")
    sort_order: Mapped[int] = mapped_column(default=0)

    hall: Mapped[Hall] = relationship(back_populates="windows")

    @staticmethod
    def feed_topics(row) -> set[str]:
        # A guide for every hall may name this window: every hall's content.
        hall_id = known(row.hall_id)
        if hall_id is None and row.hall is not None:
            hall_id = row.hall.id
        return {topics.content(hall_id), topics.content(None)}

    @property
    def label(self) -> str:
        return f"{self.number}号窗口 {self.name}"
