"""Every surface in real Chromium under the Content-Security-Policy: no violation
in the console; kiosk and wall player keep their tokens out of URLs."""

from __future__ import annotations

import time

import pyotp
import pytest
import requests
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Item, Terminal

pytestmark = pytest.mark.browser


class Watch:
    """Console errors, page errors and every request of a page."""

    def __init__(self, page):
        self.page, self.console, self.requests = page, [], []
        page.on("console", lambda m: m.type in ("error", "warning") and self.console.append(m.text))
        page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))
        page.on("request", lambda r: self.requests.append((r.url, r.headers.get("referer", ""))))

    def assert_clean(self, where: str, status: int = 200):
        violations = [m for m in self.console if "Content Security Policy" in m]
        assert not violations, (where, violations)
        # An error page's own status is logged by Chromium; nothing else may be.
        expected = f"the server responded with a status of {status}"
        assert not [m for m in self.console if expected not in m], (where, self.console)
        self.console.clear()


def _stored_token(page, key: str) -> str | None:
    return page.evaluate(f"localStorage.getItem({key!r})")


def test_kiosk_keeps_its_token_out_of_urls_and_runs_under_the_csp(
    browser, live_server, screenshot_dir
):
    # Service workers allowed: 127.0.0.1 is a secure context, so sw.js runs under the CSP too.
    context = browser.new_context(viewport={"width": 1080, "height": 1920})
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{live_server.url}/kiosk/kiosk-1?token=demo-kiosk-token&heartbeat=1")
    page.wait_for_selector(".page.home")
    assert "token" not in page.url
    assert _stored_token(page, "sunlight.kiosk.kiosk-1.token") == "demo-kiosk-token"

    # Walk the kiosk's surfaces; the ledger page draws bars with CSSOM styles.
    for hash_ in ("#/guides", "#/search", "#/answers", "#/ledger", "#/ask", "#/rate", "#/"):
        page.evaluate(f"location.hash = {hash_!r}")
        page.wait_for_timeout(300)
    page.locator(".dock button", has_text="办事指南").click()
    page.locator(".guide-tile", has_text="不动产登记").click()
    page.wait_for_selector(".guide-page .checklist")
    page.screenshot(path=str(screenshot_dir / "security-kiosk-guide.png"))

    # A submission goes out with the token header and is stored.
    result = page.evaluate(
        "window.sunlightKiosk.outbox.submit('ratings', {level: 5, target: 'hall'})"
    )
    assert result["status"] == "sent", result
    receipt = result["receipt"]["receipt_no"]

    def seen() -> bool:
        with live_server.app.app_context():
            t = db.session.execute(select(Terminal).where(Terminal.code == "kiosk-1")).scalar_one()
            return t.last_seen_at is not None

    deadline = time.monotonic() + 10
    while not seen() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert seen(), "the kiosk's heartbeat never arrived"

    # A restart of the browser (a reload without the token) still works.
    page.evaluate("location.hash = '#/'")
    page.reload()
    page.wait_for_selector(".page.home")
    page.wait_for_function("() => window.sunlightKiosk.store.online === true")

    # The receipt page, opened on a phone.
    phone = context.new_page()
    phone_watch = Watch(phone)
    phone.goto(f"{live_server.url}/kiosk/receipts/{receipt.lower().replace('-', '')}")
    assert receipt in phone.content()
    phone_watch.assert_clean("receipt page")

    first, *rest = watch.requests
    assert "token=demo-kiosk-token" in first[0]
    leaks = [(u, r) for u, r in rest if "token=" in u or "token" in r]
    assert not leaks, leaks
    watch.assert_clean("kiosk")
    context.close()

    # A kiosk browser that was never given its token says so, and gets nothing.
    bare = browser.new_context(viewport={"width": 1080, "height": 1920}).new_page()
    bare.goto(f"{live_server.url}/kiosk/kiosk-1")
    bare.wait_for_selector("text=本机尚未配置终端令牌，请联系大厅工作人员")
    bare.screenshot(path=str(screenshot_dir / "security-kiosk-unprovisioned.png"))
    bare.context.close()


def test_wall_player_keeps_its_token_and_sends_it_as_a_header(browser, live_server, screenshot_dir):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{live_server.url}/display/wall-1?token=demo-wall-token&poll=1&speed=0.1")
    page.wait_for_function("() => document.body.dataset.online === '1'", timeout=10_000)
    assert "token" not in page.url and "poll=1" in page.url
    assert _stored_token(page, "sunlight.display.wall-1.token") == "demo-wall-token"
    page.reload()  # the address no longer holds the token
    page.wait_for_function("() => document.body.dataset.online === '1'", timeout=10_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(screenshot_dir / "security-wall-after-reload.png"))
    first, *rest = watch.requests
    assert "token=demo-wall-token" in first[0]
    leaks = [(u, r) for u, r in rest if "token=" in u or "token" in r]
    assert not leaks, leaks
    watch.assert_clean("wall")
    # Without the right token stored, the shell gets no program.
    stranger = browser.new_context().new_page()
    stranger.goto(f"{live_server.url}/display/wall-1?poll=1")
    stranger.wait_for_timeout(2500)
    assert stranger.evaluate("document.body.dataset.online") == "0"
    context.close()
    stranger.context.close()


def test_console_pages_and_second_factor_by_clicking(browser, live_server, screenshot_dir):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    watch = Watch(page)
    page.goto(f"{live_server.url}/admin/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "sunlight-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    # Every page of the navigation, by clicking.
    labels = page.locator("nav.admin-nav a").all_inner_texts()
    assert len(labels) >= 12
    for label in labels:
        page.locator("nav.admin-nav a", has_text=label).first.click()
        page.wait_for_load_state("load")
        watch.assert_clean(label)

    # 账号安全 → 启用动态口令, from the header.
    page.locator("header a", has_text="账号安全").click()
    page.wait_for_selector("h1:text('账号安全')")
    page.click("text=启用动态口令")
    page.wait_for_selector(".totp-qr svg")
    page.screenshot(path=str(screenshot_dir / "security-totp-enrol.png"), full_page=True)
    secret = page.inner_text("#totp-secret").replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.fill("input[name=code]", totp.now())
    page.click("button:text('确认启用')")
    page.wait_for_load_state("load")
    page.screenshot(path=str(screenshot_dir / "security-totp-enrolled.png"), full_page=True)
    page.wait_for_selector("text=动态口令已启用，今后登录须输入验证器中的口令")
    page.click("header button:text('退出')")
    page.wait_for_url(f"{live_server.url}/admin/login")

    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "sunlight-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:text('输入动态口令')")
    page.screenshot(path=str(screenshot_dir / "security-totp-login.png"))
    page.fill("input[name=code]", totp.at(time.time() + 30))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    watch.assert_clean("second factor")

    # Public phone pages and an error page.
    with live_server.app.app_context():
        item_id = db.session.execute(select(Item.id).where(Item.state == "published")).scalar()
    for path, status in ((f"/p/items/{item_id}", 200), ("/p/guides/1", 200), ("/", 200)):
        page.goto(f"{live_server.url}{path}")
        watch.assert_clean(path, status)
    page.goto(f"{live_server.url}/nowhere")
    assert "不存在" in page.content()
    watch.assert_clean("/nowhere", 404)
    context.close()


def test_headers_on_every_kind_of_answer(live_server):
    base = live_server.url
    etag = requests.get(f"{base}/api/v1/items", timeout=5).headers["ETag"]
    answers = [
        requests.get(f"{base}/admin/login", timeout=5),
        requests.get(f"{base}/kiosk/kiosk-1", timeout=5),
        requests.get(f"{base}/display/wall-1", timeout=5),
        requests.get(f"{base}/api/v1/items", headers={"If-None-Match": etag}, timeout=5),
        requests.get(f"{base}/api/v1/items", timeout=5),  # the fast path's cached body
        requests.get(f"{base}/nowhere", timeout=5),
    ]
    assert answers[3].status_code == 304
    for r in answers:
        assert "script-src 'self'" in r.headers["Content-Security-Policy"], r.url
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in r.headers["Permissions-Policy"]
