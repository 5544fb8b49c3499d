"""An operator in Chromium, walking by clicking: a playlist built by searching
titles and dragging, a 工作日 schedule, a wall that goes 离线 and comes back with
one alert and one 恢复 posted to a webhook, 重新加载 sent to a wall, and a wall
switched off by its power schedule. Screenshots in test-output/."""

from __future__ import annotations

from datetime import timedelta

import pytest

from content_feed.clock import SystemClock
from monitoring.alerts import watch_screens
from tests.conftest import reconfigure

pytestmark = pytest.mark.browser

WALL = "token=demo-wall-token&poll=1&speed=0.1"


def nav(page, label: str) -> None:
    page.click(f"nav >> text={label}")
    page.wait_for_load_state()


def test_a_playlist_is_built_by_searching_titles_and_dragging(console, screenshot_dir):
    page = console
    nav(page, "节目单")
    page.click("text=大屏日常轮播")
    before = page.locator("#entry-list li[data-entry]").count()
    page.select_option("#kind", "item_headline")
    page.fill("#ref_title", "组织设置")
    page.click(".pick-results .pick >> text=机关党委及各党支部组织设置情况")
    page.fill("#duration_seconds", "8")
    page.click("form >> text=添加")
    page.wait_for_selector("text=已添加节目")
    rows = page.locator("#entry-list li[data-entry]")
    assert rows.count() == before + 1
    assert "机关党委及各党支部组织设置情况" in rows.nth(before).inner_text()
    page.drag_and_drop(
        f"#entry-list li[data-entry]:nth-child({before + 1})",
        "#entry-list li[data-entry]:nth-child(1)",
    )
    page.click("#order-save")
    page.wait_for_selector("text=节目顺序已保存")
    first = page.locator("#entry-list li[data-entry]").first.inner_text()
    assert "机关党委及各党支部组织设置情况" in first
    page.screenshot(path=str(screenshot_dir / "operators-playlist.png"), full_page=True)


def test_a_workday_schedule_is_made_in_words(console, screenshot_dir):
    page = console
    nav(page, "轮播时段")
    page.click("text=新建轮播计划")
    page.fill("#name", "工作日午间")
    page.check("input[name=days][value=workday]")
    page.fill("#start_time", "12:00")
    page.fill("#end_time", "13:30")
    page.screenshot(path=str(screenshot_dir / "operators-schedule-form.png"), full_page=True)
    page.click("button >> text=保存")
    page.wait_for_selector("text=轮播计划已保存")
    row = page.locator("tr", has_text="工作日午间")
    assert "工作日（按法定节假日和调休安排）" in row.inner_text()
    page.screenshot(path=str(screenshot_dir / "operators-schedules.png"), full_page=True)


def open_wall(browser, server):
    wall = browser.new_page(viewport={"width": 960, "height": 540})
    wall.goto(f"{server.url}/display/wall-1?{WALL}")
    wall.wait_for_function("() => document.body.dataset.online === '1'", timeout=10_000)
    return wall


def test_a_wall_goes_offline_and_back_with_one_alert_and_one_recovery(
    browser, console, hall_server, receiver, screenshot_dir
):
    app = hall_server.app
    reconfigure(app, monitoring={"webhooks": [f"wecom:{receiver.url}/robot"]})
    wall = open_wall(browser, hall_server)
    nav(console, "设备监控")
    row = console.locator("tr[data-terminal=wall-1]")
    assert "在线" in row.inner_text()
    wall.route("**/display/wall-1/**", lambda route: route.abort())  # the network drops
    for _ in range(40):
        console.reload()
        if "离线" in row.inner_text():
            break
        console.wait_for_timeout(250)
    assert "离线 自" in row.inner_text()
    # Minutes of silence pass for the watch (the job reads its time as an argument).
    later = SystemClock().now() + timedelta(minutes=10)
    assert len(watch_screens(app, later)[0]) == 1
    assert watch_screens(app, later + timedelta(minutes=1)) == ([], [])
    console.reload()
    assert console.locator(".alerts").count() == 1
    console.screenshot(path=str(screenshot_dir / "operators-offline.png"), full_page=True)
    wall.unroute("**/display/wall-1/**")
    console.wait_for_timeout(2500)  # a poll and a heartbeat
    assert len(watch_screens(app, SystemClock().now())[1]) == 1
    texts = [body["text"]["content"] for _path, body in receiver.posts]
    assert len(texts) == 2 and "设备离线告警" in texts[0] and "恢复" in texts[1]
    console.reload()
    assert "在线" in row.inner_text() and console.locator(".alerts").count() == 0
    wall.close()


def test_reload_sent_to_a_wall_reloads_it(browser, console, hall_server, screenshot_dir):
    wall = open_wall(browser, hall_server)
    wall.evaluate("window.__before_reload = true")
    nav(console, "设备监控")
    console.check("tr[data-terminal=wall-1] input[type=checkbox]")
    console.click("button >> text=重新加载")
    console.wait_for_selector("text=等待屏幕执行")
    wall.wait_for_function("() => window.__before_reload === undefined", timeout=10_000)
    wall.wait_for_function("() => document.body.dataset.online === '1'", timeout=10_000)
    for _ in range(20):
        console.reload()
        if "已执行" in console.locator("tr.command").first.inner_text():
            break
        console.wait_for_timeout(300)
    assert "已执行" in console.locator("tr.command").first.inner_text()
    console.screenshot(path=str(screenshot_dir / "operators-commands.png"), full_page=True)
    wall.close()


def test_a_wall_is_switched_off_by_its_power_schedule(
    browser, console, hall_server, screenshot_dir
):
    wall = open_wall(browser, hall_server)
    nav(console, "关屏时段")
    console.fill("#name", "演示关屏")
    console.select_option("#target", label="一楼大厅宣传大屏")
    console.check("input[name=days][value=every]")
    console.fill("#start_time", "00:00")
    console.fill("#end_time", "24:00")
    console.click("button >> text=保存")
    console.wait_for_selector("text=关屏时段已保存")
    wall.wait_for_function("() => !document.getElementById('power-off').hidden", timeout=10_000)
    wall.screenshot(path=str(screenshot_dir / "operators-wall-off.png"))
    nav(console, "设备监控")
    assert "按计划关屏" in console.locator("tr[data-terminal=wall-1]").inner_text()
    console.screenshot(path=str(screenshot_dir / "operators-dashboard.png"), full_page=True)
    wall.close()
