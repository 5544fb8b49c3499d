"""Consent in real Chromium (issue #12): a question asked without 同意公开 can be published
only as the handler's anonymous rewrite, and the kiosk shows that, never the asker's words."""

from __future__ import annotations

import pytest

from tests.admin.test_admin_browser import sign_in

pytestmark = pytest.mark.browser


def test_without_consent_only_a_rewritten_anonymous_answer_goes_public(
    browser, live_server, screenshot_dir
):
    kiosk_ctx = browser.new_context(
        viewport={"width": 1080, "height": 1920}, service_workers="block"
    )
    try:
        kiosk = kiosk_ctx.new_page()
        # First start: the kiosk is provisioned with its token in the address.
        kiosk.goto(f"{live_server.url}/kiosk/kiosk-1?token=demo-kiosk-token&poll=1")
        kiosk.wait_for_selector(".page.home")
        kiosk.locator(".dock button", has_text="咨询建议").click()
        kiosk.fill("#f-text", "我住幸福小区3栋，低保怎么申请？")
        kiosk.fill("#f-name", "李四")
        kiosk.click("button[type=submit]")  # consent left at 不同意
        kiosk.wait_for_selector(".page.receipt h1:text('提交成功')")
        # Shown grouped (WX 7KXM 4PQR 9HTW); the console lists it as stored, with dashes.
        receipt = kiosk.locator(".receipt-no").inner_text().replace(" ", "-")

        console = sign_in(browser, live_server, "handler")
        console.locator("nav.admin-nav a", has_text="问询办理").click()
        console.locator("a", has_text=receipt).click()
        assert "未同意" in console.locator(".consent").inner_text()
        console.fill("textarea[name=text]", "请携带身份证、户口簿到民政窗口申请。")
        console.check("input[name=public]")
        console.locator("form", has_text="保存答复并办结").locator("button[type=submit]").click()
        assert "未同意公开" in console.locator(".flash-error").inner_text()
        console.fill("textarea[name=text]", "请携带身份证、户口簿到民政窗口申请。")
        console.check("input[name=public]")
        console.fill("textarea[name=public_question]", "低保怎么申请？")
        console.locator("form", has_text="保存答复并办结").locator("button[type=submit]").click()
        console.wait_for_selector(".flash-success")
        console.screenshot(
            path=str(screenshot_dir / "feedback-rewritten-answer.png"), full_page=True
        )

        kiosk.locator(".dock button", has_text="问答公开").click()
        kiosk.wait_for_selector("text=请携带身份证、户口簿到民政窗口申请", timeout=15000)
        shown = kiosk.locator("#view").inner_text()
        assert "低保怎么申请？" in shown and "问题经工作人员改写" in shown
        assert "幸福小区" not in shown and "李" not in shown
        kiosk.screenshot(path=str(screenshot_dir / "kiosk-answers-rewritten.png"))
    finally:
        kiosk_ctx.close()
