"""截图: a wall, told by the 截图 command, draws its own screen (the vendored
html-to-image, in the browser) and posts the PNG here with its terminal token. One
picture per terminal, the newest; the console shows it (``views.screenshot``)."""

from __future__ import annotations

import io
import json

from flask import Blueprint, Response, request
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from content_feed.api.declare import declare
from content_feed.api.problems import Problem
from content_feed.clock import now
from content_feed.db import db
from content_feed.terminals import TerminalAccess
from content_feed.timefmt import iso
from display.access import SCREEN_ROUTE, terminal_or_refuse
from monitoring.models import TerminalScreenshot

# Walls only, their token in the X-Terminal-Token header (the player's fetch sends it).
WALLS = TerminalAccess(("wall",))
MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4096

bp = Blueprint("monitoring_walls", __name__, url_prefix="/display")


def _picture(data: bytes) -> tuple[int, int]:
    """The PNG's size; a Problem unless it is one PNG of a sensible size."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise Problem(415, "截图须为 PNG 图片")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise Problem(400, "截图无法读取（PNG 已损坏）") from None
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise Problem(400, f"截图尺寸须在 {MAX_SIDE}×{MAX_SIDE} 像素以内")
    return width, height


@bp.post("/<code>/screenshot")
@declare(
    "大屏截图：收到“截图”命令后，大屏绘制自己当前的画面并上传（PNG，每台只保留最新一张）",
    request_media={"image/png": f"大屏当前画面，PNG，不超过 {MAX_BYTES // 1024 // 1024} MB"},
    status_description="已保存",
    problems=(400, 413, 415),
    token=True,
    replies=SCREEN_ROUTE["replies"],
)
def upload(code: str):
    terminal = terminal_or_refuse(code, WALLS)
    if (request.content_length or 0) > MAX_BYTES:
        raise Problem(413, f"截图超过 {MAX_BYTES // 1024 // 1024} MB")
    data = request.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise Problem(413, f"截图超过 {MAX_BYTES // 1024 // 1024} MB")
    width, height = _picture(data)
    at = now()
    row = db.session.execute(
        select(TerminalScreenshot).where(TerminalScreenshot.terminal_id == terminal.id)
    ).scalar_one_or_none()
    if row is None:
        row = TerminalScreenshot(terminal_id=terminal.id)
        db.session.add(row)
    row.taken_at, row.width, row.height, row.png = at, width, height, data
    db.session.commit()
    return Response(
        json.dumps({"ok": True, "taken_at": iso(at)}),
        mimetype="application/json",
        headers={"Cache-Control": "no-store"},
    )
