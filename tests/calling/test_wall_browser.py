"""The wall in real Chromium: calls posted by the queue system appear on the band
over the program, the newest highlighted, and the call is announced (its text
shown large while it is spoken)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import select

from calling.models import CallingHall
from content_feed.db import db
from content_feed.models import Hall
from content_feed.terminals import hash_token
from tests.calling.conftest import QUEUE, QUEUE_TOKEN

pytestmark = pytest.mark.browser


def post(server, n: int, window: str, ticket: str) -> dict:
    body = {
        "event_id": f"browser-{n}",
        "type": "call",
        "window": window,
        "ticket": ticket,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    response = requests.post(
        f"{server.url}/api/v1/calling/hall-1/events", json=body, headers=QUEUE, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_calls_reach_the_wall_band_and_its_speaker(
    browser, live_server, clip_folder, screenshot_dir
):
    app = live_server.app
    app.config["CALLING_CLIPS"] = str(clip_folder)
    with app.app_context():
        hall = db.session.execute(select(Hall).where(Hall.code == "hall-1")).scalar_one()
        db.session.add(CallingHall(hall_id=hall.id, token_hash=hash_token(QUEUE_TOKEN), repeats=1))
        db.session.commit()
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/display/wall-1?token=demo-wall-token&poll=1&calls_poll=0.3")
    page.wait_for_function("() => document.body.dataset.online === '1'", timeout=10_000)
    assert page.is_hidden("#calling-band")
    post(live_server, 1, "3", "A001")
    post(live_server, 2, "5", "B002")
    page.wait_for_selector("#calling-band .newest[data-ticket='B002']", timeout=5_000)
    tickets = page.eval_on_selector_all(
        "#calling-band .calling-call", "els => els.map(e => e.dataset.ticket)"
    )
    assert tickets == ["B002", "A001"]
    assert "5号窗口" in page.inner_text("#calling-band .newest")
    # The first call is spoken first; while it is, its text is on screen.
    page.wait_for_function("() => window.__calling.heard.length >= 1", timeout=5_000)
    assert page.evaluate("window.__calling.heard[0].text") == "请A001号到3号窗口办理"
    assert page.inner_text("#calling-flash") == "请A001号到3号窗口办理"
    page.screenshot(path=str(screenshot_dir / "calling-wall-1920x1080.png"))
    # The program underneath plays on.
    assert page.evaluate("document.querySelectorAll('.slide').length") >= 1
    page.close()

    # A kiosk shows the calls on request, and reads a guide aloud.
    kiosk = browser.new_page(viewport={"width": 1080, "height": 1920})
    kiosk.goto(f"{live_server.url}/kiosk/kiosk-1?token=demo-kiosk-token")
    kiosk.click("nav button[data-go='#/calls']")
    kiosk.wait_for_selector(".calls-list li.newest", timeout=10_000)
    assert "B002" in kiosk.inner_text(".calls-list li.newest")
    kiosk.screenshot(path=str(screenshot_dir / "calling-kiosk-calls.png"))
    kiosk.click("nav button[data-go='#/guides']")
    kiosk.locator(".guides .guide-tile").first.click()
    with kiosk.expect_response(lambda r: r.url.endswith(".wav")) as spoken:
        kiosk.click("button.read-aloud")
    assert spoken.value.status in (200, 206)  # the media element asks for ranges
    assert spoken.value.headers["content-type"] == "audio/wav"
    # Playing (headless Chromium has no speaker, but the page's policy let it load).
    kiosk.wait_for_selector("button.read-aloud:has-text('停止朗读')", timeout=5_000)
    kiosk.close()
