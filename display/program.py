"""The program of one terminal now: the rotation decision filled with public content."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed import topics
from content_feed.answers import Answer, Shown, json_answer
from content_feed.api.caching import obtain
from content_feed.clock import now as clock_now
from content_feed.db import db
from content_feed.models import Playlist, RotationSchedule, Terminal
from content_feed.public_now import public_slogans
from content_feed.timefmt import iso
from content_feed.wording import urgent_heading, urgent_title
from display.access import SCREEN_KINDS
from display.playlist import LABELS, Resolver
from display.rotation import Decision, what_plays
from display.screens import (
    hall_tz,
    schedules_for,
    screen_of,
    urgent_notices_for,
    urgent_rule_of,
)
from operations import push

# Seconds an urgent notice stays on screen before the player shows it again.
URGENT_SECONDS = 30
TICKER_LIMIT = 20


def program_topics(terminal: Terminal, decision: Decision) -> list[str]:
    """What one terminal's program reads: its own settings and groups, the
    playlist playing now, and its hall's public content and urgent notices.
    (Daypart edges and visibility times are the versions' next boundary.)"""
    deps = [
        topics.terminal(terminal.id),
        *(topics.group(g.id) for g in terminal.groups),
        *topics.of_hall(topics.CONTENT, terminal.hall_id),
        *topics.of_hall(topics.URGENT, terminal.hall_id),
        topics.CATALOGUE,
    ]
    if decision.playlist_id is not None:
        deps.append(topics.playlist(decision.playlist_id))
    return deps


def shared_parts() -> SharedParts:
    return current_app.extensions.setdefault("sunlight.program_parts", SharedParts())


def program_key(code: str) -> str:
    return f"/display/{code}/program.json"


def program_answer(code: str, *, revalidated: bool = False) -> Answer:
    """The program of terminal ``code`` now, built once per state of what it reads.
    ``revalidated``: the request asks for this program (caching.obtain).

    Raises LookupError when no active wall or LED terminal has that code.
    """

    def build(seq, boundary) -> Answer:
        terminal = db.session.execute(
            select(Terminal).where(
                Terminal.code == code,
                Terminal.active.is_(True),
                Terminal.kind.in_(SCREEN_KINDS),
            )
        ).scalar_one_or_none()
        if terminal is None:
            raise LookupError(code)
        program, deps = build_program(
            db.session, terminal, clock_now(), shared_parts(), (seq, boundary)
        )
        answer = json_answer(program, deps, seq, boundary, shared=False)
        answer.extra = Shown(urgent=frozenset(program["urgent"]))
        return answer

    return obtain(program_key(code), build, revalidated=revalidated)


def program_etag(code: str) -> str:
    """The ETag of terminal ``code``'s program now (from memory once built)."""
    return program_answer(code).etag


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
        # The player's label already says 紧急通知.
        "title": urgent_title(notice.title),
        "text": f"{urgent_heading(notice.title)}　{notice.body}".strip(),
        "body": notice.body,
        "starts_at": iso(notice.starts_at),
        "ends_at": iso(notice.ends_at),
        "level": notice.level,
        "duration": URGENT_SECONDS,
    }


class SharedParts:
    """The entries and ticker of a decision, shared by every screen it is made for.

    A hall's walls mostly play the same playlist: its entries are resolved once
    per (content state, hall, kind, decision) instead of once per screen. The
    state (sequence and next boundary) is part of the key, so nothing here
    outlives the content it was resolved from.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self._data: OrderedDict[tuple, tuple[list, list]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, make):
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
                return hit
        made = make()
        with self._lock:
            self._data[key] = made
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return made


def _shown(session, terminal, decision, notices, now) -> tuple[list, list]:
    if decision.mode == "urgent":
        entries = [urgent_entry(notices[i]) for i in decision.urgent_ids]
    elif decision.playlist_id is not None:
        playlist = session.get(Playlist, decision.playlist_id)
        entries = Resolver(session, terminal.hall_id, terminal.kind, now).entries(playlist)
    else:
        entries = []
    ticker = [
        s.text
        for s in session.execute(
            public_slogans(now, hall_id=terminal.hall_id).limit(TICKER_LIMIT)
        ).scalars()
    ]
    return entries, ticker


def build_program(
    session: Session,
    terminal: Terminal,
    now: datetime,
    shared: SharedParts | None = None,
    state: tuple = (),
) -> tuple[dict, list[str]]:
    """The program and the topics it read. ``version`` is filled with the ETag.

    With ``shared`` and the content ``state`` it was read in, the entries are
    resolved once for all screens of the same hall, kind and decision."""
    decision, notices = decide(session, terminal, now)
    schedule = playlist = None
    if decision.playlist_id is not None and decision.mode != "urgent":
        playlist = session.get(Playlist, decision.playlist_id)
        schedule = session.get(RotationSchedule, decision.schedule_id)
    if shared is not None and state:
        key = (
            state,
            terminal.hall_id,
            terminal.kind,
            decision.mode,
            decision.playlist_id,
            decision.urgent_ids,
        )
        entries, ticker = shared.get(key, lambda: _shown(session, terminal, decision, notices, now))
    else:
        entries, ticker = _shown(session, terminal, decision, notices, now)
    hall = terminal.hall
    deps = program_topics(terminal, decision)
    program = {
        "version": "",
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
        # Where to hear at once that this program moved (push.py); "" without push.
        "push": push.subscription(current_app.config["SUNLIGHT"], deps),
    }
    return program, deps


def program_label(program: dict) -> str:
    """One line for the console: what this program is."""
    if program["mode"] == "urgent":
        return urgent_heading("、".join(e["title"] for e in program["entries"]))[:155]
    if program["playlist"]:
        return f"{program['playlist']['name']}（{len(program['entries'])} 条）"
    return "空闲画面"


def decision_label(decision: Decision, names: dict[int, str]) -> str:
    if decision.mode == "urgent":
        return "紧急通知"
    if decision.playlist_id is None:
        return "空闲画面"
    return names.get(decision.playlist_id, f"节目单 {decision.playlist_id}")
