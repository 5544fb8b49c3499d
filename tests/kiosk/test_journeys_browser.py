"""Citizen journeys at the kiosk in real Chromium (issue #12): search by several words,
by materials and windows, offline search equal to the server's, and a helpful empty state."""

from __future__ import annotations

import re

import pytest

from tests.conftest import reconfigure
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


def type_on_keyboard(page, text):
    for ch in text:
        if ch != " ":
            page.locator(f".key[data-key='{ch.lower()}']").click()


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_receipt_slip_and_lookup_with_the_keyboard(
    open_kiosk,  # noqa: F811
    live_server,
    screenshot_dir,
    orientation,
):
    page = open_kiosk(ORIENTATIONS[orientation])
    dock(page, "咨询建议")
    page.fill("#f-text", "社保卡丢失后在哪个窗口补办？")
    page.click("button[type=submit]")
    page.wait_for_selector(".page.receipt h1:text('提交成功')")
    shown = page.locator(".receipt-no").inner_text()
    # Shown as inquiries/receipts.py groups it (WX 7KXM 4PQR 9HTW), stored with dashes.
    assert re.fullmatch(r"WX( [2-9A-HJ-NP-Z]{4}){3}", shown), shown
    number = shown.replace(" ", "-")
    page.screenshot(path=screenshot_dir / f"kiosk-receipt-{orientation}.png")

    # 打印回执 prints the slip alone: number, due date and QR code.
    page.evaluate("window.print = () => { window.printed = true; }")
    page.locator("button.print-slip").click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    assert page.locator(".slip .slip-no").is_visible()
    assert page.locator(".slip .slip-qr").is_visible()
    assert "答复期限" in page.locator(".slip").inner_text()
    assert not page.locator(".receipt-card").is_visible()
    page.screenshot(path=screenshot_dir / f"kiosk-receipt-slip-{orientation}.png", full_page=True)
    page.emulate_media(media="screen")
    page.evaluate("document.documentElement.classList.remove('printing-slip')")

    page.locator("button", has_text="查询进度").click()
    page.wait_for_selector(".lookup-answer")
    assert page.locator(".progress li.now").inner_text() == "已受理"

    # Answered in the console; the visitor comes back and types the number.
    from sqlalchemy import select

    from content_feed.clock import SystemClock
    from content_feed.db import db
    from content_feed.models import Inquiry

    with live_server.app.app_context():
        row = db.session.execute(select(Inquiry).where(Inquiry.receipt_no == number)).scalar_one()
        row.state, row.reply, row.replied_at = "done", "请到7号窗口补办。", SystemClock().now()
        db.session.commit()
    dock(page, "首页")
    dock(page, "咨询建议")
    page.locator(".lookup-link").click()
    page.wait_for_selector(".page.lookup")
    page.locator(".key[data-key=clear]").click()
    type_on_keyboard(page, shown)
    assert page.input_value("#lookup-q") == shown
    page.locator(".key[data-key=go]").click()
    page.wait_for_selector(".lookup-answer .reply")
    assert page.locator(".progress li.now").inner_text() == "已办结"
    assert "7号窗口" in page.locator(".lookup-answer .reply").inner_text()
    page.screenshot(path=screenshot_dir / f"kiosk-lookup-{orientation}.png")
    assert page.errors == []


def test_a_queued_submission_gets_a_pending_code_that_finds_its_receipt(
    open_kiosk,  # noqa: F811
    live_server,
    screenshot_dir,
):
    from tests.conftest import LiveServer

    page = open_kiosk(query="?poll=1")
    live_server.stop()
    page.wait_for_selector("#offline:not([hidden])", timeout=8000)
    dock(page, "咨询建议")
    page.fill("#f-text", "停电时提交，之后想查进度")
    page.click("button[type=submit]")
    page.wait_for_selector(".page.receipt.queued")
    code = page.locator(".receipt-no").inner_text()
    assert len(code.replace(" ", "")) == 8
    page.screenshot(path=screenshot_dir / "kiosk-queued-code.png")
    page.locator("button", has_text="查询回执").click()
    type_on_keyboard(page, code)
    page.locator(".key[data-key=go]").click()
    page.wait_for_function(
        "() => document.querySelector('.lookup-status').textContent.includes('尚未提交')"
    )

    back = LiveServer(live_server.app, port=live_server.port).start()
    try:
        page.wait_for_function("() => sunlightKiosk.outbox.entries().length === 0", timeout=10000)
        page.locator(".key[data-key=go]").click()
        page.wait_for_selector(".lookup-answer")
        status = page.locator(".lookup-status").inner_text()
        assert "已提交" in status and "回执号" in status
    finally:
        back.stop()
    assert page.errors == []


def test_nothing_queued_is_lost_without_a_word(open_kiosk, live_server, browser, screenshot_dir):  # noqa: F811
    from sqlalchemy import func, select

    from content_feed.db import db
    from content_feed.models import Inquiry, RefusedSubmission
    from tests.conftest import LiveServer

    page = open_kiosk(query="?poll=1")
    live_server.stop()
    page.wait_for_selector("#offline:not([hidden])", timeout=8000)

    # The kiosk checks the server's rules before queueing: a phone number "12" is refused here.
    dock(page, "咨询建议")
    page.fill("#f-text", "停电时的问题，能否回电？")
    page.fill("#f-phone", "12")
    page.click("button[type=submit]")
    page.wait_for_selector(".err[data-for=phone]:text('电话号码格式不对')")
    assert page.evaluate("sunlightKiosk.outbox.entries().length") == 0
    page.screenshot(path=screenshot_dir / "kiosk-rule-before-queue.png")

    # A rule the kiosk cannot know yet: a word blocked on the server during the outage.
    reconfigure(live_server.app, feedback={"blocked_words": ["停电"]})
    page.fill("#f-phone", "13700002222")
    page.click("button[type=submit]")
    page.wait_for_selector(".page.receipt.queued")
    code = page.locator(".receipt-no").inner_text().replace(" ", "")

    back = LiveServer(live_server.app, port=live_server.port).start()
    try:
        page.wait_for_function("() => sunlightKiosk.outbox.entries().length === 0", timeout=10000)
        with live_server.app.app_context():
            assert db.session.execute(select(func.count(Inquiry.id))).scalar() == 0
            row = db.session.execute(select(RefusedSubmission)).scalar_one()
            assert row.idempotency_key.startswith("k-" + code)
            assert "停电" in row.errors
        # The visitor's 暂存号 says what happened.
        dock(page, "咨询建议")
        page.locator(".lookup-link").click()
        page.locator(".key[data-key=clear]").click()
        for ch in code:
            page.locator(f".key[data-key='{ch.lower()}']").click()
        page.locator(".key[data-key=go]").click()
        page.wait_for_function(
            "() => document.querySelector('.lookup-status').textContent.includes('未被受理')"
        )

        # Staff find it from the console's navigation and note the follow-up.
        staff = browser.new_context(viewport={"width": 1440, "height": 1000})
        console = staff.new_page()
        console.goto(f"{live_server.url}/admin/login")
        console.fill("#username", "handler")
        console.fill("#password", "sunlight-demo")
        console.click("button[type=submit]")
        console.locator("nav a", has_text="离线未受理").click()
        console.wait_for_selector("table.refused")
        assert "停电" in console.locator("table.refused").inner_text()
        assert "13700002222" not in console.content()
        console.screenshot(path=screenshot_dir / "admin-refused-submissions.png", full_page=True)
        console.fill("textarea[name=note]", "已电话联系，改为窗口当面答复")
        console.click("table.refused button[type=submit]")
        console.wait_for_selector(".flash-success")
        staff.close()
    finally:
        back.stop()
    assert page.errors == []


def test_ask_form_asks_for_consent_off_by_default(open_kiosk, live_server):  # noqa: F811
    from sqlalchemy import select

    from content_feed.db import db
    from content_feed.models import Inquiry

    page = open_kiosk()
    dock(page, "咨询建议")
    consent = page.locator(".consent [role=radio]")
    assert consent.first.get_attribute("aria-checked") == "true"  # 不同意
    assert "是否同意公开答复" in page.locator(".consent").inner_text()
    page.fill("#f-text", "不想公开的问题")
    page.click("button[type=submit]")
    page.wait_for_selector(".page.receipt h1:text('提交成功')")
    with live_server.app.app_context():
        assert db.session.execute(select(Inquiry.public_consent)).scalar_one() is False


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_guide_materials_offer_blank_forms_and_samples(
    open_kiosk,  # noqa: F811
    live_server,
    screenshot_dir,
    orientation,
):
    import io

    import requests
    import zxingcpp
    from PIL import Image

    from tests.kiosk.test_material_files import attach_files

    with live_server.app.app_context():
        guide, blank_id, _ = attach_files()
        guide_id = guide.id
    page = open_kiosk(ORIENTATIONS[orientation])
    dock(page, "办事指南")
    page.locator(".guide-tile", has_text="不动产登记").click()
    page.wait_for_selector(".guide-page .checklist")
    page.locator(".mat-file", has_text="空白表格").click()
    card = page.locator(".mat-file-card")
    assert "申请表.pdf" in card.inner_text()
    src = card.locator(".qr img").get_attribute("src")
    png = requests.get(live_server.url + src.replace(live_server.url, ""), timeout=5).content
    text = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text
    assert text.endswith(f"/files/{blank_id}")
    page.locator(".mat-file", has_text="填写样例").click()
    page.wait_for_function(
        "() => document.querySelector('.mat-file-thumb') && document.querySelector('.mat-file-thumb').naturalWidth > 0"
    )
    page.locator(".mat-file-card").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / f"kiosk-guide-files-{orientation}.png")
    # The phone page the guide's QR code opens offers the same files.
    phone = page.context.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/p/guides/{guide_id}")
    assert phone.locator("a.file", has_text="下载空白表格").count() == 1
    phone.screenshot(path=screenshot_dir / "phone-guide-files.png", full_page=True)
    assert page.errors == []


def printed(page, path):
    """Print the page as the kiosk's printer would (beforeprint, then A4): the PDF's
    page count, its text, and page 1 as an image."""
    import re
    import subprocess

    from PIL import Image

    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    path.write_bytes(page.pdf(format="A4", prefer_css_page_size=True, print_background=True))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    prefix = str(path.with_suffix(""))
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), prefix],
        check=True,
    )
    image = Image.open(prefix + ".png").convert("L")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    return pages, text, image


def margins(image):
    """Left and right blank widths (px) around what is printed."""
    ink = image.point(lambda v: 255 if v < 200 else 0).getbbox()
    return ink[0], image.width - ink[2]


def test_a_printed_guide_is_one_a4_page_with_even_margins(open_kiosk, live_server, screenshot_dir):  # noqa: F811
    import zxingcpp

    page = open_kiosk()
    dock(page, "办事指南")
    page.locator(".guide-tile", has_text="不动产登记").click()
    page.wait_for_selector(".guide-page .checklist")
    pages, text, image = printed(page, screenshot_dir / "kiosk-guide-print.pdf")
    image.save(screenshot_dir / "kiosk-guide-print-page1.png")
    assert pages == 1
    assert "政务服务大厅" in text and "打印时间" in text and "第 1 页" not in text
    left, right = margins(image)
    assert abs(left - right) <= 0.25 * max(left, right), (left, right)
    codes = [r.text for r in zxingcpp.read_barcodes(image)]
    assert any("/p/guides/" in c for c in codes), codes


def test_a_long_guide_prints_with_page_numbers(open_kiosk, live_server, screenshot_dir):  # noqa: F811
    from content_feed.clock import SystemClock
    from content_feed.db import db
    from content_feed.models import GuideFaq, GuideStep
    from tests.builders import make_guide

    with live_server.app.app_context():
        guide = make_guide(SystemClock().now(), name="长篇办事指南", code="LONG-0001")
        for n in range(40):
            guide.steps.append(
                GuideStep(title=f"第{n + 1}步", description="核对材料并签字确认。" * 3)
            )
            guide.faqs.append(
                GuideFaq(question=f"问题{n + 1}？", answer="可以，需提交经公证的委托书。")
            )
        db.session.commit()
    page = open_kiosk(query="?poll=1")
    page.wait_for_function(
        "() => sunlightKiosk.store.data.guides.some((g) => g.name === '长篇办事指南')"
    )
    dock(page, "办事指南")
    page.locator(".guide-tile", has_text="长篇办事指南").click()
    page.wait_for_selector(".guide-page .steps")
    pages, text, image = printed(page, screenshot_dir / "kiosk-guide-long-print.pdf")
    assert pages >= 2
    flat = text.replace(" ", "")
    assert f"第1页/共{pages}页" in flat and f"第{pages}页/共{pages}页" in flat
    left, right = margins(image)
    assert abs(left - right) <= 0.25 * max(left, right), (left, right)


def test_a_kiosk_on_a_plain_http_lan_address_survives_a_reload_in_an_outage(browser, live_server):
    """The hall server at a LAN name over plain HTTP (not a secure context) gets a
    service worker only with --unsafely-treat-insecure-origin-as-secure; with it, a
    reload while the server is down still starts the kiosk from the worker's copy."""
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    origin = f"http://kiosk-hall.test:{live_server.port}"
    common = [*CHROMIUM_ARGS, "--host-resolver-rules=MAP kiosk-hall.test 127.0.0.1"]

    def kiosk_in(extra):
        launched = browser.browser_type.launch(executable_path=CHROMIUM, args=common + extra)
        page = launched.new_context(viewport={"width": 1080, "height": 1920}).new_page()
        # First start in this fresh browser: provisioned with the token in the address.
        page.goto(f"{origin}/kiosk/kiosk-1?token=demo-kiosk-token")
        page.wait_for_selector(".page.home")
        return launched, page

    # Without the flag: not a secure context, so no service worker at all.
    plain, page = kiosk_in([])
    assert page.evaluate("window.isSecureContext") is False
    assert page.evaluate("'serviceWorker' in navigator") is False
    plain.close()

    flagged, page = kiosk_in([f"--unsafely-treat-insecure-origin-as-secure={origin}"])
    try:
        assert page.evaluate("window.isSecureContext") is True
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now under the worker: the shell, scripts and styles are kept
        page.wait_for_selector(".page.home")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        live_server.stop()
        page.reload()
        page.wait_for_selector(".page.home", timeout=10000)
        page.wait_for_selector("#offline:not([hidden])", timeout=10000)
        page.locator(".dock button", has_text="办事指南").click()
        page.wait_for_selector(".guide-tile")
    finally:
        flagged.close()


def test_a_server_that_never_answers_does_not_hold_a_submission(
    open_kiosk,  # noqa: F811
    live_server,
    screenshot_dir,
):
    """A connection the network keeps and nobody answers (a switch restarting, a node
    killed mid-answer): after ten seconds (three here: ``?wait=3``) the kiosk keeps the
    submission and says so, instead of 正在提交…… for minutes; it is stored once when the
    server is back."""
    import time

    from sqlalchemy import func, select

    from content_feed.db import db
    from content_feed.models import Inquiry
    from tests.conftest import LiveServer, never_answering

    page = open_kiosk(query="?poll=1&wait=3")
    live_server.stop()
    with never_answering(live_server.port):
        dock(page, "咨询建议")
        page.fill("#f-text", "网络时断时续时提交的问题")
        started = time.monotonic()
        page.click("button[type=submit]")
        page.wait_for_selector(".page.receipt.queued", timeout=25000)
        waited = time.monotonic() - started
        assert 2.5 < waited < 8, waited  # it waited for an answer, not refused, then gave up
        assert page.evaluate("sunlightKiosk.outbox.entries().length") == 1
        page.screenshot(path=screenshot_dir / "kiosk-queued-no-answer.png")
    back = LiveServer(live_server.app, port=live_server.port).start()
    try:
        page.wait_for_function("() => sunlightKiosk.outbox.entries().length === 0", timeout=30000)
        with live_server.app.app_context():
            assert db.session.execute(select(func.count(Inquiry.id))).scalar() == 1
    finally:
        back.stop()
    assert page.errors == []
