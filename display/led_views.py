"""LED strip endpoints for controllers and bridges that pull: PNG/BMP frame, GIF, text."""

from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, request

from content_feed.api.caching import etag_matches
from content_feed.clock import now
from content_feed.db import db
from display import presence
from display.access import terminal_or_refuse
from display.blueprints import bp
from display.led.fonts import NoLedFont
from display.led.strip import FrameCache, Rendered, render_program
from display.program import build_program, program_etag

FRAME_TYPES = {"png": "image/png", "bmp": "image/bmp"}


def frame_cache() -> FrameCache:
    return current_app.extensions.setdefault("sunlight.led_frames", FrameCache())


def rendered_for(terminal) -> tuple[str, Rendered]:
    etag = program_etag(terminal)

    def make() -> Rendered:
        return render_program(terminal, build_program(db.session, terminal, now(), etag))

    return etag, frame_cache().get((terminal.id, etag), make)


def _seen(terminal, version: str) -> None:
    presence.record(terminal, now(), throttle=True, last_version=version, last_program="LED")


def _no_font(exc: NoLedFont) -> Response:
    current_app.logger.error("%s", exc)
    return Response(str(exc), status=503, mimetype="text/plain", headers={"Retry-After": "60"})


def _sub_etag(etag: str, part: str) -> str:
    return '"' + hashlib.sha1(f"{etag}:{part}".encode()).hexdigest()[:20] + '"'


@bp.get("/led/<code>.<fmt>")
def led(code: str, fmt: str):
    terminal = terminal_or_refuse(code, "led")
    if fmt not in ("png", "bmp", "gif", "txt", "json"):
        return Response(b"", status=404)
    try:
        etag, rendered = rendered_for(terminal)
    except NoLedFont as exc:
        return _no_font(exc)
    _seen(terminal, etag.strip('"'))
    if fmt in FRAME_TYPES:
        n, frame = rendered.frame_at(int(now().timestamp() * 1000))
        tag = _sub_etag(etag, f"{fmt}{n}")
        headers = {
            "ETag": tag,
            "Cache-Control": "no-cache",
            "X-Frame-Index": str(n),
            "X-Frame-Count": str(len(rendered.frames)),
            "X-Frame-Ms": str(frame.ms),
        }
        if etag_matches(request.headers.get("If-None-Match"), tag):
            return Response(status=304, headers=headers)
        body = rendered.png(n) if fmt == "png" else rendered.bmp(n)
        return Response(body, mimetype=FRAME_TYPES[fmt], headers=headers)
    tag = _sub_etag(etag, fmt)
    outside = rendered.outside
    headers = {
        "ETag": tag,
        "Cache-Control": "no-cache",
        "X-Outside-GB2312": "1" if outside else "0",
    }
    if etag_matches(request.headers.get("If-None-Match"), tag):
        return Response(status=304, headers=headers)
    if fmt == "gif":
        return Response(rendered.gif(), mimetype="image/gif", headers=headers)
    if fmt == "txt":
        return Response(
            rendered.text.encode("utf-8"), mimetype="text/plain", headers=headers
        )  # Flask adds charset=utf-8
    body = {
        "version": etag.strip('"'),
        "text": rendered.text,
        "outside_gb2312": outside,
        "gb2312_safe": not outside,
        "pages": [
            {
                "label": p.label,
                "text": p.text,
                "seconds": p.seconds,
                "tone": p.tone,
                "outside_gb2312": rendered_outside(p.text),
            }
            for p in rendered.pages
        ],
        "width": terminal.width,
        "height": terminal.height,
        "color_mode": terminal.color_mode,
    }
    return Response(
        json.dumps(body, ensure_ascii=False), mimetype="application/json", headers=headers
    )


def rendered_outside(text: str) -> list[str]:
    from display.led.gb2312 import outside_gb2312

    return outside_gb2312(text)
