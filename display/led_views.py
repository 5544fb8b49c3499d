"""LED strip endpoints for controllers and bridges that pull: PNG/BMP frame, GIF, text.

One answer per strip and program: the program's answer (display/program.py)
rendered once into frames, each frame encoded once; the frame showing "now"
is found by arithmetic on the loop, from memory, by the WSGI fast path.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from flask import Response, current_app, request
from sqlalchemy import select

from content_feed.answers import TERMINAL_VARY, Answer, Shown, etag_matches
from content_feed.api.caching import FastAnswer, answer_cache, fast_answer, refuse_unknown_params
from content_feed.api.declare import Reply, declare
from content_feed.clock import now
from content_feed.db import db
from content_feed.fast_path import address_of, note_seen
from content_feed.models import Terminal
from content_feed.presence import book
from content_feed.schemas.screens import LedText
from content_feed.terminals import directory
from content_feed.versioning import versions
from display.access import LED_STRIPS, SCREEN_ROUTE, TerminalRefused
from display.blueprints import bp
from display.led.fonts import NoLedFont
from display.led.gb2312 import outside_gb2312
from display.led.strip import FrameCache, Rendered, render_key, render_program
from display.program import program_answer

FORMATS = {
    "png": "image/png",
    "bmp": "image/bmp",
    "gif": "image/gif",
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
}


# What a pull says of the strip in the console's "last program".
SEEN = {"last_program": "LED"}


def frame_cache() -> FrameCache:
    return current_app.extensions.setdefault("sunlight.led_frames", FrameCache())


@dataclass(kw_only=True)
class LedShow(Shown):
    """A strip's rendered program and the encodings made of it so far (and,
    as Shown, the program's urgent notices: a strip that pulls a frame shows them)."""

    rendered: Rendered
    program_etag: str
    width: int
    height: int
    color_mode: str
    _tags: dict[str, str] = field(default_factory=dict)
    _bodies: dict[str, bytes] = field(default_factory=dict)
    _outside: str | None = None

    @property
    def outside_flag(self) -> str:
        """X-Outside-GB2312: whether a text card would miss characters."""
        if self._outside is None:
            self._outside = "1" if self.rendered.outside else "0"
        return self._outside

    def tag(self, part: str) -> str:
        tag = self._tags.get(part)
        if tag is None:
            digest = hashlib.sha1(f"{self.program_etag}:{part}".encode()).hexdigest()[:20]
            tag = self._tags[part] = f'"{digest}"'
        return tag

    def body(self, fmt: str) -> bytes:
        data = self._bodies.get(fmt)
        if data is None:
            data = self._bodies[fmt] = self._encode(fmt)
        return data

    def _encode(self, fmt: str) -> bytes:
        rendered = self.rendered
        if fmt == "gif":
            return rendered.gif()
        if fmt == "txt":
            return rendered.text.encode("utf-8")
        outside = rendered.outside
        return json.dumps(
            {
                "version": self.program_etag.strip('"'),
                "text": rendered.text,
                "outside_gb2312": outside,
                "gb2312_safe": not outside,
                "pages": [
                    {
                        "label": p.label,
                        "text": p.text,
                        "seconds": p.seconds,
                        "tone": p.tone,
                        "outside_gb2312": outside_gb2312(p.text),
                    }
                    for p in rendered.pages
                ],
                "width": self.width,
                "height": self.height,
                "color_mode": self.color_mode,
            },
            ensure_ascii=False,
        ).encode()


def led_key(code: str) -> str:
    return f"led:{code}"


def led_answer(code: str) -> Answer:
    """Strip ``code``'s rendered program now; LookupError if no such active strip."""
    program = program_answer(code)
    cache = answer_cache()
    at = now()
    hit = cache.current(led_key(code), versions(), at)
    if hit is not None and hit.etag == program.etag:
        return hit

    def build(_seq, _boundary) -> Answer:
        terminal = db.session.execute(
            select(Terminal).where(
                Terminal.code == code, Terminal.kind == "led", Terminal.active.is_(True)
            )
        ).scalar_one_or_none()
        if terminal is None:
            raise LookupError(code)
        shown = json.loads(program.body)
        rendered = frame_cache().get(
            render_key(terminal, shown), lambda: render_program(terminal, shown)
        )
        show = LedShow(
            rendered=rendered,
            program_etag=program.etag,
            width=terminal.width,
            height=terminal.height,
            color_mode=terminal.color_mode,
            urgent=program.extra.urgent,
        )
        # Good exactly as long as the program it was drawn from. The frames
        # are shared with strips showing the same, and counted in the FrameCache.
        return Answer(
            b"",
            FORMATS["png"],
            program.etag,
            program.seq,
            program.depends,
            program.valid_until,
            shared=False,
            extra=show,
            size=4096,
        )

    if hit is not None:  # an older program's rendering: replace it
        cache.forget(led_key(code))
    # Never another strip's rendering of an older program while this one draws.
    return cache.obtain(led_key(code), versions(), at, build, program.seq)


def respond_led(answer: Answer, if_none_match, feed, at, args):
    """Status, headers and body of one pull; None for a format we do not make."""
    fmt = args.get("fmt")
    if fmt not in FORMATS:
        return None
    show: LedShow = answer.extra
    rendered = show.rendered
    if fmt in ("png", "bmp"):
        n, frame = rendered.frame_at(int(at.timestamp() * 1000))
        tag = show.tag(f"{fmt}{n}")
        headers = [
            ("ETag", tag),
            ("Cache-Control", "no-cache"),
            TERMINAL_VARY,
            ("X-Frame-Index", str(n)),
            ("X-Frame-Count", str(len(rendered.frames))),
            ("X-Frame-Ms", str(frame.ms)),
        ]
        if etag_matches(if_none_match, tag):
            return 304, headers, b""
        body = rendered.png(n) if fmt == "png" else rendered.bmp(n)
    else:
        tag = show.tag(fmt)
        headers = [
            ("ETag", tag),
            ("Cache-Control", "no-cache"),
            TERMINAL_VARY,
            ("X-Outside-GB2312", show.outside_flag),
        ]
        if etag_matches(if_none_match, tag):
            return 304, headers, b""
        body = show.body(fmt)
    headers += [("Content-Type", FORMATS[fmt]), ("Content-Length", str(len(body)))]
    return 200, headers, body


def _no_font(exc: NoLedFont) -> Response:
    current_app.logger.error("%s", exc)
    return Response(str(exc), status=503, mimetype="text/plain", headers={"Retry-After": "60"})


@bp.get("/led/<code>.<fmt>")
@declare(
    "LED 条屏拉取：当前一帧（PNG/BMP）、整套动画（GIF）、文字（TXT/JSON）",
    description="png、bmp：此刻应显示的一帧（X-Frame-Index 等说明它在循环中的位置）；"
    "gif：整个节目的动画；txt：每页一行的文字（UTF-8）；json：逐页文字及 GB2312 不能编码的字符。"
    "ETag 随格式（png、bmp 还随帧）而不同。",
    status_description="当前内容",
    content={
        "image/png": None,
        "image/bmp": None,
        "image/gif": None,
        "text/plain": str,
        "application/json": LedText,
    },
    headers={
        "X-Frame-Index": "png、bmp：这是第几帧（从 0 起）",
        "X-Frame-Count": "png、bmp：循环共几帧",
        "X-Frame-Ms": "png、bmp：这一帧显示的毫秒数",
        "X-Outside-GB2312": "gif、txt、json：1 表示有 GB2312 不能编码的字符，0 表示没有",
    },
    path={"fmt": {"enum": list(FORMATS), "description": "格式"}},
    problems=(400,),
    **{
        **SCREEN_ROUTE,
        "replies": {
            **SCREEN_ROUTE["replies"],
            503: Reply(
                "服务器缺少 LED 字体，暂时不能生成（纯文本说明）",
                schema=str,
                headers={"Retry-After": "60"},
                media_type="text/plain",
            ),
        },
    },
)
@fast_answer(
    FastAnswer(
        access=LED_STRIPS,
        respond=respond_led,
        seen=SEEN,
        key=lambda args: led_key(args["code"]),
    )
)
def led(code: str, fmt: str):
    if fmt not in FORMATS:
        raise TerminalRefused(code)  # the same empty, uncached 404 as any refusal
    refuse_unknown_params(())
    card = LED_STRIPS.card(directory(), code, request.environ)
    if card is None:
        raise TerminalRefused(code)
    try:
        answer = led_answer(code)
    except NoLedFont as exc:
        return _no_font(exc)
    except LookupError:
        raise TerminalRefused(code) from None
    at = now()
    note_seen(book(), card, answer, at, address_of(request.environ), SEEN)
    status, headers, body = respond_led(
        answer,
        request.headers.get("If-None-Match"),
        current_app.config["SUNLIGHT"]["feed"],
        at,
        {"fmt": fmt},
    )
    response = Response(body, status=status)
    for name, value in headers:
        response.headers[name] = value
    return response
