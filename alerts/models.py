"""Official warnings (预警信息): the feeds they come from, each alert received, the
documents refused, what each alert put on screens, and the operator's policy.

No terminal reads these tables: an alert reaches screens as the urgent notice or
slogan it made (``AlertOutput``), so walls, LED strips and kiosks need nothing new."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed.db import UTCDateTime, db
from content_feed.models._common import Timestamps

# GB/T 35965.1 levels, most severe first: (code, colour word, level numeral).
LEVELS = (
    ("red", "红色", "I"),
    ("orange", "橙色", "II"),
    ("yellow", "黄色", "III"),
    ("blue", "蓝色", "IV"),
)
LEVEL_NAMES = {code: f"{word}（{numeral}级）" for code, word, numeral in LEVELS}
# What an alert of a level does on screens.
ACTIONS = {"takeover": "整屏接管（紧急通知）", "ticker": "滚动字幕条", "none": "不上屏（仅记录）"}
DEFAULT_ACTIONS = {"red": "takeover", "orange": "takeover", "yellow": "ticker", "blue": "ticker"}

# An alert's state in the console.
STATES = {
    "active": "正在显示",
    "held": "未上屏",
    "updated": "已被更新",
    "cancelled": "已撤销",
    "expired": "已过期",
    "ended": "已人工结束",
    "notice": "更新/撤销消息",
}
LIVE = "active"


class AlertFeed(Timestamps, db.Model):
    """Where alerts come from: a URL polled (a CAP document or an ATOM/RSS feed of
    them), or pushes authenticated by this feed's token, or both."""

    __tablename__ = "alert_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500), default="")
    interval_minutes: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    # sha256 of the push token (shown once); empty: no push accepted.
    push_token_hash: Mapped[str] = mapped_column(String(64), default="")
    # Minutes without any document (a System heartbeat counts) before the console
    # says the feed is silent; 0: not watched.
    silence_minutes: Mapped[int] = mapped_column(default=30)
    # Conditional requests: what the feed's server said last time.
    etag: Mapped[str] = mapped_column(String(300), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    poll_error: Mapped[str] = mapped_column(Text, default="")
    last_heard_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    silent_since: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Alert(db.Model):
    """One CAP message received, kept whole; unique by (sender, identifier, sent)."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("sender", "identifier", "sent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("alert_feed.id"), index=True)
    via: Mapped[str] = mapped_column(String(10))  # pull / push
    source_url: Mapped[str] = mapped_column(String(500), default="", index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sender: Mapped[str] = mapped_column(String(200))
    identifier: Mapped[str] = mapped_column(String(200), index=True)
    sent: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10))
    msg_type: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(12))
    references: Mapped[list] = mapped_column(JSON, default=list)
    event: Mapped[str] = mapped_column(String(200), default="")
    headline: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    instruction: Mapped[str] = mapped_column(Text, default="")
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    severity: Mapped[str] = mapped_column(String(12), default="")
    level: Mapped[str] = mapped_column(String(10), default="")
    effective: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires: Mapped[datetime | None] = mapped_column(UTCDateTime)
    area_desc: Mapped[str] = mapped_column(Text, default="")
    # [[valueName, value], ...] and {"polygons": [...], "circles": [...]}
    geocodes: Mapped[list] = mapped_column(JSON, default=list)
    geometry: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), index=True)
    # Why it is in that state, in Chinese (shown in the console).
    note: Mapped[str] = mapped_column(Text, default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    xml: Mapped[str] = mapped_column(Text, default="")

    feed = relationship("AlertFeed")
    outputs = relationship("AlertOutput", back_populates="alert", cascade="all, delete-orphan")

    @property
    def title(self) -> str:
        return self.headline or self.event or self.identifier

    @property
    def drill(self) -> bool:
        return self.status in ("Exercise", "Test")


class AlertOutput(db.Model):
    """What one alert put on one hall's screens: an urgent notice or a slogan."""

    __tablename__ = "alert_output"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id"), index=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("urgent_notice.id"))
    slogan_id: Mapped[int | None] = mapped_column(ForeignKey("slogan.id"))

    alert = relationship("Alert", back_populates="outputs")
    hall = relationship("Hall")
    notice = relationship("UrgentNotice")
    slogan = relationship("Slogan")


class RefusedAlertDocument(db.Model):
    """A document that was not a valid CAP 1.2 alert: kept for the operator, never shown."""

    __tablename__ = "refused_alert_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("alert_feed.id"), index=True)
    via: Mapped[str] = mapped_column(String(10))
    source_url: Mapped[str] = mapped_column(String(500), default="", index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text, default="")

    feed = relationship("AlertFeed")


class AlertPolicy(db.Model):
    """The operator's settings (one row): drill mode and the action per level."""

    __tablename__ = "alert_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_mode: Mapped[bool] = mapped_column(default=False)
    red_action: Mapped[str] = mapped_column(String(10), default=DEFAULT_ACTIONS["red"])
    orange_action: Mapped[str] = mapped_column(String(10), default=DEFAULT_ACTIONS["orange"])
    yellow_action: Mapped[str] = mapped_column(String(10), default=DEFAULT_ACTIONS["yellow"])
    blue_action: Mapped[str] = mapped_column(String(10), default=DEFAULT_ACTIONS["blue"])
    # How long an alert without <expires> stays up.
    default_hours: Mapped[int] = mapped_column(default=24)

    def action_for(self, level: str) -> str:
        return getattr(self, f"{level}_action", None) or DEFAULT_ACTIONS["blue"]


class AlertHallArea(db.Model):
    """Where a hall is: its GB/T 2260 division code, and its coordinates if known."""

    __tablename__ = "alert_hall_area"

    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), primary_key=True)
    division_code: Mapped[str] = mapped_column(String(6), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    hall = relationship("Hall")

    @property
    def id(self) -> int:
        """The hall's id: the ledger names a row by ``id``."""
        return self.hall_id
