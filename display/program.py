"""The program of one terminal now: the rotation decision filled with public content."""

from __future__ import annotations

import threading
from datetime import datetime

from flask import current_app
from sqlalchemy.orm import Session

from content_feed import topics
from content_feed.answers import Answer, PartsCache, Serialized, Shown, json_answer
from content_feed.api.caching import obtain
from content_feed.clock import now as clock_now
from content_feed.db import db
from content_feed.models import Hall, Playlist, RotationSchedule, Terminal
from content_feed.public_now import current_urgent_notices, notice_reaches, public_slogans
from content_feed.terminals import directory
from content_feed.timefmt import iso, zone
from content_feed.wording import urgent_heading, urgent_title
from display.access import SCREEN_KINDS
from display.playlist import LABELS, Resolver
from display.rotation import Decision, Screen, what_plays
from display.screens import (
    all_active_schedules,
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
        *(topics.group(g) for g in sorted(group_ids_of(terminal))),
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
        # The in-memory table of terminals (reloaded when any terminal moves):
        # a screen's program reads no terminal row.
        terminal = directory().lookup(code, SCREEN_KINDS)
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


def group_ids_of(terminal) -> frozenset[int]:
    """A terminal's groups, from its row or its card (content_feed/terminals.py)."""
    ids = getattr(terminal, "group_ids", None)
    return ids if ids is not None else frozenset(g.id for g in terminal.groups)


class World:
    """What every screen's program reads besides the screen itself, read once per
    content state (sequence and next boundary) and shared by every screen built
    in it: the schedules, the halls, the urgent notices showing, the names of
    playlists and schedules. Rebuilding a thousand walls' programs after an edit
    then reads the database a few times, not a few times per wall."""

    def __init__(self, session: Session, now: datetime):
        self.now = now
        self.rules = all_active_schedules(session)
        self._halls: dict[int, dict] = {}
        self._urgent: dict[tuple[int, str], list] = {}
        self._names: dict[tuple[type, int], str] = {}

    # The parts below are read when first needed, with the session of the
    # request that needs them (a session is never shared between threads).

    def hall(self, session: Session, hall_id: int) -> dict:
        hall = self._halls.get(hall_id)
        if hall is None:
            row = session.get(Hall, hall_id)
            tz = zone(row.timezone or current_app.config["SUNLIGHT"]["hall"]["timezone"])
            hall = self._halls[hall_id] = {
                "code": row.code,
                "name": row.name,
                "timezone": str(tz),
                "phone": row.phone,
                "tz": tz,
            }
        return hall

    def urgent(self, session: Session, hall_id: int, kind: str) -> list:
        """(rule, entry, group id) of each notice showing in the hall on ``kind`` screens."""
        key = (hall_id, kind)
        found = self._urgent.get(key)
        if found is None:
            rows = session.execute(
                current_urgent_notices(self.now, hall_id=hall_id, surface=kind, group_ids=None)
            ).scalars()
            found = self._urgent[key] = [
                (urgent_rule_of(n), urgent_entry(n), n.group_id) for n in rows
            ]
        return found

    def name(self, session: Session, model: type, row_id: int) -> str:
        key = (model, row_id)
        if key not in self._names:
            self._names[key] = session.get(model, row_id).name
        return self._names[key]


class SharedParts(PartsCache):
    """The world of a content state, and the entries and ticker of a decision,
    shared by every screen they are made for.

    A hall's walls mostly play the same playlist: its entries are resolved once
    per (content state, hall, kind, decision) instead of once per screen.
    """

    def __init__(self, size: int = 512):
        super().__init__(size)
        self._world: tuple[tuple, World] | None = None
        self._world_lock = threading.Lock()

    def world(self, state: tuple, session: Session, now: datetime) -> World:
        with self._world_lock:
            held = self._world
            if held is not None and held[0] == state:
                return held[1]
        # Two builds may read it at once at a new state: harmless, the last is kept.
        world = World(session, now)
        with self._world_lock:
            self._world = (state, world)
        return world


def _shown(session, terminal, decision, urgent_entries, now) -> tuple[list, list]:
    if decision.mode == "urgent":
        entries = [urgent_entries[i] for i in decision.urgent_ids]
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
    terminal,
    now: datetime,
    shared: SharedParts | None = None,
    state: tuple = (),
) -> tuple[dict, list[str]]:
    """The program of ``terminal`` (a row, or its card) and the topics it read.
    ``version`` is filled with the ETag.

    With ``shared`` and the content ``state`` it was read in, what it reads
    besides the terminal (the World) is read once for all screens, and the
    entries are resolved once for all screens of the same hall, kind and decision."""
    shared = shared if shared is not None and state else None
    world = shared.world(state, session, now) if shared else World(session, now)
    group_ids = group_ids_of(terminal)
    screen = Screen(
        terminal_id=terminal.id, kind=terminal.kind, hall_id=terminal.hall_id, group_ids=group_ids
    )
    hall = world.hall(session, terminal.hall_id)
    notices = [
        (rule, entry)
        for rule, entry, group in world.urgent(session, terminal.hall_id, terminal.kind)
        if notice_reaches(group, group_ids)
    ]
    decision = what_plays(screen, world.rules, [r for r, _ in notices], now, hall["tz"])
    urgent_entries = {rule.id: entry for rule, entry in notices}
    schedule = playlist = None
    if decision.playlist_id is not None and decision.mode != "urgent":
        playlist = {
            "id": decision.playlist_id,
            "name": world.name(session, Playlist, decision.playlist_id),
        }
        schedule = {
            "id": decision.schedule_id,
            "name": world.name(session, RotationSchedule, decision.schedule_id),
        }

    def shown():
        return _shown(session, terminal, decision, urgent_entries, now)

    if shared is not None:
        key = (
            state,
            terminal.hall_id,
            terminal.kind,
            decision.mode,
            decision.playlist_id,
            decision.urgent_ids,
        )
        # Encoded once for every screen they are made for (answers.Serialized).
        entries, ticker = shared.get(key, lambda: tuple(map(Serialized, shown())))
    else:
        entries, ticker = shown()
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
        "hall": {k: hall[k] for k in ("code", "name", "timezone", "phone")},
        "mode": decision.mode,
        "slot": decision.slot,
        "schedule": schedule,
        "playlist": playlist,
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
