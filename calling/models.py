"""Queue calling (排队叫号): a hall's link to its queue system, each window's call
state and strip, the events received, the cases they make, the announcements.

None of these rows is FeedContent: what terminals see of them is one topic per
hall, ``calls:<hall>``, moved explicitly by calling/state.py with each write
(versioning.move_topics), so a call moves no other answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed.db import UTCDateTime, db
from content_feed.models._common import Timestamps, utcnow


class CallingHall(Timestamps, db.Model):
    """A hall's calling settings and its queue system's credential."""

    __tablename__ = "calling_hall"

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), unique=True)
    # sha256 of the queue system's token (shown once, as a terminal's).
    token_hash: Mapped[str] = mapped_column(String(64), default="")
    repeats: Mapped[int] = mapped_column(default=2)  # each call is spoken 1–3 times
    # Volume by daypart: "HH:MM-HH:MM=NN" separated by ";" (hall time), else default.
    volume_plan: Mapped[str] = mapped_column(String(300), default="")
    volume: Mapped[int] = mapped_column(default=80)  # 0–100
    band_size: Mapped[int] = mapped_column(default=5)  # calls on the walls' band
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    hall = relationship("Hall")


class CallingWindow(Timestamps, db.Model):
    """One window's call state and the LED strip (an Onbon dynamic area) above it."""

    __tablename__ = "calling_window"

    id: Mapped[int] = mapped_column(primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("hall_window.id"), unique=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    area: Mapped[str] = mapped_column(String(40), default="")  # announcement area
    idle_text: Mapped[str] = mapped_column(String(60), default="热情为您服务")
    # The strip: "" (none), onbon-bx5 / onbon-bx6; its card and its area.
    led_protocol: Mapped[str] = mapped_column(String(20), default="")
    led_host: Mapped[str] = mapped_column(String(255), default="")
    led_port: Mapped[int] = mapped_column(default=5005)
    led_area_id: Mapped[int] = mapped_column(default=0)
    led_x: Mapped[int] = mapped_column(default=0)
    led_y: Mapped[int] = mapped_column(default=0)
    led_width: Mapped[int] = mapped_column(default=128)
    led_height: Mapped[int] = mapped_column(default=32)
    led_color_mode: Mapped[str] = mapped_column(String(10), default="mono")
    # State: idle / calling / serving / paused.
    state: Mapped[str] = mapped_column(String(10), default="idle")
    ticket: Mapped[str] = mapped_column(String(20), default="")
    service: Mapped[str] = mapped_column(String(100), default="")
    pause_reason: Mapped[str] = mapped_column(String(100), default="")
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Event time of the newest event applied: an older one arriving late changes nothing.
    last_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The case waiting for its rating (一次一评), opened by an end event.
    rating_case_id: Mapped[int | None] = mapped_column(ForeignKey("calling_case.id"))

    window = relationship("Window")

    @property
    def label(self) -> str:
        return f"{self.window.number}号窗口"


class CallEvent(db.Model):
    """An event as received (queue system or built-in caller), kept once per id."""

    __tablename__ = "calling_event"
    __table_args__ = (UniqueConstraint("hall_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    window_id: Mapped[int] = mapped_column(ForeignKey("hall_window.id"), index=True)
    to_window_id: Mapped[int | None] = mapped_column(ForeignKey("hall_window.id"))
    ticket: Mapped[str] = mapped_column(String(20), default="")
    service: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(String(100), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source: Mapped[str] = mapped_column(String(10), default="api")  # api / console / novosga
    # applied / stale (older than the window's newest event: history only)
    outcome: Mapped[str] = mapped_column(String(10), default="applied")

    window = relationship("Window", foreign_keys=[window_id])


class CallCase(db.Model):
    """One ticket at one window: from its call to its end, and its rating."""

    __tablename__ = "calling_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("hall_window.id"), index=True)
    ticket: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(100), default="")
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 取号
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_show: Mapped[bool] = mapped_column(default=False)
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("rating.id"))

    window = relationship("Window")


class Announcement(db.Model):
    """A spoken call, in its area's queue: one at a time per area."""

    __tablename__ = "calling_announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    area: Mapped[str] = mapped_column(String(40), default="")
    text: Mapped[str] = mapped_column(Text)
    spoken: Mapped[str] = mapped_column(Text)  # the words as the voice reads them
    audio: Mapped[str] = mapped_column(String(64), default="")  # its WAV in the audio cache
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    repeats: Mapped[int] = mapped_column(default=1)
    volume: Mapped[int] = mapped_column(default=80)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("calling_event.id"))


class VoiceClip(Timestamps, db.Model):
    """A hall's own recording of one word of the announcements (请, 号, 3, A …)."""

    __tablename__ = "calling_voice_clip"
    __table_args__ = (UniqueConstraint("hall_id", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), index=True)
    word: Mapped[str] = mapped_column(String(10))
    wav: Mapped[bytes] = mapped_column(db.LargeBinary)


class NovosgaLink(Timestamps, db.Model):
    """A hall's NovoSGA server, polled for its calls (calling/adapters/).

    The client secret and the user's password are sealed (calling/sealing.py):
    they must be sent to NovoSGA, so they cannot be kept as hashes.
    """

    __tablename__ = "calling_novosga_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=False)
    base_url: Mapped[str] = mapped_column(String(255), default="")
    unit_id: Mapped[int] = mapped_column(default=1)  # NovoSGA's unidade
    client_id: Mapped[str] = mapped_column(String(200), default="")
    client_secret: Mapped[str] = mapped_column(Text, default="")  # sealed
    username: Mapped[str] = mapped_column(String(100), default="")
    password: Mapped[str] = mapped_column(Text, default="")  # sealed
    interval_seconds: Mapped[int] = mapped_column(default=3)
    # The ids of NovoSGA's last answer (its last 10 calls; None: not asked yet):
    # a call is new when it was not among them. The first answer is history.
    seen_ids: Mapped[str | None] = mapped_column(String(200))
    # The highest id taken and the time it was dated: a lower id showing up later
    # (its transaction committed late) is dated just before it.
    last_id: Mapped[int | None] = mapped_column()
    last_id_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the last poll failed (empty: it answered), and since when it fails.
    poll_error: Mapped[str] = mapped_column(String(300), default="")
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last call that could not be taken (an unknown window), for the console.
    refused: Mapped[str] = mapped_column(String(300), default="")

    hall = relationship("Hall")


MODELS = (CallingHall, CallingWindow, CallEvent, CallCase, Announcement, VoiceClip, NovosgaLink)
