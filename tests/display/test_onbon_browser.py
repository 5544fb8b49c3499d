"""The operator, in real Chromium, points an LED strip at its Onbon card and watches it go."""

from __future__ import annotations

import pytest

from display.led.onbon_sim import OnbonSimulator
from display.led.sender import Sender, Settings
from tests.builders import console_page

pytestmark = pytest.mark.browser


def test_operator_switches_a_strip_to_push_and_sees_it_delivered(
    browser, live_server, screenshot_dir
):
    sim = OnbonSimulator(colour="dual", out_dir=screenshot_dir).start()
    sender = Sender(
        live_server.app, Settings(tick=0.1, timeout=1.0, ping_seconds=0.5, retry_max=0.5)
    ).start()
    context, page = console_page(browser, live_server)
    try:
        page.click("nav >> text=LED 控制卡")
        page.wait_for_selector("h1:has-text('LED 控制卡')")
        page.click("tr[data-code=led-1] >> text=设置投送方式")
        page.select_option("select[name=protocol]", "onbon-bx5")
        page.fill("input[name=host]", "127.0.0.1")
        page.fill("input[name=port]", str(sim.port))
        page.select_option("select[name=device_type]", str(0x0154))
        page.fill("input[name=brightness]", "12")
        page.click("button:has-text('保存')")
        page.wait_for_selector("text=投送方式已保存")
        page.click("#test-connection")
        page.wait_for_selector("text=连接成功")
        assert "在线" in page.inner_text("#delivery-status .online")
        page.screenshot(path=str(screenshot_dir / "onbon-delivery.png"), full_page=True)
        assert sim.wait_for(lambda s: s.frames >= 1 and s.brightness == 12, 10)
        # The list shows what the sender saw (it stores statuses in batches).
        page.click("text=返回 LED 控制卡")
        for _ in range(50):
            if page.inner_text("tr[data-code=led-1] .last-ack") != "—":
                break
            page.wait_for_timeout(100)
            page.reload()
        row = page.locator("tr[data-code=led-1]")
        assert "在线" in row.inner_text()
        assert row.locator(".last-ack").inner_text() != "—"
        assert row.locator(".last-error").inner_text() == "—"
        page.screenshot(path=str(screenshot_dir / "onbon-console.png"), full_page=True)
    finally:
        context.close()
        sender.stop()
        sim.stop()
