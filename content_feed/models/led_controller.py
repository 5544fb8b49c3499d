"""How an LED terminal is fed (pull, or pushed to its controller card), and how that goes.

Not feed content: a push or a ping updates the status columns and must move no ETag.
One row per LED terminal at most; no row means ``pull`` (the terminal fetches frames).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content_feed.db import UTCDateTime, db
from content_feed.models._common import Timestamps


class LedController(Timestamps, db.Model):
    __tablename__ = "led_controller"

    id: Mapped[int] = mapped_column(primary_key=True)
    terminal_id: Mapped[int] = mapped_column(
        ForeignKey("terminal.id", ondelete="CASCADE"), unique=True
    )
    # pull / onbon-bx5 / onbon-bx6 / huidu (content_feed.vocabulary.LED_DELIVERY)
    protocol: Mapped[str] = mapped_column(String(20), default="pull")
    host: Mapped[str] = mapped_column(String(255), default="")
    port: Mapped[int] = mapped_column(default=5005)
    device_type: Mapped[int] = mapped_column(default=0xFFFE)
    screen_address: Mapped[int] = mapped_column(default=0xFFFE)
    # The dynamic area: its number and top-left corner on the card's screen; its
    # size is the terminal's width × height (what the renderer draws).
    area_id: Mapped[int] = mapped_column(default=0)
    area_x: Mapped[int] = mapped_column(default=0)
    area_y: Mapped[int] = mapped_column(default=0)
    speed_level: Mapped[int] = mapped_column(default=4)
    # Two-colour data green before red (the vendor's "双基色1：G+R"); the manual's is red first.
    green_first: Mapped[bool] = mapped_column(default=False)
    brightness: Mapped[int | None] = mapped_column()  # 0–15, None: leave the card's own
    # 兼容设置 of BX-6 cards: "lsb" sends a 32-bit word low byte first as the manual's
    # §1.5 says, "msb" high byte first; "sdk" writes the length fields as the vendor's
    # Java SDK does, "inclusive" counts the bitmaps in them too (the driver's old forms).
    word_order: Mapped[str] = mapped_column(String(8), default="lsb", server_default="lsb")
    length_form: Mapped[str] = mapped_column(String(12), default="sdk", server_default="sdk")
    # Until when a technician's test pattern (校准图案) stays on the card instead of the program.
    pattern_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Huidu: the screen's daily on/off times ("HH:MM", hall time; both empty: always on).
    screen_on: Mapped[str] = mapped_column(String(5), default="", server_default="")
    screen_off: Mapped[str] = mapped_column(String(5), default="", server_default="")

    # What the sender saw (written in batches by the sender, never per request).
    last_push_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ack_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ping_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    online: Mapped[bool | None] = mapped_column()
    pushed_version: Mapped[str] = mapped_column(String(80), default="")
    # The card acknowledged that its screen is switched off (a power schedule, 关屏时段).
    screen_dark: Mapped[bool] = mapped_column(default=False, server_default=false())

    terminal = relationship("Terminal")

    @classmethod
    def unsaved(cls, **values) -> LedController:
        """A card never stored (a window's strip, calling/strips.py) with the
        columns' own defaults where ``values`` says nothing: a new card's vendor
        defaults are declared once, on the columns."""
        for column in cls.__table__.columns:
            default = column.default
            if column.key not in values and default is not None and default.is_scalar:
                values[column.key] = default.arg
        return cls(**values)
