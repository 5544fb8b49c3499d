"""The wall player: its page, its program (conditional GET), heartbeat, acks, proof of play."""

from __future__ import annotations

import json
from types import SimpleNamespace

from flask import Response, current_app, render_template

from content_feed.api.caching import cache_control, conditional_answer
from content_feed.api.json_body import json_object
from content_feed.clock import now
from content_feed.db import db
from content_feed.versioning import feed_version
from display import acks, presence, proof
from display.access import TerminalRefused, presented_token, terminal_or_refuse
from display.blueprints import bp
from display.program import build_program, program_etag

SCREEN_KINDS = ("wall", "led")


def program_response(terminal) -> Response:
    """ETag first: a matching If-None-Match costs one terminal lookup and no build."""
    etag = program_etag(terminal)
    return conditional_answer(
        etag,
        cache_control(feed_version().next_boundary()).replace("public", "private"),
        f"display-program:{terminal.id}",
        lambda: build_program(db.session, terminal, now(), etag),
    )


@bp.get("/<code>")
def wall(code: str):
    """The player page. With a token (provisioning: ``?token=…`` once) it must be
    the screen's; without one it is the same bare shell for every code, and the
    player takes its token from localStorage and sends it as a header."""
    if len(code) > 40:
        raise TerminalRefused(code)
    if presented_token() is None:
        terminal = SimpleNamespace(code=code, name="阳光公开", hall=SimpleNamespace(name=""))
    else:
        terminal = terminal_or_refuse(code, SCREEN_KINDS)
    settings = current_app.config["SUNLIGHT"]["display"]
    response = Response(
        render_template(
            "display/wall.html", terminal=terminal, poll_seconds=settings["poll_seconds"]
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<code>/program.json")
def program(code: str):
    return program_response(terminal_or_refuse(code, SCREEN_KINDS))


def _json_body() -> dict:
    return json_object()


def _answer(data: dict, status: int = 200) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False),
        status=status,
        mimetype="application/json",
        headers={"Cache-Control": "no-store"},
    )


@bp.post("/<code>/heartbeat")
def heartbeat(code: str):
    terminal = terminal_or_refuse(code, SCREEN_KINDS)
    data = _json_body()
    presence.record(
        terminal,
        now(),
        last_version=data.get("version"),
        last_program=data.get("program"),
        last_page=data.get("entry"),
    )
    return _answer({"ok": True, "poll_seconds": presence.poll_seconds()})


@bp.post("/<code>/ack")
def ack(code: str):
    terminal = terminal_or_refuse(code, SCREEN_KINDS)
    notice_id = _json_body().get("notice_id")
    if not isinstance(notice_id, int):
        return _answer({"error": "notice_id 应为整数"}, 400)
    done = acks.confirm(db.session, terminal, notice_id, now())
    if done is None:
        return _answer({"error": "该终端当前没有这条紧急通知"}, 409)
    return _answer({"ok": True, "first_shown_at": done.first_shown_at.isoformat()})


@bp.post("/<code>/plays")
def plays(code: str):
    terminal = terminal_or_refuse(code, SCREEN_KINDS)
    try:
        outcome = proof.ingest(db.session, terminal, _json_body(), now())
    except proof.BadBatch as exc:
        db.session.rollback()
        return _answer({"error": str(exc)}, 400)
    return _answer(
        {"accepted": outcome.accepted, "duplicate": outcome.duplicate, "dropped": outcome.dropped}
    )
