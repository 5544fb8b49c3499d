"""A wall's screenshot upload: only with its own token, only a PNG, size-limited, the
newest kept; the console shows it to operators of its hall only."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Terminal
from monitoring.models import TerminalScreenshot
from monitoring.screenshots import MAX_BYTES, MAX_SIDE

TOKEN = {"X-Terminal-Token": "demo-wall-token", "Content-Type": "image/png"}


def png(colour: str, size=(64, 36)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def wall_id() -> int:
    return db.session.execute(select(Terminal.id).where(Terminal.code == "wall-1")).scalar_one()


def test_the_newest_png_is_kept_and_shown_in_the_console(demo_app, client, operator):
    for colour in ("red", "blue"):
        r = client.post("/display/wall-1/screenshot", data=png(colour), headers=TOKEN)
        assert r.status_code == 200 and r.json["ok"], r.data
    rows = db.session.execute(select(TerminalScreenshot)).scalars().all()
    assert len(rows) == 1 and (rows[0].width, rows[0].height) == (64, 36)
    r = operator.get(f"/admin/monitoring/terminals/{wall_id()}/screenshot.png")
    assert r.status_code == 200 and r.mimetype == "image/png"
    assert "no-store" in r.headers["Cache-Control"]
    assert Image.open(io.BytesIO(r.data)).getpixel((0, 0)) == (0, 0, 255)
    assert "截图于" in operator.get("/admin/monitoring").get_data(as_text=True)


def test_refusals(demo_app, client):
    url = "/display/wall-1/screenshot"
    wrong = {**TOKEN, "X-Terminal-Token": "wrong"}
    assert client.post(url, data=png("red"), headers=wrong).status_code == 404
    assert client.post(url, data=b"GIF89a....", headers=TOKEN).status_code == 415
    broken = png("red")[:40]
    r = client.post(url, data=broken, headers=TOKEN)
    assert r.status_code == 400 and "损坏" in r.json["detail"]
    r = client.post(url, data=b"\x89PNG\r\n\x1a\n" + bytes(MAX_BYTES), headers=TOKEN)
    assert r.status_code == 413 and "超过" in r.json["detail"]
    # Without a length up front (chunked, which waitress decodes and marks
    # terminated): the body read stops past the limit.
    r = client.post(
        url,
        input_stream=io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(MAX_BYTES)),
        headers={**TOKEN, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert r.status_code == 413 and "超过" in r.json["detail"]
    # A small file of a picture too large to be a screen.
    r = client.post(url, data=png("red", size=(MAX_SIDE + 1, 8)), headers=TOKEN)
    assert r.status_code == 400 and "尺寸" in r.json["detail"]
    assert not db.session.execute(select(TerminalScreenshot)).scalars().all()


def test_nobody_else_sees_it(demo_app, client):
    client.post("/display/wall-1/screenshot", data=png("red"), headers=TOKEN)
    r = client.get(f"/admin/monitoring/terminals/{wall_id()}/screenshot.png")
    assert r.status_code in (302, 401, 403)
