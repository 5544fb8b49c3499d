"""One sweep over every public surface: an internal item, however it is targeted,
never shows up on any of them (DESIGN.md: only scope `public` leaves the console)."""

import pytest

from content_feed.db import db
from content_feed.models import Item
from tests.builders import publish_item

SECRET = "内部通报绝密样本甲乙丙"
SURFACES = [
    "/api/v1/items?per_page=100",
    "/api/v1/items?per_page=100&surface=led",
    "/api/v1/items?per_page=100&surface=wall",
    "/api/v1/items?per_page=100&hall=hall-1",
    "/api/v1/catalogue",
    "/api/v1/search?q=绝密",
    "/api/v1/search?q=nbtb",
    "/feed.atom",
    "/kiosk/kiosk-1/bundle.json",
    "/display/wall-1/program.json?token=demo-wall-token",
    "/display/led/led-1.txt?token=demo-led-token",
    "/display/led/led-1.json?token=demo-led-token",
]


@pytest.mark.parametrize("scope", ["party", "unit", "specific"])
def test_internal_item_reaches_no_public_surface(demo_app, client, clock, scope):
    item = publish_item(
        clock.now(),
        SECRET,
        scope=scope,
        category_code="decisions-1",
        body=f"{SECRET} 正文",
        summary=SECRET,
        on_kiosk=True,
        on_wall=True,
        on_led=True,
        led_text=SECRET,
        timeliness="immediate",
    )
    assert db.session.get(Item, item.id).state == "published"
    # A public twin proves each surface really shows fresh items.
    twin = publish_item(
        clock.now(),
        "公开通报样本甲乙丙",
        category_code="decisions-1",
        on_led=True,
        timeliness="immediate",
    )
    seen_twin = 0
    for url in SURFACES:
        # The kiosk's bundle is for the kiosk: its token comes as a header.
        headers = {"X-Terminal-Token": "demo-kiosk-token"} if url.startswith("/kiosk/") else {}
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert SECRET not in text, f"internal item leaked on {url}"
        seen_twin += "公开通报样本甲乙丙" in text
    assert seen_twin >= 5
    for url in (f"/api/v1/items/{item.id}", f"/p/items/{item.id}", f"/qr/items/{item.id}.png"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/api/v1/items/{twin.id}").status_code == 200
