"""The wall player in real Chromium against a live waitress server (short polls and durations)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import (
    Playlist,
    PlaylistEntry,
    RotationSchedule,
    Terminal,
    UrgentNotice,
    UrgentNoticeAck,
)
from tests.builders import publish_item
from tests.conftest import LiveServer, never_answering

pytestmark = pytest.mark.browser

# Poll every second; entries last a tenth of their configured time (12 s → 1.2 s).
QUERY = "token=demo-wall-token&poll=1&speed=0.1"


def open_wall(browser, server, width=1920, height=1080, query=QUERY):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{server.url}/display/wall-1?{query}")
    page.wait_for_function("() => document.body.dataset.online === '1'", timeout=10_000)
    return page


def settled_screenshot(page, path) -> None:
    """After a transition: one slide left on the stage."""
    page.wait_for_function("() => document.querySelectorAll('.slide').length === 1", timeout=10_000)
    page.screenshot(path=str(path))


def entries_seen(page, seconds: float) -> list[str]:
    seen, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        key = page.evaluate("document.body.dataset.entry")
        if key and (not seen or seen[-1] != key):
            seen.append(key)
        time.sleep(0.1)
    return seen


def test_player_rotates_and_fits_wall_and_strip(browser, live_server, screenshot_dir):
    page = open_wall(browser, live_server)
    seen = entries_seen(page, 4)
    assert len(set(seen)) >= 3, seen
    page.wait_for_timeout(900)  # let the transition settle
    page.screenshot(path=str(screenshot_dir / "wall-1920x1080.png"))
    # Guides carry their QR code as an inline image.
    page.wait_for_selector(".slide.kind-guide .qr img", timeout=15_000)
    page.wait_for_timeout(900)
    page.screenshot(path=str(screenshot_dir / "wall-1920x1080-guide.png"))
    page.close()
    for width, height, name in (
        (1280, 320, "wall-1280x320.png"),
        (1080, 1920, "wall-1080x1920.png"),
    ):
        page = open_wall(browser, live_server, width, height)
        page.wait_for_timeout(1500)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > innerWidth || document.documentElement.scrollHeight > innerHeight"
        )
        assert not overflow
        settled_screenshot(page, screenshot_dir / name)
        page.close()


def test_urgent_notice_takes_over_within_one_poll_and_leaves_at_its_end(
    browser, live_server, screenshot_dir
):
    page = open_wall(browser, live_server)
    with live_server.app.app_context():
        now = datetime.now(UTC)
        notice = UrgentNotice(
            title="大厅临时停电，暂停办理",
            body="请到二楼临时窗口办理，给您带来不便敬请谅解。",
            starts_at=now - timedelta(seconds=1),
            ends_at=now + timedelta(seconds=6),
        )
        db.session.add(notice)
        db.session.commit()
        notice_id = notice.id
    # One 1 s poll shows it; the margin is for a busy CI machine, not a figure.
    page.wait_for_selector("#urgent:not([hidden])", timeout=6_000)
    assert "大厅临时停电" in page.inner_text("#urgent-title")
    page.screenshot(path=str(screenshot_dir / "wall-urgent-1920x1080.png"))
    time.sleep(1.5)
    with live_server.app.app_context():
        ack = db.session.execute(
            select(UrgentNoticeAck).where(UrgentNoticeAck.notice_id == notice_id)
        ).scalar_one()
        assert ack.last_confirmed_at >= ack.first_shown_at
    page.wait_for_selector("#urgent", state="hidden", timeout=8_000)
    assert page.evaluate("document.body.dataset.mode") != "urgent"
    page.close()


def test_player_survives_an_outage_and_follows_a_change(browser, live_server):
    page = open_wall(browser, live_server)
    entries_seen(page, 1.5)
    live_server.stop()
    page.wait_for_function("() => document.body.dataset.online === '0'", timeout=5_000)
    seen = entries_seen(page, 4)
    assert len(set(seen)) >= 2, seen  # still rotating from the stored program
    with live_server.app.app_context():
        wall = db.session.execute(select(Terminal).where(Terminal.code == "wall-1")).scalar_one()
        playlist = Playlist(name="临时节目", hall_id=wall.hall_id)
        playlist.entries.append(
            PlaylistEntry(
                kind="qr_card",
                params={"title": "新的节目已上线", "url": "http://hall.example.test/new"},
                duration_seconds=20,
                published_at=datetime(2026, 1, 1, tzinfo=UTC),  # approved
            )
        )
        db.session.add(playlist)
        db.session.flush()
        db.session.add(RotationSchedule(playlist_id=playlist.id, terminal_id=wall.id, priority=50))
        db.session.commit()
    server = LiveServer(live_server.app, port=live_server.port).start()
    try:
        page.wait_for_function("() => document.body.dataset.online === '1'", timeout=8_000)
        page.wait_for_selector(".slide.kind-qr_card >> text=新的节目已上线", timeout=5_000)
    finally:
        server.stop()
        page.close()


def test_a_server_that_never_answers_does_not_stop_the_wall(browser, live_server, screenshot_dir):
    """A connection the network keeps and nobody answers (a switch restarting): after
    twenty seconds (four here: ``wait=4``) the wall gives up that poll, says it is
    offline, keeps rotating its stored program and polls again, so it is back once the
    server answers."""
    page = open_wall(browser, live_server, query=QUERY + "&wait=4")
    live_server.stop()
    with never_answering(live_server.port):
        started = time.monotonic()
        page.wait_for_function("() => document.body.dataset.online === '0'", timeout=40_000)
        waited = time.monotonic() - started
        assert waited > 3.5, waited  # it was waiting for an answer, not refused
        seen = entries_seen(page, 3)
        assert len(set(seen)) >= 2, seen
        page.screenshot(path=str(screenshot_dir / "wall-no-answer-1920x1080.png"))
    server = LiveServer(live_server.app, port=live_server.port).start()
    try:
        page.wait_for_function("() => document.body.dataset.online === '1'", timeout=30_000)
    finally:
        server.stop()
        page.close()


def test_long_texts_fit_the_wall_and_scroll_on_a_strip(browser, live_server, screenshot_dir):
    long_title = (
        "关于2026年度党费收缴、使用和管理情况以及党员教育培训经费支出明细的专项公开（含附表）"
    )
    with live_server.app.app_context():
        now = datetime.now(UTC)
        publish_item(now, long_title)  # the newest item: the first headline
        db.session.add(
            UrgentNotice(
                title="因系统升级，今日16:00后暂停不动产登记业务办理，请群众合理安排时间，带来不便敬请谅解",
                body="系统升级期间，不动产登记窗口暂停受理。其他业务正常办理。咨询电话：0000-1230005。",
                starts_at=now + timedelta(seconds=6),
                ends_at=now + timedelta(minutes=5),
            )
        )
        db.session.commit()

    # A strip has one line for a title: the long one scrolls through to its last character.
    page = open_wall(browser, live_server, 1280, 320, "token=demo-wall-token&poll=1")
    run = page.wait_for_selector(".slide .title.scrolling .title-run", timeout=5_000)
    assert run.inner_text() == long_title
    run.evaluate("(el) => el.getAnimations().forEach((a) => a.finish())")
    title_right, run_right = run.evaluate(
        "(el) => [el.parentElement.getBoundingClientRect().right, el.getBoundingClientRect().right]"
    )
    assert abs(title_right - run_right) <= 2
    page.screenshot(path=str(screenshot_dir / "wall-1280x320-long-title-end.png"))

    # A long urgent notice shrinks until its label, text and end time are all on screen.
    for width, height in ((1920, 1080), (1280, 320), (1080, 1920)):
        wall = open_wall(browser, live_server, width, height)
        wall.wait_for_selector("#urgent:not([hidden])", timeout=10_000)
        fits = wall.evaluate(
            """() => {
              const box = document.getElementById('urgent');
              const label = document.querySelector('.urgent-label').getBoundingClientRect();
              return box.scrollHeight <= box.clientHeight + 2 && label.top >= 0;
            }"""
        )
        assert fits, (width, height)
        wall.screenshot(path=str(screenshot_dir / f"wall-urgent-long-{width}x{height}.png"))
        wall.close()
    page.close()
