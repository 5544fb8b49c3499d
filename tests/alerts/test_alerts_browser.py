"""An orange alert pushed over HTTP takes the wall in real Chromium within a poll, in
its colour, is on the LED strip's frame, and leaves both when its Cancel arrives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from content_feed.clock import SystemClock
from content_feed.db import db
from tests.alerts import documents as doc
from tests.alerts.conftest import FEED_TOKEN, LED, copy_world
from tests.conftest import LiveServer, build_app

pytestmark = pytest.mark.browser


@pytest.fixture
def alert_server(alert_world, tmp_path):
    copy_world(alert_world, tmp_path)
    app = build_app(tmp_path, SystemClock())
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


def push(server, text: str) -> requests.Response:
    return requests.post(
        f"{server.url}/alerts/feeds/1/cap",
        data=text.encode(),
        headers={"Content-Type": "application/cap+xml", "Authorization": f"Bearer {FEED_TOKEN}"},
        timeout=10,
    )


def test_a_pushed_orange_alert_takes_the_wall_and_the_strip_until_cancelled(
    browser, alert_server, screenshot_dir
):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{alert_server.url}/display/wall-1?token=demo-wall-token&poll=1&speed=0.1")
    page.wait_for_function("() => document.body.dataset.online === '1'", timeout=10_000)
    sent = datetime.now(UTC).replace(microsecond=0)
    assert push(alert_server, doc.alert(sent, level="orange")).status_code == 200
    page.wait_for_selector("#urgent:not([hidden])", timeout=6_000)
    assert "【橙色预警】西城区气象台发布暴雨橙色预警信号" in page.inner_text("#urgent-title")
    colour = page.evaluate("getComputedStyle(document.getElementById('urgent')).backgroundColor")
    assert colour == "rgb(230, 81, 0)"  # orange, not the console notice's red
    page.screenshot(path=str(screenshot_dir / "alerts-wall-orange-1920x1080.png"))
    strip = requests.get(alert_server.url + LED, timeout=10).json()
    assert "橙色预警" in strip["text"]
    png = requests.get(alert_server.url + LED.replace(".json", ".png"), timeout=10)
    (screenshot_dir / "alerts-led-orange.png").write_bytes(png.content)

    cancel = doc.alert(
        sent + timedelta(seconds=1),
        level="orange",
        msg_type="Cancel",
        references=[doc.reference(sent)],
    )
    assert push(alert_server, cancel).status_code == 200
    page.wait_for_selector("#urgent", state="hidden", timeout=6_000)
    assert "预警" not in requests.get(alert_server.url + LED, timeout=10).json()["text"]
    page.close()
