"""In Chromium, by clicking: 重新加载 sent from the console on node A reaches a wall
that polls node B (two serving processes on one database file), and 已执行 shows on
A; an Onbon strip switched off by a 关屏时段 made in the console (the simulated card
turns dark by 强制开关机) shows 按计划关屏 / 控制卡已关屏 and lights again when the
schedule is deleted. Screenshots in test-output/."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from content_feed.clock import SystemClock
from content_feed.db import db
from content_feed.models import Terminal
from display.led.onbon_sim import OnbonSimulator
from display.led.sender import Sender
from tests.conftest import LiveServer, settings_for
from tests.display.test_onbon_push import FAST, push_to
from tests.operators.test_operators_browser import WALL, nav

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def node_b(hall_server, tmp_path_factory):
    """A second serving process on node A's (hall_server's) database file."""
    tmp = tmp_path_factory.mktemp("node-b")
    settings = settings_for(tmp, display={"offline_after_polls": 3, "poll_seconds": 1})
    settings["database"]["url"] = hall_server.app.config["SUNLIGHT"]["database"]["url"]
    app = create_app(settings, clock=SystemClock(), environ={}, instance_path=str(tmp))
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


def until(console, check, tries: int = 40) -> bool:
    for _ in range(tries):
        console.reload()
        if check():
            return True
        console.wait_for_timeout(250)
    return False


def test_reload_from_node_a_reaches_a_wall_on_node_b(browser, console, node_b, screenshot_dir):
    wall = browser.new_page(viewport={"width": 960, "height": 540})
    wall.goto(f"{node_b.url}/display/wall-1?{WALL}")
    wall.wait_for_function("() => document.body.dataset.online === '1'", timeout=10_000)
    wall.evaluate("window.__before_reload = true")
    nav(console, "设备监控")
    console.check("tr[data-terminal=wall-1] input[type=checkbox]")
    console.click("button >> text=重新加载")
    console.wait_for_selector("text=等待屏幕执行")
    wall.wait_for_function("() => window.__before_reload === undefined", timeout=15_000)
    assert until(console, lambda: "已执行" in console.locator("tr.command").first.inner_text())
    console.screenshot(path=str(screenshot_dir / "operators-nodes-ack.png"), full_page=True)
    wall.close()


def test_an_onbon_strip_goes_dark_by_its_schedule_and_lights_again(
    console, hall_server, screenshot_dir
):
    app = hall_server.app
    sim = OnbonSimulator(generation="bx6", colour="dual").start()
    with app.app_context():
        led = db.session.execute(select(Terminal).where(Terminal.code == "led-1")).scalar_one()
        push_to(led, sim, "onbon-bx6", 0x0274)
        name = led.name
    sender = Sender(app, FAST).start()
    try:
        assert sim.wait_for(lambda s: s.frames >= 1 and s.screen_on, 15)
        nav(console, "关屏时段")
        console.fill("#name", "条屏全天关屏")
        console.select_option("#target", label=name)
        console.check("input[name=days][value=every]")
        console.fill("#start_time", "00:00")
        console.fill("#end_time", "24:00")
        console.click("button >> text=保存")
        console.wait_for_selector("text=关屏时段已保存")
        assert sim.wait_for(lambda s: not s.screen_on, 15)  # A2 05 00 reached the card
        nav(console, "设备监控")
        row = console.locator("tr[data-terminal=led-1]")
        assert until(console, lambda: "控制卡已关屏" in row.inner_text())
        assert "按计划关屏" in row.inner_text()
        console.screenshot(path=str(screenshot_dir / "operators-led-dark.png"), full_page=True)

        nav(console, "关屏时段")
        console.locator("tr", has_text="条屏全天关屏").locator("button >> text=删除").click()
        console.wait_for_selector("text=关屏时段已删除")
        assert sim.wait_for(lambda s: s.screen_on, 15)
        frames = sim.state.frames
        assert frames >= 2 and sim.state.switches[-2:] == [False, True]
        nav(console, "设备监控")
        assert until(console, lambda: "控制卡已关屏" not in row.inner_text())
        assert "按计划关屏" not in row.inner_text()
    finally:
        sender.stop()
        sim.stop()
