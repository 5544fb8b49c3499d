"""Issue 6 end to end in real Chromium: a question typed at the kiosk gets a public
answer from the console, and the kiosk shows it with the asker's phone masked."""

import time

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Inquiry, LedgerEntry

pytestmark = pytest.mark.browser

PHONE = "13912345678"


def wait_until(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_kiosk_question_to_public_answer(browser, live_server, screenshot_dir):
    kiosk_ctx = browser.new_context(
        viewport={"width": 1080, "height": 1920}, service_workers="block"
    )
    staff_ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        kiosk = kiosk_ctx.new_page()
        kiosk.goto(f"{live_server.url}/kiosk/kiosk-1?token=demo-kiosk-token&poll=1")
        kiosk.wait_for_selector(".page.home")
        kiosk.locator(".dock button", has_text="咨询建议").click()
        kiosk.fill("#f-text", f"社保卡丢了怎么补办？我的电话是{PHONE}")
        kiosk.fill("#f-name", "张三丰")
        kiosk.fill("#f-phone", PHONE)
        kiosk.locator(".consent [role=radio]", has_text="同意公开").click()
        kiosk.click("button[type=submit]")
        kiosk.wait_for_selector(".page.receipt h1:text('提交成功')")
        # Shown grouped (WX 7KXM 4PQR 9HTW), stored with dashes.
        receipt = kiosk.locator(".receipt-no").inner_text().replace(" ", "-")
        with live_server.app.app_context():
            inq = db.session.execute(select(Inquiry)).scalar_one()
            assert inq.receipt_no == receipt and inq.phone == PHONE

        console = staff_ctx.new_page()
        console.goto(f"{live_server.url}/admin/feedback/")
        console.fill("#username", "handler")
        console.fill("#password", "sunlight-demo")
        console.click("button[type=submit]")
        console.wait_for_url("**/admin/feedback/**")
        assert PHONE not in console.content()  # masked in the queue
        console.screenshot(path=str(screenshot_dir / "feedback-queue.png"), full_page=True)
        console.locator("a", has_text=receipt).click()
        console.fill("textarea[name=text]", "请携带身份证到7号窗口即时补办，约10分钟。")
        console.check("input[name=public]")
        console.locator("form", has_text="保存答复并办结").locator("button[type=submit]").click()
        console.wait_for_selector(".flash-success")
        console.screenshot(path=str(screenshot_dir / "feedback-answered.png"), full_page=True)

        kiosk.locator(".dock button", has_text="问答公开").click()
        kiosk.wait_for_selector("text=请携带身份证到7号窗口即时补办", timeout=15000)
        page_text = kiosk.locator("#view").inner_text()
        assert PHONE not in page_text and "139****5678" in page_text
        assert "张三丰" not in page_text
        kiosk.screenshot(path=str(screenshot_dir / "kiosk-answers.png"))

        kiosk.locator("button", has_text="受理情况统计").click()
        kiosk.wait_for_selector(".ledger-figure strong")
        figures = kiosk.locator(".ledger-figure strong").all_inner_texts()
        assert figures[:2] == ["1", "1"]  # received 1, done 1
        kiosk.screenshot(path=str(screenshot_dir / "kiosk-ledger.png"))

        with live_server.app.app_context():
            db.session.expire_all()
            row = db.session.execute(select(Inquiry)).scalar_one()
            assert row.state == "done" and row.reply_public
            actions = set(db.session.execute(select(LedgerEntry.action)).scalars())
            assert "inquiry.reply" in actions
    finally:
        kiosk_ctx.close()
        staff_ctx.close()
