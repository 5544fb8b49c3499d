"""The kiosk in real Chromium: browsing, QR codes, search by keyboard, idle reset, offline."""

from __future__ import annotations

import io
import time

import pytest
import requests
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from content_feed.db import db
from content_feed.models import Inquiry, Item, Terminal
from content_feed.urls import item_home
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

ORIENTATIONS = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


@pytest.fixture
def open_kiosk(browser, live_server):
    contexts = []

    def open_(size=(1080, 1920), query=""):
        # Service workers blocked: the kiosk must work the way it does on a LAN
        # address over plain HTTP, where browsers give it none.
        context = browser.new_context(
            viewport={"width": size[0], "height": size[1]}, service_workers="block"
        )
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(exc))
        page.goto(f"{live_server.url}/kiosk/kiosk-1{query}")
        page.wait_for_selector(".page.home")
        return page

    yield open_
    for context in contexts:
        context.close()


def stored(server, model=Inquiry) -> int:
    with server.app.app_context():
        return db.session.execute(select(func.count(model.id))).scalar()


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def decode_qr(url: str) -> str:
    png = requests.get(url, timeout=5).content
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text


def dock(page, label):
    page.locator(".dock button", has_text=label).click()


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_browse_search_and_take_home(open_kiosk, live_server, screenshot_dir, orientation):
    page = open_kiosk(ORIENTATIONS[orientation])
    page.screenshot(path=screenshot_dir / f"kiosk-home-{orientation}.png")

    # Catalogue tile → category list → item, whose QR code leads to its online home.
    page.locator(".cat-tile", has_text="党费收缴使用").click()
    page.wait_for_selector(".page.category")
    first = page.locator(".list .row").first
    title = first.locator(".row-title").inner_text()
    first.click()
    page.wait_for_selector(".item-title")
    assert page.locator(".item-title").inner_text() == title
    item_id = int(page.evaluate("location.hash").rsplit("/", 1)[1])
    qr_src = page.locator(".item-head .qr img").get_attribute("src")
    with live_server.app.app_context():
        expected = item_home(db.session.get(Item, item_id))
    assert decode_qr(live_server.url + qr_src) == expected
    page.screenshot(path=screenshot_dir / f"kiosk-item-{orientation}.png")

    # A guide, with its QR code and a print button.
    dock(page, "办事指南")
    page.locator(".guide-tile", has_text="不动产登记").click()
    page.wait_for_selector(".guide-page .checklist")
    assert page.locator(".guide-page button", has_text="打印本指南").is_visible()
    guide_qr = page.locator(".guide-head .qr img").first.get_attribute("src")
    assert "/p/guides/" in decode_qr(live_server.url + guide_qr)
    page.screenshot(path=screenshot_dir / f"kiosk-guide-{orientation}.png")
    if orientation == "portrait":
        page.emulate_media(media="print")
        page.screenshot(path=screenshot_dir / "kiosk-guide-print.png", full_page=True)
        assert page.locator(".guide-head .qr img").first.is_visible()
        assert not page.locator(".dock").is_visible()
        page.emulate_media(media="screen")

    # Search: a Chinese word by touch, then pinyin initials on the on-screen keyboard.
    dock(page, "查找")
    page.locator(".hot .chip", has_text="党费").click()
    page.wait_for_selector(".results .result mark")
    assert "党费" in page.locator(".results .result .row-title").first.inner_text()
    page.locator(".key[data-key=clear]").click()
    for key in "bdc":
        page.locator(f".key[data-key={key}]").click()
    page.wait_for_function(
        "document.querySelector('.results .result .row-title')?.textContent.includes('不动产登记')"
    )
    assert page.locator(".results .result mark").first.inner_text() == "不动产"
    page.screenshot(path=screenshot_dir / f"kiosk-search-{orientation}.png")

    # The heartbeat has told the server where this kiosk is.
    def seen():
        with live_server.app.app_context():
            t = db.session.execute(select(Terminal).where(Terminal.code == "kiosk-1")).scalar_one()
            return t.last_seen_at is not None

    wait_until(seen)
    assert page.errors == []


def test_idle_reset_clears_a_half_typed_question(open_kiosk, live_server):
    page = open_kiosk(query="?idle=2&attract=1")
    page.locator("#toggle-large").click()
    assert "large" in page.evaluate("document.documentElement.className")
    dock(page, "咨询建议")
    page.fill("#f-text", "我想问一下党员组织关系转接")
    page.wait_for_selector("#attract:not([hidden])", timeout=6000)
    assert page.evaluate("location.hash") in ("", "#/")
    page.locator("#attract").click()
    page.wait_for_selector("#attract", state="hidden")
    assert "large" not in page.evaluate("document.documentElement.className")
    dock(page, "咨询建议")
    assert page.input_value("#f-text") == ""


def test_a_retry_with_the_same_key_stores_once(open_kiosk, live_server):
    page = open_kiosk()
    dropped = []

    def lose_the_answer(route):
        # The first attempt reaches the server, but its answer never comes back.
        if not dropped:
            dropped.append(route.fetch().status)
            route.abort()
        else:
            route.continue_()

    page.route("**/api/v1/inquiries", lose_the_answer)
    dock(page, "咨询建议")
    page.fill("#f-text", "大厅周六上午是否可以办理社保卡？")
    page.click("button[type=submit]")
    page.wait_for_selector(".page.receipt h1:text('已保存')")
    assert dropped == [201] and stored(live_server) == 1
    key = page.evaluate("sunlightKiosk.outbox.entries()[0].body.idempotency_key")
    page.evaluate("sunlightKiosk.outbox.flush()")
    wait_until(lambda: page.evaluate("sunlightKiosk.outbox.entries().length") == 0)
    assert stored(live_server) == 1
    receipt = page.evaluate("sunlightKiosk.outbox.receipts()[0].receipt_no")
    with live_server.app.app_context():
        row = db.session.execute(select(Inquiry)).scalar_one()
        assert (row.idempotency_key, row.receipt_no) == (key, receipt)


def test_outage_keep_browsing_submit_and_send_once_back(open_kiosk, live_server):
    page = open_kiosk(query="?poll=1")
    live_server.stop()
    page.wait_for_selector("#offline:not([hidden])", timeout=8000)

    # Browsing goes on from what the kiosk keeps.
    page.locator(".cat-tile", has_text="决策部署").click()
    page.locator(".list .row").first.click()
    page.wait_for_selector(".item-body")
    dock(page, "办事指南")
    page.locator(".guide-tile").first.click()
    page.wait_for_selector(".guide-page .steps")

    dock(page, "咨询建议")
    page.fill("#f-text", "停电期间提交的问题")
    page.fill("#f-phone", "13700002222")
    page.click("button[type=submit]")
    page.wait_for_selector(".page.receipt h1:text('已保存')")
    assert page.evaluate("sunlightKiosk.outbox.entries().length") == 1
    assert stored(live_server) == 0

    back = LiveServer(live_server.app, port=live_server.port).start()
    try:
        page.wait_for_selector("#offline", state="hidden", timeout=8000)
        wait_until(lambda: page.evaluate("sunlightKiosk.outbox.entries().length") == 0)
        time.sleep(1.5)  # a few more polls: nothing is sent twice
        assert stored(live_server) == 1
        with live_server.app.app_context():
            assert db.session.execute(select(Inquiry.text)).scalar_one() == "停电期间提交的问题"
    finally:
        back.stop()
