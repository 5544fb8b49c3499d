"""The console's previews are made by the screens' own renderers (issue #12)."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Item, Terminal
from tests.display.conftest import signed_in


def an_item() -> Item:
    return (
        db.session.execute(
            select(Item).where(Item.state == "published", Item.scope == "public").order_by(Item.id)
        )
        .scalars()
        .first()
    )


def test_led_preview_is_the_renderers_png_at_the_strips_size(console_app):
    item = an_item()
    client = signed_in(console_app, "drafter")
    response = client.get(f"/admin/display/preview/items/{item.id}/led.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    strip = db.session.execute(select(Terminal).where(Terminal.kind == "led")).scalars().first()
    assert Image.open(io.BytesIO(response.data)).size == (strip.width, strip.height)
    assert int(response.headers["X-Frame-Count"]) >= 1


def test_wall_preview_is_the_player_playing_that_item(console_app):
    item = an_item()
    client = signed_in(console_app, "reviewer")
    page = client.get(f"/admin/display/preview/items/{item.id}/wall").get_data(as_text=True)
    assert "display/player.js" in page
    assert f"/admin/display/preview/items/{item.id}/program.json" in page
    program = client.get(f"/admin/display/preview/items/{item.id}/program.json").get_json()
    assert program["entries"][0]["title"] == item.title and program["entries"][0]["qr"]
    assert client.post("/admin/display/preview/sink", json={}).status_code == 204


def test_previews_need_a_reading_role(console_app):
    item = an_item()
    handler = signed_in(console_app, "handler")
    assert handler.get(f"/admin/display/preview/items/{item.id}/led.png").status_code == 403
    anonymous = console_app.test_client()
    assert anonymous.get(f"/admin/display/preview/items/{item.id}/wall").status_code == 302
    drafter = signed_in(console_app, "drafter")
    assert drafter.get("/admin/display/preview/items/99999999/led.png").status_code == 404


def test_item_preview_page_uses_them(console_app):
    item = an_item()
    page = signed_in(console_app, "approver").get(f"/admin/items/{item.id}/preview")
    text = page.get_data(as_text=True)
    assert f"/admin/display/preview/items/{item.id}/led.png" in text
    assert "preview-wall-player" in text
