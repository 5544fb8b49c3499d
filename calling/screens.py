"""What the hall's screens read of its calls: one answer per terminal, whose ETag
moves with the hall's calls topic (and the terminal's own settings) only; the
announcements' audio; the band the wall player lays over its program."""

from __future__ import annotations

from flask import Response, abort, current_app, send_file, url_for
from sqlalchemy import select

from calling import bp, voice
from calling.announcements import audio_path, pending, voice_of
from calling.models import CallEvent, CallingWindow
from calling.schemas import AnnouncementShown, CallsAnswer, CallShown
from calling.state import settings_of, shown_state
from content_feed import topics
from content_feed.answers import json_answer
from content_feed.api.caching import (
    FastAnswer,
    fast_answer,
    obtain,
    refuse_unknown_params,
    to_response,
)
from content_feed.api.declare import declare
from content_feed.api.json_body import json_object
from content_feed.api.problems import Problem
from content_feed.api.terminal_auth import KIOSK
from content_feed.clock import now as clock_now
from content_feed.db import db
from content_feed.models import Hall, Terminal, Window
from content_feed.schemas import dump
from content_feed.terminals import TerminalAccess
from content_feed.timefmt import iso
from display.access import SCREEN_ROUTE, TerminalRefused, terminal_or_refuse
from operations import push

# Walls show the band, kiosks the calls on request, LED strips may pull them.
CALL_KINDS = ("wall", "kiosk", "led")
# Calls are shown by walls, kiosks and LED gateways that pull a URL (?token=).
CALL_SCREENS = TerminalAccess(CALL_KINDS, token_in_url=True)
BAND_MAX = 20


def calls_topics(terminal: Terminal) -> list[str]:
    return [topics.terminal(terminal.id), topics.calls(terminal.hall_id)]


def build_calls(terminal: Terminal, at, state: tuple = ()) -> tuple[dict, list[str], object]:
    """The answer, the topics it read, and when it stops being true (an
    announcement ends), for ``terminal``'s hall. With the content ``state`` it is
    read in, the hall's part is read once for all its screens."""
    deps = calls_topics(terminal)
    subscription = push.subscription(current_app.config["SUNLIGHT"], deps)
    if not state:
        return {**_hall_calls(terminal.hall_id, at)[0], "push": subscription}, deps, None
    shared = current_app.extensions.setdefault("sunlight.calling_parts", {})
    key = (state, terminal.hall_id)
    hit = shared.get(key)
    if hit is None or (hit[1] is not None and at >= hit[1]):  # an announcement ended
        if len(shared) > 64:
            shared.clear()
        hit = shared[key] = _hall_calls(terminal.hall_id, at)
    payload, until = hit
    return {**payload, "push": subscription}, deps, until


def _hall_calls(hall_id: int, at) -> tuple[dict, object]:
    session = db.session
    hall = session.get(Hall, hall_id)
    settings = settings_of(session, hall.id)
    rows = session.execute(
        select(CallingWindow)
        .join(Window, Window.id == CallingWindow.window_id)
        .where(CallingWindow.hall_id == hall.id)
        .order_by(Window.sort_order, Window.number)
    ).scalars()
    size = max(1, min(BAND_MAX, settings.band_size))
    calls = session.execute(
        select(CallEvent)
        .where(CallEvent.hall_id == hall.id, CallEvent.kind.in_(("call", "recall")))
        .order_by(CallEvent.occurred_at.desc(), CallEvent.id.desc())
        .limit(size * 3)
    ).scalars()
    shown, seen = [], set()
    for event in calls:  # a recalled ticket once, at its latest call
        if (event.ticket, event.window_id) in seen:
            continue
        seen.add((event.ticket, event.window_id))
        shown.append(
            CallShown(
                ticket=event.ticket,
                window=event.window.number,
                window_name=event.window.name,
                at=iso(event.occurred_at),
                newest=not shown,
            )
        )
        if len(shown) == size:
            break
    announcements = pending(session, hall.id, at)
    answer = CallsAnswer(
        version="",
        hall=hall.name,
        windows=[shown_state(row) for row in rows],
        calls=shown,
        announcements=[
            AnnouncementShown(
                id=a.id,
                text=a.text,
                area=a.area,
                starts_at=iso(a.starts_at),
                ends_at=iso(a.ends_at),
                repeats=a.repeats,
                volume=a.volume,
                audio=audio_url(a.audio),
            )
            for a in announcements
        ],
        push="",
    )
    until = min((a.ends_at for a in announcements), default=None)
    return dump(answer), until


def calls_key(code: str) -> str:
    return f"/calling/screens/{code}/calls.json"


def calls_answer(code: str, *, revalidated: bool = False):
    def build(seq, boundary):
        terminal = db.session.execute(
            select(Terminal).where(
                Terminal.code == code, Terminal.active.is_(True), Terminal.kind.in_(CALL_KINDS)
            )
        ).scalar_one_or_none()
        if terminal is None:
            raise LookupError(code)
        payload, deps, until = build_calls(terminal, clock_now(), (seq, boundary))
        valid = min((t for t in (boundary, until) if t is not None), default=None)
        return json_answer(payload, deps, seq, valid, shared=False)

    return obtain(calls_key(code), build, revalidated=revalidated)


@bp.get("/screens/<code>/calls.json")
@declare(
    "大厅当前的叫号：各窗口状态、最近的叫号（最新的在前）、待播的语音（条件 GET）",
    response=CallsAnswer,
    description="大屏叠加“正在叫号”条、触摸查询机按需查看、LED 网关拉取。"
    "ETag 只随本大厅的叫号和本终端的设置变化。",
    status_description="当前叫号",
    problems=(400,),
    **SCREEN_ROUTE,
)
@fast_answer(FastAnswer(access=CALL_SCREENS))
def calls(code: str):
    refuse_unknown_params(())
    terminal_or_refuse(code, CALL_SCREENS)
    try:
        return to_response(calls_answer(code, revalidated=True))
    except LookupError:
        raise TerminalRefused(code) from None


READ_ALOUD_MAX = 1000  # characters a kiosk may have read aloud at once


@bp.post("/screens/<code>/speak")
def speak(code: str):
    """朗读 (无障碍): a kiosk has an item or a guide read aloud by the calls' voice.
    Answers where the WAV is (cached by its words, as announcements are): the
    pages' policy lets media come from this server only."""
    terminal = terminal_or_refuse(code, KIOSK)
    text = " ".join(str(json_object().get("text", "")).split())[:READ_ALOUD_MAX]
    if not text:
        raise Problem(422, "没有要朗读的文字", errors={"text": "请给出要朗读的文字"})
    key, wav = voice_of(db.session, terminal.hall_id).speak(voice.text_words(text))
    return {"audio": audio_url(key), "seconds": round(voice.seconds_of(wav), 2)}


def audio_url(key: str) -> str:
    return url_for("calling.audio", key=key)


@bp.get("/audio/<key>.wav")
def audio(key: str):
    """An announcement's sound (made when the call arrived, cached by its words):
    public, as the call itself is spoken in the hall."""
    path = audio_path(key)
    if path is None:
        abort(404)
    response: Response = send_file(path, mimetype="audio/wav", max_age=86400, conditional=True)
    return response
