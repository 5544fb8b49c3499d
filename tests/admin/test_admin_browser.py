"""The console in real Chromium: the Article 15 path end to end, and a rejection."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "sunlight-demo"


def sign_in(browser, server, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server.url}/admin/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/admin/")
    return page


def draft_and_propose(page, server, title: str, body: str) -> str:
    page.goto(f"{server.url}/admin/items/new")
    page.fill("input[name=title]", title)
    page.select_option("select[name=category_id]", label="党费收缴使用（党务公开）")
    page.select_option("select[name=domain]", "党务公开")
    page.fill("textarea[name=summary]", "2026年第三季度党费收缴、使用和管理情况")
    page.fill("textarea[name=body]", body)
    page.click("text=保存草稿")
    page.wait_for_selector("text=草稿已保存")
    item_url = page.url
    page.fill("textarea[name=note]", "按季度向社会公开党费收缴使用情况")
    page.check("input[name=confidentiality_checked]")
    page.click("text=提出（送审核）")
    page.wait_for_selector("text=已提出，等待审核")
    return item_url


def test_drafter_proposes_reviewer_and_approver_pass_it_it_goes_public(
    browser, live_server, screenshot_dir
):
    title = "2026年第三季度党费收缴使用情况"
    body = "## 收缴情况\n\n| 月份 | 金额（元） |\n|---|---|\n| 7月 | 4,120 |\n| 8月 | 4,080 |"
    drafter = sign_in(browser, live_server, "drafter")
    item_url = draft_and_propose(drafter, live_server, title, body)
    drafter.screenshot(path=str(screenshot_dir / "admin-item-proposed.png"), full_page=True)

    reviewer = sign_in(browser, live_server, "reviewer")
    reviewer.goto(f"{live_server.url}/admin/queue")
    reviewer.click(f"text={title}")
    reviewer.click("text=审核通过")
    reviewer.wait_for_selector("text=审核通过，等待审批")

    approver = sign_in(browser, live_server, "approver")
    approver.goto(item_url)
    approver.click("text=审批通过并公开")
    approver.wait_for_selector("text=审批通过并公开，索引号")
    approver.screenshot(path=str(screenshot_dir / "admin-item-published.png"), full_page=True)

    published = {
        i["title"]: i["id"]
        for i in requests.get(f"{live_server.url}/api/v1/items", timeout=5).json()["items"]
    }
    assert title in published

    # And on the touch kiosk, table and all.
    kiosk = browser.new_context(viewport={"width": 1080, "height": 1920}).new_page()
    kiosk.goto(f"{live_server.url}/kiosk/kiosk-1?token=demo-kiosk-token#/item/{published[title]}")
    kiosk.wait_for_selector(f".page h1:text('{title}')")
    kiosk.wait_for_selector(".item-body table")
    kiosk.context.close()

    approver.goto(f"{item_url}/preview")
    # The LED renderer's own frame (tests/display/test_display_previews.py has the rest).
    approver.wait_for_function("document.querySelector('img.preview-led-frame')?.naturalWidth > 0")
    approver.screenshot(path=str(screenshot_dir / "admin-item-preview.png"), full_page=True)
    approver.goto(f"{live_server.url}/admin/")
    approver.wait_for_selector("svg.chart")
    approver.screenshot(path=str(screenshot_dir / "admin-dashboard.png"), full_page=True)
    for page in (drafter, reviewer, approver):
        page.context.close()


def test_rejected_item_returns_with_its_reason_and_a_wrong_role_gets_403(
    browser, live_server, screenshot_dir
):
    drafter = sign_in(browser, live_server, "drafter")
    item_url = draft_and_propose(drafter, live_server, "退回测试事项", "正文")
    reviewer = sign_in(browser, live_server, "reviewer")
    reviewer.goto(item_url)
    reviewer.fill("textarea[name=reason]", "公开范围不当，请改为党内公开")
    reviewer.click("text=退回拟稿人")
    reviewer.wait_for_selector("text=已退回拟稿人")
    drafter.goto(f"{live_server.url}/admin/queue")
    drafter.wait_for_selector("text=公开范围不当，请改为党内公开")
    drafter.goto(item_url)
    assert drafter.is_visible("text=已退回：")
    drafter.screenshot(path=str(screenshot_dir / "admin-item-rejected.png"), full_page=True)
    response = drafter.goto(f"{live_server.url}/admin/users")
    assert response.status == 403
    for page in (drafter, reviewer):
        page.context.close()
