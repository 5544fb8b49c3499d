"""Previews of a disclosure item as the screens will show it, made by the screens'
own renderers: the LED preview is the LED renderer's PNG at a strip's real size,
the wall preview is the wall player itself playing a program of that one item.

Used by the console's item preview (预览) page; readable by whoever may read items.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import Response, abort, current_app, jsonify, make_response, render_template, request
from sqlalchemy import select

from admin.auth import role_required
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Hall, Item, Terminal
from content_feed.timefmt import iso
from content_feed.vocabulary import LED_COLOR_MODES
from display.blueprints import console_bp
from display.led.fonts import NoLedFont
from display.led.strip import render_program
from display.playlist import Resolver
from display.screens import hall_tz
from shared.ids import db_int
from web.extensions import csrf
from web.security_headers import frameable_by_own_pages

READERS = ("drafter", "reviewer", "approver", "operator")
PREVIEW_AT_MS = 3000
DEFAULT_STRIP = {"width": 192, "height": 32, "color_mode": "mono", "led_color": "red"}


def _revision(item_id: int):
    item = db.session.get(Item, item_id) or abort(404)
    number = request.args.get("rev", type=db_int)
    revs = item.revisions
    rev = next((r for r in revs if r.number == number), None)
    return item, rev or item.published_revision or (revs[-1] if revs else abort(404))


def _shown(item: Item, rev) -> SimpleNamespace:
    """The revision in the shape the playlist resolver reads an item in."""
    return SimpleNamespace(
        id=item.id,
        title=rev.title,
        led_text=rev.led_text,
        summary=rev.summary,
        body=rev.body,
        publishing_body=rev.publishing_body,
        online_url=rev.online_url,
        last_published_at=item.last_published_at or now(),
        category=item.category,
    )


def _hall() -> Hall | None:
    return db.session.execute(select(Hall).order_by(Hall.id)).scalars().first()


def preview_program(item: Item, rev, kind: str, terminal_kind: str) -> dict:
    """A program of this one revision, shaped as display.program.build_program's."""
    hall = _hall()
    entry = Resolver(db.session, hall.id if hall else None, terminal_kind, now()).item(
        _shown(item, rev), kind
    )
    return program_of(entry, f"preview-{item.id}-{rev.number}", terminal_kind)


def program_of(entry: dict, key: str, terminal_kind: str) -> dict:
    """A program of one shown entry, for the players and renderers to draw."""
    hall = _hall()
    entry.update({"key": key, "duration": 15})
    return {
        "version": key,
        "generated_at": iso(now()),
        "terminal": {"code": "preview", "name": "预览", "kind": terminal_kind},
        "hall": {
            "code": hall.code if hall else "",
            "name": hall.name if hall else current_app.config["SUNLIGHT"]["hall"]["name"],
            "timezone": str(hall_tz(SimpleNamespace(hall=hall))),
            "phone": hall.phone if hall else "",
        },
        "mode": "schedule",
        "slot": "preview",
        "schedule": None,
        "playlist": {"id": 0, "name": "预览"},
        "since": iso(now()),
        "until": None,
        "urgent": [],
        "entries": [entry],
        "ticker": [],
    }


def led_png(entry: dict, key: str) -> Response:
    """The LED renderer's frame of one entry, a moment in, on the hall's first strip."""
    strip = _strip()
    if strip.color_mode not in LED_COLOR_MODES:
        strip.color_mode = "mono"
    try:
        rendered = render_program(strip, program_of(entry, key, "led"))
    except NoLedFont as exc:
        return Response(str(exc), status=503, mimetype="text/plain")
    # A moment in: a scrolling text has come into view by then (a short one stands still).
    frame, _ = rendered.frame_at(min(PREVIEW_AT_MS, max(rendered.cycle_ms - 1, 0)))
    response = Response(rendered.png(frame), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Count"] = str(len(rendered.frames))
    return response


def _strip() -> Terminal | SimpleNamespace:
    """The hall's first LED strip (its size, colours and font), else a common 192×32."""
    strip = (
        db.session.execute(
            select(Terminal)
            .where(Terminal.kind == "led", Terminal.active.is_(True))
            .order_by(Terminal.id)
        )
        .scalars()
        .first()
    )
    if strip is not None:
        return strip
    return SimpleNamespace(**DEFAULT_STRIP, font_size=16, scroll_speed=32, kind="led")


@console_bp.get("/preview/items/<int:item_id>/led.png")
@role_required(*READERS)
def preview_led(item_id: int):
    item, rev = _revision(item_id)
    hall = _hall()
    entry = Resolver(db.session, hall.id if hall else None, "led", now()).item(
        _shown(item, rev), "item_headline"
    )
    return led_png(entry, f"preview-{item.id}-{rev.number}")


@console_bp.get("/preview/items/<int:item_id>/program.json")
@role_required(*READERS)
def preview_wall_program(item_id: int):
    item, rev = _revision(item_id)
    response = jsonify(preview_program(item, rev, "item_headline", "wall"))
    response.headers["Cache-Control"] = "no-store"
    return response


@console_bp.get("/preview/items/<int:item_id>/wall")
@role_required(*READERS)
def preview_wall(item_id: int):
    item, rev = _revision(item_id)
    hall = _hall()
    terminal = SimpleNamespace(code=f"preview-{item.id}", name=f"预览：{rev.title}", hall=hall)
    sink = f"{request.script_root}/admin/display/preview/sink"
    page = render_template(
        "display/wall.html",
        terminal=terminal,
        poll_seconds=3600,
        urls={
            "program": f"{request.script_root}/admin/display/preview/items/{item.id}/program.json"
            f"?rev={rev.number}",
            "heartbeat": sink,
            "ack": sink,
            "plays": sink,
        },
    )
    # Shown inside the console's item preview page (an iframe of the same origin).
    return frameable_by_own_pages(make_response(page))


@console_bp.post("/preview/sink")
@csrf.exempt
@role_required(*READERS)
def preview_sink():
    """Where a previewing player's heartbeats and plays go: nowhere."""
    return Response(status=204)
