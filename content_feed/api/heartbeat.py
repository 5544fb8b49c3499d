"""The heartbeat of every terminal, kiosk or screen: one schema, one note, one reply.

A kiosk posts it to ``/api/v1/heartbeat`` (its code in the body), a screen to
``/display/<code>/heartbeat``; either way the WSGI fast path or the Flask view
calls :func:`note_heartbeat`, which writes to the presence book in memory only.
"""

from __future__ import annotations

from flask import current_app, jsonify, request
from pydantic import ValidationError

from content_feed.api import api
from content_feed.api.declare import declare
from content_feed.api.json_body import BODY_PROBLEMS, checked_strings, json_object
from content_feed.api.terminal_auth import KIOSK, authenticated_kiosk
from content_feed.api.validation import checked
from content_feed.clock import now
from content_feed.fast_path import FastPost, address_of, fast_post
from content_feed.presence import book
from content_feed.schemas import dump
from content_feed.schemas.terminals import Heartbeat, HeartbeatReply
from content_feed.terminals import directory
from content_feed.timefmt import iso

# app.extensions key: callables (app, card, heartbeat, at) -> fields of the reply.
HEARTBEAT_EXTRAS = "sunlight.heartbeat_extras"


def report_seconds(settings: dict, kind: str) -> int:
    """How often a terminal of ``kind`` reports: its heartbeat (kiosks) or its poll."""
    if kind == "kiosk":
        return settings["kiosk"]["heartbeat_seconds"]
    return settings["display"]["poll_seconds"]


def note_heartbeat(app, card, data: dict, address: str, at) -> dict | None:
    """A terminal is alive, and says which page or entry and which version it shows.
    None when the body is not a heartbeat: Flask then refuses it, naming the fields."""
    data = checked_strings(data)
    if data is None:
        return None
    try:
        beat = Heartbeat.model_validate(data)
    except ValidationError:
        return None
    book(app).seen(
        card.id,
        at,
        address,
        last_version=beat.version,
        last_program=beat.program,
        last_page=beat.page if beat.page is not None else beat.entry,
    )
    poll = report_seconds(app.config["SUNLIGHT"], card.kind)
    reply = dump(HeartbeatReply(ok=True, server_time=iso(at), poll_seconds=poll))
    # Packages above the core answer in the same reply (monitoring: commands, power).
    for extra in app.extensions.get(HEARTBEAT_EXTRAS, ()):
        reply.update(extra(app, card, beat, at))
    return {k: v for k, v in reply.items() if v is not None}


def answer_heartbeat(card, data: dict) -> dict:
    """The Flask view's answer (the body already read by json_body): a refusal names
    the fields that are wrong."""
    checked(Heartbeat, data)
    app = current_app._get_current_object()
    return note_heartbeat(app, card, data, address_of(request.environ), now())


@api.post("/heartbeat")
@fast_post(FastPost(KIOSK, note_heartbeat, code_in_body=True))
@declare(
    "终端心跳：编号、当前页面、内容版本",
    body=Heartbeat,
    response=HeartbeatReply,
    status_description="已记录",
    problems=(*BODY_PROBLEMS, 422),
    token=True,
)
def heartbeat():
    """A kiosk says it is alive, which page it shows and which content version it has."""
    data = json_object()
    terminal = authenticated_kiosk(data.get("terminal"))
    response = jsonify(answer_heartbeat(directory().lookup(terminal.code, ("kiosk",)), data))
    response.headers["Cache-Control"] = "no-store"
    return response
