"""The wall player: its page, its program (conditional GET), heartbeat, acks, proof of play."""

from __future__ import annotations

import json
from types import SimpleNamespace

from flask import Response, current_app, render_template, request
from pydantic import ValidationError

from content_feed.api.caching import FastAnswer, fast_answer, refuse_unknown_params, to_response
from content_feed.api.declare import declare
from content_feed.api.heartbeat import answer_heartbeat, note_heartbeat
from content_feed.api.json_body import json_object
from content_feed.api.problems import Problem
from content_feed.api.validation import checked
from content_feed.clock import now
from content_feed.db import db
from content_feed.fast_path import FastPost, fast_post
from content_feed.presence import book
from content_feed.schemas import dump
from content_feed.schemas.screens import Program
from content_feed.schemas.terminals import (
    Ack,
    AckReply,
    Heartbeat,
    HeartbeatReply,
    PlayBatch,
    PlayOutcome,
)
from content_feed.services import services
from content_feed.terminals import directory
from display import acks, proof
from display.access import SCREEN_ROUTE, SCREENS, TerminalRefused, screen_token, terminal_or_refuse
from display.blueprints import bp
from display.program import program_answer, program_key
from web.rate_limits import spend


@bp.get("/<code>")
def wall(code: str):
    """The player page. With a token (provisioning: ``?token=…`` once) it must be
    the screen's; without one it is the same bare shell for every code, and the
    player takes its token from localStorage and sends it as a header."""
    if len(code) > 40:
        raise TerminalRefused(code)
    if screen_token() is None:
        terminal = SimpleNamespace(code=code, name="阳光公开", hall=SimpleNamespace(name=""))
    else:
        terminal = terminal_or_refuse(code, SCREENS)
    settings = current_app.config["SUNLIGHT"]["display"]
    response = Response(
        render_template(
            "display/wall.html", terminal=terminal, poll_seconds=settings["poll_seconds"]
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<code>/program.json")
@declare(
    "大屏、LED 条屏的节目单（条件 GET：未变化时 304）",
    response=Program,
    description="紧急通知生效时 mode 为 urgent，entries 只有紧急通知；"
    "否则按排期、默认节目单或空闲画面。version 即 ETag。",
    status_description="当前节目单",
    problems=(400,),
    **SCREEN_ROUTE,
)
@fast_answer(FastAnswer(access=SCREENS))
def program(code: str):
    refuse_unknown_params(())
    _card(code)  # from memory: a pushed fetch of a thousand screens reads no terminal row
    try:
        return to_response(program_answer(code, revalidated=True))
    except LookupError:
        raise TerminalRefused(code) from None


def _json_body() -> dict:
    return json_object()


def _answer(data: dict, status: int = 200) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False),
        status=status,
        mimetype="application/json",
        headers={"Cache-Control": "no-store"},
    )


def note_ack(app, card, data: dict, address: str, at) -> dict | None:
    """A screen shows an urgent notice: confirmed when its current program has it.

    None (Flask decides with the database, or refuses the body) otherwise.
    """
    try:
        notice_id = Ack.model_validate(data).notice_id
    except ValidationError:
        return None
    answer = services(app).answers.current(program_key(card.code), services(app).versions, at)
    if answer is None or answer.extra is None or notice_id not in answer.extra.urgent:
        return None
    first = book(app).confirmed(notice_id, card.id, at)
    return dump(AckReply(ok=True, first_shown_at=first.isoformat()))


def _card(code: str):
    card = SCREENS.card(directory(), code, request.environ)
    if card is None:
        raise TerminalRefused(code)
    return card


@bp.post("/<code>/heartbeat")
@fast_post(FastPost(SCREENS, note_heartbeat))
@declare(
    "大屏、LED 条屏心跳：内容版本、节目单、当前条目（与触摸查询机同一心跳）",
    body=Heartbeat,
    response=HeartbeatReply,
    status_description="已记录",
    problems=(400, 413, 415, 422),
    **SCREEN_ROUTE,
)
def heartbeat(code: str):
    return _answer(answer_heartbeat(_card(code), _json_body()))


@bp.post("/<code>/ack")
@fast_post(FastPost(SCREENS, note_ack))
@declare(
    "大屏、LED 条屏确认正在显示的紧急通知",
    body=Ack,
    response=AckReply,
    status_description="已确认",
    problems=(400, 409, 413, 415),
    **SCREEN_ROUTE,
)
def ack(code: str):
    card = _card(code)
    notice_id = checked(Ack, _json_body(), status=400).notice_id
    at = now()
    if not acks.showing(db.session, card, notice_id, at):
        raise Problem(409, "该终端当前没有这条紧急通知")
    first = book().confirmed(notice_id, card.id, at)
    return _answer(dump(AckReply(ok=True, first_shown_at=first.isoformat())))


@bp.post("/<code>/plays")
@declare(
    "大屏播放记录（按批提交，同一批次编号只记一次）",
    body=PlayBatch,
    response=PlayOutcome,
    status_description="已记录（或该批已记过）",
    problems=(400, 413, 415, 429),
    **SCREEN_ROUTE,
)
def plays(code: str):
    terminal = terminal_or_refuse(code, SCREENS)
    batch = checked(PlayBatch, _json_body(), status=400)
    settings = current_app.config["SUNLIGHT"]["display"]
    spend(
        f"{settings['max_plays_received_per_hour']}/hour",
        "plays",
        str(terminal.id),
        "本屏幕提交的播放记录过多，请稍后再送",
        cost=max(1, len(batch.plays)),
    )
    try:
        outcome = proof.ingest(
            db.session, terminal, batch, now(), per_hour=settings["max_plays_per_hour"]
        )
    except proof.BadBatch as exc:
        db.session.rollback()
        raise Problem(400, str(exc), errors={"plays": str(exc)}) from None
    return _answer(
        dump(
            PlayOutcome(
                accepted=outcome.accepted, duplicate=outcome.duplicate, dropped=outcome.dropped
            )
        )
    )
