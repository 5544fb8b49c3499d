"""An operator connects the hall's NovoSGA by clicking in the console, checks the
connection, and NovoSGA's next call shows at its window."""

from __future__ import annotations

import re

import pytest

from tests.builders import console_page
from tests.calling.novosga_sim import NovosgaServer

pytestmark = pytest.mark.browser


def test_operator_connects_novosga_and_its_calls_arrive(browser, live_server, screenshot_dir):
    server = NovosgaServer().start()
    sim = server.sim
    sim.call("A", 1, 2)  # called before the link: history
    context, page = console_page(browser, live_server)
    try:
        page.click("nav >> text=叫号器与窗口屏")
        page.click("section[data-hall=hall-1] >> text=接入、语音与录音设置")
        page.check("#novosga-active")
        page.fill("#novosga-base_url", server.url + "/")
        page.fill("#novosga-unit_id", "1")
        page.fill("#novosga-client_id", sim.client_id)
        page.fill("#novosga-username", sim.username)
        page.fill("#novosga-password", sim.password)
        page.click("#novosga-save")
        # The secret was forgotten: said beside its field, the rest kept.
        assert page.inner_text("#novosga-client_secret-error") == "请填写客户端密钥"
        assert page.input_value("#novosga-client_id") == sim.client_id
        page.fill("#novosga-client_secret", sim.client_secret)
        page.fill("#novosga-password", sim.password)
        page.click("#novosga-save")
        page.wait_for_selector("text=NovoSGA 接入已启用")
        assert page.input_value("#novosga-base_url") == server.url  # the slash trimmed
        assert page.input_value("#novosga-password") == ""  # never shown again
        page.click("#novosga-poll")
        page.wait_for_selector("text=NovoSGA 已应答：连接正常")
        sim.call("B", 8, 3, service=2)
        page.click("#novosga-poll")
        page.wait_for_selector("text=取得 1 个新叫号")
        page.screenshot(path=str(screenshot_dir / "calling-novosga-settings.png"), full_page=True)
        page.click("text=返回排队叫号")
        row = page.locator("section[data-hall=hall-1] tr[data-window='3']")
        assert re.search(r"叫号中.*请B008号", row.inner_text().replace("\n", " "))
        assert "请A001号" not in page.inner_text("section[data-hall=hall-1]")
        assert "NovoSGA：每 3 秒拉取" in page.inner_text("section[data-hall=hall-1]")
        page.screenshot(path=str(screenshot_dir / "calling-novosga-index.png"), full_page=True)
    finally:
        context.close()
        server.stop()
