"""截图 in Chromium: the operator ticks a wall and clicks 截图; the wall draws its own
screen (vendored html-to-image) and uploads the PNG; the console shows it with its
time. Screenshots (the console, and the wall's own picture) in test-output/."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.operators.test_operators_browser import nav, open_wall

pytestmark = pytest.mark.browser


def test_a_wall_draws_itself_and_the_console_shows_it(
    browser, console, hall_server, screenshot_dir
):
    wall = open_wall(browser, hall_server)
    wall.wait_for_selector("#stage .slide, #stage > *", timeout=10_000)
    wall.screenshot(path=str(screenshot_dir / "operators-wall-itself.png"))
    nav(console, "设备监控")
    row = console.locator("tr[data-terminal=wall-1]")
    assert row.locator("figure.shot").count() == 0
    console.check("tr[data-terminal=wall-1] input[type=checkbox]")
    console.click("button >> text=截图")
    console.wait_for_selector("text=等待屏幕执行")
    for _ in range(40):
        console.reload()
        if row.locator("figure.shot img").count():
            break
        console.wait_for_timeout(250)
    shot = row.locator("figure.shot img")
    assert "截图于" in row.inner_text()
    shot.wait_for()
    assert console.wait_for_function(
        "i => i.complete && i.naturalWidth > 100", arg=shot.element_handle()
    )
    console.screenshot(path=str(screenshot_dir / "operators-screenshot.png"), full_page=True)

    data = console.request.get(hall_server.url + shot.get_attribute("src")).body()
    (screenshot_dir / "operators-wall-screenshot.png").write_bytes(data)
    picture = Image.open(io.BytesIO(data)).convert("L")
    assert picture.size == (960, 540)  # the wall's viewport, drawn by the wall
    low, high = picture.getextrema()
    assert high - low > 100  # text on a background, not a blank frame
    wall.close()
