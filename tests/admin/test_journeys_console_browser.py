"""Console journeys in real Chromium (issue #12), walked by clicking from the navigation
and the dashboard: 好差评 follow-ups, a guide waiting for its approver, a terminal
deactivated and found on the ledger in Chinese, the console's own error page."""

from __future__ import annotations

import pytest

from tests.admin.test_admin_browser import sign_in
from tests.conftest import reconfigure

pytestmark = pytest.mark.browser


def nav(page, label):
    page.locator("nav.admin-nav").get_by_role("link", name=label, exact=True).click()


def test_handler_reaches_bad_ratings_from_the_dashboard(browser, live_server, screenshot_dir):
    page = sign_in(browser, live_server, "handler")
    card = page.locator(".card.follow-ups")
    assert "今日到期" in card.inner_text() and "已超期" in card.inner_text()
    page.screenshot(path=str(screenshot_dir / "admin-dashboard-follow-ups.png"), full_page=True)
    card.locator("a", has_text="去回访整改").click()
    page.wait_for_selector("h1:text('好差评')")
    nav(page, "问询办理")
    nav(page, "好差评回访")
    page.wait_for_selector("h1:text('好差评')")
    nav(page, "我的待办")
    assert "好差评回访" in page.locator("main").inner_text()


def test_drafter_saves_a_guide_and_the_approver_finds_it(browser, live_server, screenshot_dir):
    drafter = sign_in(browser, live_server, "drafter")
    nav(drafter, "办事指南")
    drafter.click("text=新建办事指南")
    drafter.fill("input[name=name]", "社区证明开具")
    drafter.fill("input[name=code]", "62052400SQ-QT-0099")
    drafter.click("button[type=submit]:text('保存')")
    flash = drafter.locator(".flash-success").inner_text()
    assert "尚未公开" in flash and "待上线的办事指南" in flash
    drafter.screenshot(path=str(screenshot_dir / "admin-guide-next-step.png"), full_page=True)

    approver = sign_in(browser, live_server, "approver")
    nav(approver, "我的待办")
    row = approver.locator("table.guides-to-publish tr", has_text="社区证明开具")
    assert "尚缺申请材料或办理步骤" in row.inner_text()
    approver.screenshot(path=str(screenshot_dir / "admin-queue-guides.png"), full_page=True)
    row.locator("a").click()
    approver.wait_for_selector("input[name=name]")


def test_guide_rows_added_and_removed_in_the_browser_are_saved_in_order(
    browser, live_server, screenshot_dir
):
    """The row editor numbers the rows it adds (materials-1-name …) for WTForms' FieldList."""
    drafter = sign_in(browser, live_server, "drafter")
    drafter.goto(f"{live_server.url}/admin/guides/new")
    drafter.fill("input[name=name]", "居住证办理")
    drafter.fill("input[name=code]", "62052400SQ-QT-0100")
    drafter.fill("input[name='materials-0-name']", "身份证")
    for name in ("户口簿（将删除）", "租房合同"):
        drafter.click("[data-add-row=materials]")
        rows = drafter.locator("table[data-rows=materials] tr.row")
        rows.last.locator("input[name$='-name']").fill(name)
    rows.nth(1).locator("[data-remove-row]").click()
    drafter.fill("input[name='steps-0-title']", "受理")
    drafter.click("[data-add-row=steps]")
    drafter.locator("table[data-rows=steps] tr.row").last.locator("input").fill("办结")
    drafter.click("button[type=submit]:text('保存')")
    drafter.wait_for_selector(".flash-success")
    drafter.screenshot(path=str(screenshot_dir / "admin-guide-rows.png"), full_page=True)
    # Saved rows come back numbered from 0, then one empty row.
    assert drafter.input_value("input[name='materials-0-name']") == "身份证"
    assert drafter.input_value("input[name='materials-1-name']") == "租房合同"
    assert drafter.input_value("input[name='materials-2-name']") == ""
    assert drafter.input_value("input[name='steps-1-title']") == "办结"
    assert "户口簿" not in drafter.content()


def test_a_deactivated_terminal_is_on_the_ledger_in_chinese(browser, live_server, screenshot_dir):
    operator = sign_in(browser, live_server, "operator")
    nav(operator, "终端管理")
    row = operator.locator("tr[data-code=led-1]")
    name = row.locator("td").nth(1).inner_text().split()[0]
    row.locator("a", has_text="编辑").click()
    operator.uncheck("input[name=active]")
    operator.click("button[type=submit]:text('保存')")
    operator.wait_for_selector(".flash-success")

    admin = sign_in(browser, live_server, "admin")
    nav(admin, "审计日志")
    admin.wait_for_selector("h1:text('审计日志')")
    entry = admin.locator("tbody tr", has_text="停用终端").first
    assert f"终端：{name}" in entry.inner_text()
    admin.screenshot(path=str(screenshot_dir / "admin-ledger-chinese.png"), full_page=True)
    entry.locator("a", has_text=name).click()
    admin.wait_for_selector("input[name=name]")
    assert admin.input_value("input[name=name]") == name

    # A page that does not exist: the console's own page, in Chinese, with a way back.
    admin.goto(f"{live_server.url}/admin/items/987654")
    assert "页面不存在" in admin.locator("main").inner_text()
    admin.screenshot(path=str(screenshot_dir / "admin-error-404.png"), full_page=True)
    admin.click("text=返回管理后台首页")
    admin.wait_for_url(f"{live_server.url}/admin/")


def test_meeting_form_marks_required_fields_and_checks_the_lead_at_save(
    browser, live_server, screenshot_dir
):
    from datetime import datetime, timedelta

    page = sign_in(browser, live_server, "drafter")
    nav(page, "会议公告")
    page.click("text=新建会议公告")
    assert page.locator("label[for=title] .required").is_visible()
    # The browser itself stops an empty required field before anything is sent.
    page.click("button[type=submit]:text('保存')")
    assert page.evaluate("document.querySelector('#title').validity.valueMissing")
    start = datetime.now() + timedelta(days=3)
    page.fill("#title", "党组会议旁听")
    page.fill("#meeting_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#meeting_ends_at", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#place", "三楼会议室")
    page.fill("#topics", "审议年度计划")
    page.fill("#register_until", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.click("button[type=submit]:text('保存')")
    # The click returns once the answer's navigation commits; wait for the page it draws.
    page.locator(".field-error", has_text="天前发布").wait_for()
    errors = page.locator(".field-error").all_inner_texts()
    assert any("天前发布" in e for e in errors)
    assert "报名截止须早于会议开始时间" in errors
    page.screenshot(path=str(screenshot_dir / "admin-meeting-validated.png"), full_page=True)


# Every label of every chart on the page lies inside its picture (none cut at the edge).
CLIPPED_LABELS = """() => {
  const bad = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5) bad.push(t.textContent);
    }
  }
  return bad;
}"""


def test_chart_labels_are_not_clipped(browser, live_server, screenshot_dir):
    from sqlalchemy import select

    from content_feed.clock import SystemClock
    from content_feed.db import db
    from content_feed.models import Terminal, Window
    from inquiries.submissions import submit_rating

    with live_server.app.app_context():
        window = db.session.execute(select(Window).where(Window.number == "5")).scalar_one()
        kiosk = db.session.execute(select(Terminal).where(Terminal.code == "kiosk-1")).scalar_one()
        payload = {"idempotency_key": "rate-chart-01", "level": 4, "target": "window"}
        payload["window_id"] = window.id
        feedback = live_server.app.config["SUNLIGHT"]["feedback"]
        submit_rating(db.session, payload, kiosk, feedback, SystemClock().now())
    page = sign_in(browser, live_server, "handler")
    nav(page, "办理统计")
    page.wait_for_selector("svg.chart")
    labels = page.evaluate(
        "[...document.querySelectorAll('svg.chart text')].map(t => t.textContent)"
    )
    assert any("号窗口" in label for label in labels)
    assert page.evaluate(CLIPPED_LABELS) == []
    page.screenshot(path=str(screenshot_dir / "admin-stats-charts.png"), full_page=True)
    nav(page, "仪表板")
    assert page.evaluate(CLIPPED_LABELS) == []


def test_dashboard_warns_when_qr_codes_point_at_loopback(browser, live_server, screenshot_dir):
    reconfigure(live_server.app, hall={"public_base_url": "http://127.0.0.1:8080"})
    page = sign_in(browser, live_server, "admin")
    warning = page.locator(".qr-warning").inner_text()
    assert "hall.public_base_url" in warning and "手机扫码打不开" in warning
    page.screenshot(path=str(screenshot_dir / "admin-dashboard-qr-warning.png"))


def test_item_preview_uses_the_screens_own_renderers(browser, live_server, screenshot_dir):
    page = sign_in(browser, live_server, "approver")
    nav(page, "公开事项")
    page.locator("table a").first.click()
    page.click("text=预览（查询机 / 大屏 / LED）")
    title = page.locator("h1").inner_text().removeprefix("预览：").rsplit("（第", 1)[0]
    player = page.frame_locator("iframe.preview-wall-player")
    shown = player.locator(".slide.kind-item_headline .title")
    shown.wait_for()
    assert shown.inner_text() == title
    page.wait_for_function("() => document.querySelector('img.preview-led-frame').naturalWidth > 0")
    size = page.evaluate(
        "(() => { const i = document.querySelector('img.preview-led-frame');"
        " return [i.naturalWidth, i.naturalHeight]; })()"
    )
    assert size[0] in (128, 192, 256) and size[1] in (16, 32)
    page.screenshot(path=str(screenshot_dir / "admin-item-preview-renderers.png"), full_page=True)
