"""The program of one terminal now: the rotation decision filled with public content."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from content_feed.models import Playlist, RotationSchedule, Terminal
from content_feed.public_now import public_slogans
from content_feed.timefmt import iso
from content_feed.versioning import feed_version
from display.playlist import LABELS, Resolver
from display.rotation import Decision, what_plays
from display.screens import (
    hall_tz,
    schedules_for,
    screen_of,
    urgent_notices_for,
    urgent_rule_of,
)

# Seconds an urgent notice stays on screen before the player shows it again.
URGENT_SECONDS = 30
TICKER_LIMIT = 20


def terminal_fingerprint(terminal: Terminal) -> str:
    """What of the terminal shapes its program (not feed content, so not in the version)."""
    parts = [
        terminal.id,
        terminal.hall_id,
        sorted(g.id for g in terminal.groups),
        terminal.kind,
        terminal.width,
        terminal.height,
        terminal.color_mode,
        terminal.led_color,
        terminal.font_size,
        terminal.scroll_speed,
        terminal.name,
    ]
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def program_etag(terminal: Terminal) -> str:
    """The feed's state (version and next boundary, daypart edges included) and the terminal."""
    return f'"d{feed_version().etag().strip(chr(34))}-{terminal_fingerprint(terminal)}"'


def decide(session: Session, terminal: Terminal, now: datetime):
    screen = screen_of(terminal)
    notices = urgent_notices_for(session, screen, now)
    decision = what_plays(
        screen,
        schedules_for(session, screen),
        [urgent_rule_of(n) for n in notices],
        now,
        hall_tz(terminal),
    )
    return decision, {n.id: n for n in notices}


def urgent_entry(notice) -> dict:
    return {
        "kind": "urgent",
        "key": f"urgent{notice.id}",
        "notice_id": notice.id,
        "label": LABELS["urgent"],
        "title": notice.title,
        "text": f"{notice.title}　{notice.body}".strip(),
        "body": notice.body,
        "starts_at": iso(notice.starts_at),
        "ends_at": iso(notice.ends_at),
        "duration": URGENT_SECONDS,
    }


def build_program(session: Session, terminal: Terminal, now: datetime, etag: str = "") -> dict:
    decision, notices = decide(session, terminal, now)
    schedule = playlist = None
    if decision.mode == "urgent":
        entries = [urgent_entry(notices[i]) for i in decision.urgent_ids]
    elif decision.playlist_id is not None:
        playlist = session.get(Playlist, decision.playlist_id)
        schedule = session.get(RotationSchedule, decision.schedule_id)
        entries = Resolver(session, terminal.hall_id, terminal.kind, now).entries(playlist)
    else:
        entries = []
    ticker = [
        s.text
        for s in session.execute(
            public_slogans(now, hall_id=terminal.hall_id).limit(TICKER_LIMIT)
        ).scalars()
    ]
    hall = terminal.hall
    return {
        "version": etag.strip('"'),
        "generated_at": iso(now),
        "terminal": {
            "code": terminal.code,
            "name": terminal.name,
            "kind": terminal.kind,
            "width": terminal.width,
            "height": terminal.height,
        },
        "hall": {
            "code": hall.code,
            "name": hall.name,
            "timezone": str(hall_tz(terminal)),
            "phone": hall.phone,
        },
        "mode": decision.mode,
        "slot": decision.slot,
        "schedule": {"id": schedule.id, "name": schedule.name} if schedule else None,
        "playlist": {"id": playlist.id, "name": playlist.name} if playlist else None,
        "since": iso(decision.since),
        "until": iso(decision.until),
        "urgent": list(decision.urgent_ids),
        "entries": entries,
        "ticker": ticker,
    }


def program_label(program: dict) -> str:
    """One line for the console: what this program is."""
    if program["mode"] == "urgent":
        return "紧急通知：" + "、".join(e["title"] for e in program["entries"])[:150]
    if program["playlist"]:
        return f"{program['playlist']['name']}（{len(program['entries'])} 条）"
    return "空闲画面"


def decision_label(decision: Decision, names: dict[int, str]) -> str:
    if decision.mode == "urgent":
        return "紧急通知"
    if decision.playlist_id is None:
        return "空闲画面"
    return names.get(decision.playlist_id, f"节目单 {decision.playlist_id}")
