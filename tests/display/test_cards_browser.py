"""A technician, in real Chromium, corrects a mistyped card address and checks a BX-6
card's compatibility settings with the calibration picture."""

from __future__ import annotations

import pytest

from display.led.onbon_sim import OnbonSimulator
from display.led.pattern import calibration_picture
from tests.builders import console_page

pytestmark = pytest.mark.browser


def test_technician_fixes_the_address_and_pushes_the_calibration_picture(
    browser, live_server, screenshot_dir
):
    sim = OnbonSimulator(generation="bx6", colour="dual", out_dir=screenshot_dir).start()
    context, page = console_page(browser, live_server)
    try:
        page.click("nav >> text=LED 控制卡")
        page.click("tr[data-code=led-1] >> text=设置投送方式")
        page.select_option("select[name=protocol]", "onbon-bx6")
        page.fill("input[name=host]", "192.168.1.300")
        page.fill("input[name=port]", str(sim.port))
        page.select_option("select[name=device_type]", str(0x0274))
        page.click("button:has-text('保存')")
        page.wait_for_selector("text=IP 地址无效")
        assert page.input_value("input[name=host]") == "192.168.1.300"  # kept as typed
        page.screenshot(path=str(screenshot_dir / "cards-address-refused.png"), full_page=True)
        page.fill("input[name=host]", "127.0.0.1")
        page.click("button:has-text('保存')")
        page.wait_for_selector("text=投送方式已保存")
        page.click("#test-pattern")
        page.wait_for_selector("text=校准图案已推送")
        page.screenshot(path=str(screenshot_dir / "cards-pattern.png"), full_page=True)
        assert sim.wait_for(lambda s: s.frames >= 1, 10)
        want = calibration_picture(192, 32, "dual")
        assert [i.tobytes() for i in sim.images()] == [want.tobytes()]
    finally:
        context.close()
        sim.stop()
