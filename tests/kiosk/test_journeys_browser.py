"""Citizen journeys at the kiosk in real Chromium (issue #12): search by several words,
by materials and windows, offline search equal to the server's, and a helpful empty state."""

from __future__ import annotations

import pytest

from tests.kiosk.test_kiosk_browser import ORIENTATIONS, dock, open_kiosk  # noqa: F401

pytestmark = pytest.mark.browser

RESULT_KEYS = """() => [...document.querySelectorAll('.results .result')]
  .map((r) => r.dataset.go)"""


def search_for(page, text):
    page.fill("#search-q", text)
    page.locator(".key[data-key=go]").click()
    page.wait_for_function(
        "(q) => document.querySelector('.search-status').dataset.query === q", arg=text.strip()
    )


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_search_words_materials_windows_and_offline_alike(
    open_kiosk,  # noqa: F811
    screenshot_dir,
    orientation,
):
    page = open_kiosk(ORIENTATIONS[orientation])
    dock(page, "查找")
    queries = ["党费 2025", "登记 不动产", "社保 养老", "户口簿", "完税凭证", "公证", "户籍"]
    online = {}
    for q in queries:
        with page.expect_response(lambda r: "/api/v1/search" in r.url):
            search_for(page, q)
        page.wait_for_selector(".results .result")
        online[q] = page.evaluate(RESULT_KEYS)
        assert online[q], q
    assert "#/guide/" in online["完税凭证"][0]
    page.screenshot(path=screenshot_dir / f"kiosk-search-words-{orientation}.png")

    # The same queries with the server unreachable: the kiosk's own search answers alike.
    page.route("**/api/v1/search**", lambda route: route.abort())
    for q in queries:
        search_for(page, q)
        assert "离线" in page.locator(".search-status").inner_text()
        assert page.evaluate(RESULT_KEYS)[:30] == online[q][:30], q
    page.unroute("**/api/v1/search**")

    # Household registration: the 公安户政 window is a result, and opens its own page.
    search_for(page, "户籍")
    page.locator('.results .result[data-go^="#/window/"]', has_text="公安户政").click()
    page.wait_for_selector(".window-page")
    assert "户籍" in page.locator(".window-page .lead").inner_text()
    page.screenshot(path=screenshot_dir / f"kiosk-window-{orientation}.png")
    assert page.errors == []


def test_empty_search_offers_words_guides_and_the_question(open_kiosk):  # noqa: F811
    page = open_kiosk()
    dock(page, "查找")
    for key in "zqxj":
        page.locator(f".key[data-key={key}]").click()
    page.wait_for_selector(".search-empty")
    assert page.locator(".search-empty .chip").count() >= 3
    assert page.locator(".search-empty .row").count() >= 3
    page.locator(".search-empty .chip").first.click()
    page.wait_for_selector(".results .result")
    page.fill("#search-q", "大厅能否代办护照加急")
    page.locator(".key[data-key=go]").click()
    page.wait_for_selector(".search-empty")
    page.locator(".search-empty .ask-this").click()
    page.wait_for_selector("#f-text")
    assert page.input_value("#f-text") == "大厅能否代办护照加急"
    assert page.errors == []
