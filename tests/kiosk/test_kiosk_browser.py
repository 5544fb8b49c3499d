"""The kiosk in real Chromium: browsing, QR codes, search by keyboard, idle reset, offline."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime

import pytest
import requests
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from content_feed.db import db
from content_feed.models import Inquiry, Item, Terminal
from content_feed.urls import item_home
from tests.builders import publish_item
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
        # First start: the kiosk is provisioned with its token in the address.
        extra = "&" + query.lstrip("?") if query else ""
        page.goto(f"{live_server.url}/kiosk/kiosk-1?token=demo-kiosk-token{extra}")
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
    # The title matches from "bd" on: wait for the answer to all three keys.
    page.wait_for_function(
        "() => document.querySelector('.results .result .row-title')"
        "?.textContent.includes('不动产登记')"
        " && document.querySelector('.results .result mark')?.textContent === '不动产'"
    )
    page.screenshot(path=screenshot_dir / f"kiosk-search-{orientation}.png")

    # The heartbeat has told the server where this kiosk is.
    def seen():
        with live_server.app.app_context():
            t = db.session.execute(select(Terminal).where(Terminal.code == "kiosk-1")).scalar_one()
            return t.last_seen_at is not None

    wait_until(seen)
    assert page.errors == []


def test_idle_reset_clears_a_half_typed_question(open_kiosk, live_server):
    # The reset warns first (test_accessibility_browser.py): here a warning of one second.
    page = open_kiosk(query="?idle=5&idlewarn=1&attract=1")
    page.locator("#toggle-large").click()
    assert "large" in page.evaluate("document.documentElement.className")
    dock(page, "咨询建议")
    page.fill("#f-text", "我想问一下党员组织关系转接")
    page.wait_for_selector("#attract:not([hidden])", timeout=12000)
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


# Every line of text the reader can see on a page of a paged item lies wholly inside the
# viewport: none half cut at the side by a turn that overshoots, none under the padding.
VISIBLE_LINES_INSIDE = """() => {
  const vp = document.querySelector('.pager-viewport');
  const r = vp.getBoundingClientRect();
  const box = {l: r.left + vp.clientLeft, t: r.top + vp.clientTop};
  box.r = box.l + vp.clientWidth; box.b = box.t + vp.clientHeight;
  const bad = []; let seen = 0;
  const walker = document.createTreeWalker(vp, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const f of range.getClientRects()) {
      if (f.right <= box.l || f.left >= box.r || f.bottom <= box.t || f.top >= box.b) continue;
      seen++;
      if (f.left < box.l - 1 || f.right > box.r + 1 || f.bottom > box.b + 1) bad.push(walker.currentNode.textContent.slice(0, 12));
    }
  }
  return {seen, bad};
}"""


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_a_long_item_turns_page_by_page_without_cutting_lines(
    open_kiosk, live_server, screenshot_dir, orientation
):
    paragraphs = "\n\n".join(
        f"第{n}条　为进一步规范党费收缴、使用和管理工作，结合本单位实际，现将有关情况公开如下。"
        for n in range(1, 30)
    )
    rows = "\n".join(
        f"| 2026年{m}月 | 12,{m}45.00 | 用于困难党员慰问及党员教育培训 |" for m in range(1, 13)
    )
    link = (
        "https://www.example.gov.cn/dangwugongkai/2026/a/very/long/path/to/the/document/index.html"
    )
    body = f"{paragraphs}\n\n| 月份 | 收缴（元） | 用途 |\n|---|---|---|\n{rows}\n\n全文见 {link}"
    with live_server.app.app_context():
        item = publish_item(datetime.now(UTC), "党费收缴使用情况（长文）", body=body)
        item_id = item.id
    page = open_kiosk(ORIENTATIONS[orientation])
    page.evaluate(f"location.hash = '#/item/{item_id}'")
    page.wait_for_selector(".pager-viewport")
    page.wait_for_timeout(300)
    pages = page.evaluate("document.querySelector('.pager').pages()")
    assert pages > 1
    for n in range(pages):
        page.evaluate(f"document.querySelector('.pager').goTo({n})")
        page.wait_for_timeout(300)  # the turn is animated
        result = page.evaluate(VISIBLE_LINES_INSIDE)
        assert result["seen"], f"page {n + 1} of {pages} shows nothing"
        assert not result["bad"], f"page {n + 1} of {pages} cuts {result['bad']}"
    page.screenshot(path=screenshot_dir / f"kiosk-long-item-last-page-{orientation}.png")
    assert not page.errors


def colour(page, selector, prop="color"):
    return page.evaluate(
        "([sel, prop]) => getComputedStyle(document.querySelector(sel))[prop]", [selector, prop]
    )


def test_high_contrast_keeps_accents_visible(open_kiosk, live_server, screenshot_dir):
    # In 高对比 the red of the normal palette turns black: what was drawn in it (the search
    # field, the receipt number, the ledger figures) must turn yellow, not vanish.
    page = open_kiosk()
    page.click("#toggle-contrast")
    yellow = "rgb(255, 255, 0)"
    assert colour(page, ".search-entry .ico") == yellow
    assert colour(page, ".search-entry", "borderTopColor") == yellow

    dock(page, "服务评价")
    page.locator(".levels [role=radio]").first.click()
    page.locator("button[type=submit]").click()
    page.wait_for_selector(".receipt-no")
    assert colour(page, ".receipt-no") == yellow
    page.screenshot(path=screenshot_dir / "kiosk-contrast-receipt.png")

    page.evaluate("location.hash = '#/ledger'")
    page.wait_for_selector(".ledger-figure strong")
    assert colour(page, ".ledger-figure strong") == yellow
    page.screenshot(path=screenshot_dir / "kiosk-contrast-ledger.png")
    assert not page.errors


def test_large_font_rating_levels_stay_on_one_line(open_kiosk):
    # 非常不满意 in 大字 on a portrait screen: one line each, nothing spilling out of its button.
    page = open_kiosk()
    page.click("#toggle-large")
    dock(page, "服务评价")
    page.wait_for_selector(".levels .level")
    lines = page.evaluate(
        """() => [...document.querySelectorAll('.levels .level')].map((el) => {
          const r = document.createRange();
          r.selectNodeContents(el.lastChild);
          return [el.lastChild.textContent, r.getClientRects().length, el.scrollWidth <= el.clientWidth];
        })"""
    )
    assert len(lines) == 5
    for label, count, fits in lines:
        assert (count, fits) == (1, True), label
