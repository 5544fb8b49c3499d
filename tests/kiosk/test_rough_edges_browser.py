"""The kiosk's rough edges of issue #25, each walked in Chromium: the receipt lookup box,
one wording of progress, fee and visits, the urgent heading said once, the phone page's
window said once, picture captions, and an item's PDF read page by page."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from admin.uploads import save_upload
from content_feed.db import db
from content_feed.models import Guide, Item, UrgentNotice
from tests.kiosk.test_kiosk_browser import dock, open_kiosk  # noqa: F401

pytestmark = pytest.mark.browser


def two_page_pdf() -> bytes:
    pages = [Image.new("RGB", (595, 842), colour) for colour in ("white", "lightyellow")]
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:])
    return out.getvalue()


def test_lookup_box_starts_afresh_and_progress_reads_alike_on_kiosk_and_phone(
    open_kiosk,  # noqa: F811
    live_server,
    screenshot_dir,
):
    page = open_kiosk()
    dock(page, "咨询建议")
    page.fill("#f-text", "老年人优待证在哪里办？")
    page.click("button[type=submit]")
    number = page.locator(".receipt-no").inner_text()
    page.locator("button", has_text="查询进度").click()
    page.wait_for_selector(".lookup-answer")
    assert page.locator(".progress li.now").inner_text().endswith("已受理")
    assert "答复期限" in page.locator(".lookup-answer").inner_text()
    # The next number typed replaces the one looked up, instead of adding to it.
    for ch in "JY":
        page.locator(f".key[data-key='{ch.lower()}']").click()
    assert page.input_value("#lookup-q") == "JY"
    phone = page.context.new_page()
    phone.goto(f"{live_server.url}/kiosk/receipts/{number.replace(' ', '-')}")
    assert phone.locator("dd.state").inner_text() == "已受理"
    assert "待办" not in phone.content()
    phone.screenshot(path=screenshot_dir / "phone-progress.png", full_page=True)
    assert page.errors == []


def test_guide_facts_are_worded_once_for_every_surface(open_kiosk, live_server):  # noqa: F811
    with live_server.app.app_context():
        guide = db.session.execute(select(Guide).where(Guide.visits == 0)).scalars().first()
        guide_id, name, window = guide.id, guide.name, guide.window.label
    page = open_kiosk()
    dock(page, "办事指南")
    page.locator(".guide-tile", has_text=name).first.click()
    page.wait_for_selector(".guide-page .facts")
    facts = dict(
        zip(
            page.locator(".fact-k").all_inner_texts(),
            page.locator(".fact-v").all_inner_texts(),
            strict=True,
        )
    )
    assert facts["到现场次数"] == "无需到现场"
    assert facts["收费"] != "收费"
    phone = page.context.new_page()
    phone.goto(f"{live_server.url}/p/guides/{guide_id}")
    assert phone.locator("main, body").first.inner_text().count(window) == 1
    assert "无需到现场" in phone.content()
    assert page.errors == []


def test_an_urgent_title_that_says_urgent_is_said_once(open_kiosk, live_server):  # noqa: F811
    now = datetime.now(UTC)
    with live_server.app.app_context():
        db.session.add(
            UrgentNotice(
                title="紧急通知：今日下午停水",
                body="请携带饮用水",
                starts_at=now - timedelta(seconds=1),
                ends_at=now + timedelta(minutes=5),
            )
        )
        db.session.commit()
    page = open_kiosk(query="?urgent=1")
    page.wait_for_selector("#urgent:not([hidden]) .urgent-item")
    assert page.locator("#urgent strong").inner_text() == "紧急通知：今日下午停水"


def test_an_items_pdf_is_read_on_the_kiosk_and_pictures_have_captions(
    open_kiosk,  # noqa: F811
    live_server,
    screenshot_dir,
):
    page = open_kiosk(query="?poll=1")
    item_id = page.evaluate("sunlightKiosk.store.data.items[0].id")
    with live_server.app.app_context():
        item = db.session.get(Item, item_id)
        rev_id, title = item.published_revision.id, item.title
        save_upload(db.session, "党费收缴明细表.pdf", two_page_pdf(), revision_id=rev_id)
        picture = io.BytesIO()
        Image.new("RGB", (320, 200), "white").save(picture, format="PNG")
        save_upload(db.session, "IMG_2041.png", picture.getvalue(), revision_id=rev_id)
        db.session.commit()
    page.wait_for_function(
        "(id) => (sunlightKiosk.store.data.items.find((i) => i.id === id).attachments || []).length === 2",
        arg=item_id,
        timeout=10_000,
    )
    page.locator(".search-entry").click()
    page.fill("#search-q", title)
    page.locator(".key[data-key=go]").click()
    page.locator(f'.results .result[data-go="#/item/{item_id}"]').click()
    page.wait_for_selector(".item-body")
    assert page.locator(".attachment figcaption").inner_text() == "附图 1"
    page.locator(".doc-open").click()
    image = page.locator(".doc-page-image")
    loaded = """() => { const i = document.querySelector('.doc-page-image');
        return i && i.complete && i.naturalWidth > 0; }"""
    page.wait_for_function(loaded)
    assert page.locator(".pager-label").inner_text() == "第 1 / 2 页"
    page.screenshot(path=screenshot_dir / "kiosk-pdf-page-1.png")
    page.locator(".pager-btn", has_text="下一页").click()
    assert page.locator(".pager-label").inner_text() == "第 2 / 2 页"
    assert image.get_attribute("src").endswith("/pages/2.png")
    page.wait_for_function(loaded)
    assert page.errors == []
