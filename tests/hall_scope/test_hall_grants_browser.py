"""In Chromium: a city administrator makes an account, grants it roles in the
second demo hall from the navigation, and that account then sees that hall only."""

from __future__ import annotations

import pytest

from tests.admin.test_admin_browser import sign_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lantern-orchard-8421"


def test_a_city_admin_grants_a_hall_and_the_user_sees_only_that_hall(
    browser, live_server, screenshot_dir
):
    admin = sign_in(browser, live_server, "admin")
    # A new account without city-wide roles, from the navigation.
    admin.click("nav.admin-nav >> text=用户与角色")
    admin.click("text=新建用户")
    admin.fill("input[name=username]", "liu")
    admin.fill("input[name=display_name]", "刘分厅")
    admin.fill("input[name=password]", "initial-pass-7731")
    admin.click("button:text('保存')")
    admin.wait_for_selector("text=已保存")
    # Then roles in one hall.
    admin.click("nav.admin-nav >> text=大厅授权")
    admin.select_option("select[name=user_id]", label="liu（刘分厅）")
    admin.select_option("select[name=hall_id]", label="东区便民服务分厅")
    admin.check("input[name=roles][value=drafter]")
    admin.check("input[name=roles][value=handler]")
    admin.click("text=保存授权")
    admin.wait_for_selector("text=授权已保存")
    row = admin.locator("tr", has_text="liu")
    assert "东区便民服务分厅" in row.inner_text() and "拟稿" in row.inner_text()
    admin.screenshot(path=str(screenshot_dir / "admin-hall-grants.png"), full_page=True)
    admin.click("nav.admin-nav >> text=审计日志")
    admin.wait_for_selector("table >> text=按大厅授权")

    # The account: first its own password, then its hall and nothing else.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login")
    page.fill("input[name=username]", "liu")
    page.fill("input[name=password]", "initial-pass-7731")
    page.click("button[type=submit]")
    page.fill("input[name=current]", "initial-pass-7731")
    page.fill("input[name=new]", NEW_PASSWORD)
    page.fill("input[name=repeat]", NEW_PASSWORD)
    page.click("button:text('修改密码')")
    page.wait_for_selector("text=密码已修改")
    page.click("nav.admin-nav >> text=公开事项")
    page.wait_for_selector("text=东区便民服务分厅2026年第四季度党费收缴情况")
    listed = page.locator("table").inner_text()
    # The demo's items for every hall are listed read-only beside it; none of another hall's.
    page.click("text=东区便民服务分厅2026年第四季度党费收缴情况")
    page.wait_for_selector("h1")
    page.click("nav.admin-nav >> text=办事指南")
    page.wait_for_selector("h1:text('办事指南')")
    # The demo's guides belong to the first hall: none here, and none opens.
    assert "不动产登记" not in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/admin/guides/1")
    page.wait_for_selector("text=页面不存在")
    page.goto(f"{live_server.url}/admin/")
    page.click("nav.admin-nav >> text=问询办理")
    page.wait_for_selector("h1")
    nav = page.locator("nav.admin-nav").inner_text()
    assert "用户与角色" not in nav and "大厅授权" not in nav and "终端管理" not in nav
    page.goto(f"{live_server.url}/admin/items/new")
    options = page.locator("select[name=hall_ids] option").all_inner_texts()
    assert options == ["东区便民服务分厅"]
    page.screenshot(path=str(screenshot_dir / "admin-hall-user-item-form.png"), full_page=True)
    assert "东区便民服务分厅" in listed
    context.close()
