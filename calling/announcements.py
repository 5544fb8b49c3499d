"""The spoken calls of a hall: one at a time per area, repeated, at the daypart's volume.

Each call gets its place in its area's queue when it arrives: it starts when the
area's last announcement ends (or now), so two windows calling at once are heard
one after the other, in the order the calls came. The walls of the hall play each
announcement at its start time (calling/static/calling/band.js).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calling import voice
from calling.models import Announcement, CallEvent, CallingHall, CallingWindow, VoiceClip
from calling.state import settings_of
from content_feed.models import Hall
from content_feed.timefmt import local

REPEAT_GAP = timedelta(seconds=0.8)
# Announcements the screens are told of: those not yet over, and at most so many.
PENDING_LIMIT = 10


def folders() -> tuple[Path, Path]:
    """(default clips, audio cache): in the instance folder unless configured."""
    base = Path(current_app.instance_path) / "calling"
    clips = current_app.config.get("CALLING_CLIPS") or base / "clips"
    return Path(clips), base / "audio"


def voice_of(session: Session, hall_id: int) -> voice.Voice:
    own = {
        clip.word: clip.wav
        for clip in session.execute(select(VoiceClip).where(VoiceClip.hall_id == hall_id)).scalars()
    }
    clips, cache = folders()
    return voice.Voice(clips, cache, own)


def volume_at(settings: CallingHall, at: datetime, tz: ZoneInfo | None = None) -> int:
    """The volume of the daypart ``at`` falls in ("08:00-12:00=80;12:00-14:00=40")."""
    clock = (at.astimezone(tz) if tz else local(at)).strftime("%H:%M")
    for part in (settings.volume_plan or "").split(";"):
        span, _, level = part.strip().partition("=")
        start, _, end = span.partition("-")
        if start and end and level.strip().isdigit() and start <= clock < end:
            return max(0, min(100, int(level)))
    return settings.volume


def parse_volume_plan(text: str) -> str:
    """The plan as stored, or ValueError with a Chinese message."""
    parts = []
    for part in text.replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        span, _, level = part.partition("=")
        start, _, end = span.partition("-")
        ok = (
            len(start) == 5
            and len(end) == 5
            and start < end
            and level.strip().isdigit()
            and 0 <= int(level) <= 100
            and all(t[:2].isdigit() and t[2] == ":" and t[3:].isdigit() for t in (start, end))
        )
        if not ok:
            raise ValueError(f"“{part}”应写作 时:分-时:分=音量，如 12:00-14:00=40")
        parts.append(f"{start}-{end}={int(level)}")
    return ";".join(parts)


def announce(
    session: Session, hall: Hall, row: CallingWindow, event: CallEvent, now: datetime
) -> Announcement:
    settings = settings_of(session, hall.id)
    words = voice.call_words(event.ticket, row.window.number)
    key, wav = voice_of(session, hall.id).speak(words)
    repeats = max(1, min(3, settings.repeats))
    length = timedelta(seconds=voice.seconds_of(wav))
    busy_until = session.execute(
        select(func.max(Announcement.ends_at)).where(
            Announcement.hall_id == hall.id, Announcement.area == row.area
        )
    ).scalar()
    starts = max(now, busy_until) if busy_until is not None else now
    tz = ZoneInfo(hall.timezone) if hall.timezone else None
    announcement = Announcement(
        hall_id=hall.id,
        area=row.area,
        text=voice.call_text(event.ticket, row.window.number),
        spoken=voice.spoken_text(words),
        starts_at=starts,
        ends_at=starts + repeats * length + (repeats - 1) * REPEAT_GAP,
        repeats=repeats,
        volume=volume_at(settings, starts, tz),
        event_id=event.id,
        audio=key,
    )
    session.add(announcement)
    return announcement


def pending(session: Session, hall_id: int, now: datetime) -> list[Announcement]:
    return list(
        session.execute(
            select(Announcement)
            .where(Announcement.hall_id == hall_id, Announcement.ends_at > now)
            .order_by(Announcement.starts_at, Announcement.id)
            .limit(PENDING_LIMIT)
        ).scalars()
    )


def audio_path(key: str) -> Path | None:
    if len(key) != 32 or not all(c in "0123456789abcdef" for c in key):
        return None
    path = folders()[1] / f"{key}.wav"
    return path if path.exists() else None
