"""Issue #25's journeys, walked by clicking in real Chromium: a bad rating's call-back
number reaches whoever calls back (and the ledger); a comment on a pre-disclosure item is
sent from the kiosk; printing twice leaves the kiosk as it was; search can be typed on
the kiosk's own keyboard, in pinyin of the words inside guides."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Inquiry, Item, LedgerEntry, Rating
from demo import DEMO_PASSWORD
from tests.kiosk.test_journeys_browser import printed
from tests.kiosk.test_kiosk_browser import ORIENTATIONS, dock, open_kiosk  # noqa: F401

pytestmark = pytest.mark.browser


def console(browser, server, username):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(f"{server.url}/admin/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    return context, page


def test_a_bad_ratings_call_back_number_is_shown_on_request_and_ledgered(
    open_kiosk,  # noqa: F811
    live_server,
    browser,
    screenshot_dir,
):
    page = open_kiosk()
    dock(page, "服务评价")
    page.locator(".levels [role=radio]", has_text="非常不满意").click()
    page.fill("#f-comment", "窗口排队太久")
    page.fill("#f-phone", "13700002222")
    # The rating form asks for no name, and says so.
    assert "姓名" not in page.locator(".privacy").inner_text()
    page.click("button[type=submit]")
    page.wait_for_selector(".page.receipt .call")
    assert "前与您联系" in page.locator(".receipt .call").inner_text()

    for username in ("handler", "admin"):
        context, staff = console(browser, live_server, username)
        staff.locator("nav a", has_text="好差评回访").click()
        staff.locator("table a").first.click()
        staff.wait_for_url("**/admin/feedback/ratings/*")
        staff.get_by_text("137****2222").first.wait_for()
        assert "137****2222" in staff.content() and "13700002222" not in staff.content()
        staff.locator("button", has_text="查看完整电话").click()
        assert staff.locator("dd.phone").inner_text() == "13700002222"
        assert "记入审计登记表" in staff.content()
        staff.screenshot(path=screenshot_dir / f"admin-rating-contact-{username}.png")
        context.close()
    with live_server.app.app_context():
        rating = db.session.execute(select(Rating)).scalar_one()
        seen = db.session.execute(
            select(LedgerEntry.actor_name).where(
                LedgerEntry.action == "personal_data.view",
                LedgerEntry.object_id == str(rating.id),
            )
        ).all()
        assert len(seen) == 2
    assert page.errors == []


def test_a_comment_on_a_pre_disclosure_item_is_sent_from_the_kiosk(
    open_kiosk,  # noqa: F811
    live_server,
    screenshot_dir,
):
    page = open_kiosk()
    page.locator(".search-entry").click()
    page.locator(".key[data-key=clear]").click()
    page.locator(".hot .chip", has_text="征求意见").click()
    page.locator(".results .result", has_text="征求意见稿").first.click()
    page.wait_for_selector(".pre-disclosure")
    assert "征求意见中，截止" in page.locator(".pre-disclosure").inner_text()
    page.locator(".pre-disclosure .btn", has_text="我要提意见").click()
    page.fill("#f-text", "建议保留每月11日，方便退休党员参加")
    page.click("button[type=submit]")
    page.wait_for_selector(".page.receipt h1:text('提交成功')")
    page.screenshot(path=screenshot_dir / "kiosk-pre-disclosure-comment.png")
    with live_server.app.app_context():
        item = db.session.execute(
            select(Item).where(Item.title.contains("征求意见稿"))
        ).scalar_one()
        comments = (
            db.session.execute(
                select(Inquiry).where(Inquiry.kind == "comment", Inquiry.item_id == item.id)
            )
            .scalars()
            .all()
        )
        assert [c.text for c in comments] == ["建议保留每月11日，方便退休党员参加"]
    assert page.errors == []


def test_printing_a_guide_twice_leaves_the_kiosk_as_it_was(
    open_kiosk,  # noqa: F811
    screenshot_dir,
):
    page = open_kiosk()
    page.evaluate(
        """() => { window.violations = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective)); }"""
    )
    full = page.evaluate("document.getElementById('view').getBoundingClientRect().width")
    dock(page, "办事指南")
    page.locator(".guide-tile", has_text="不动产登记").click()
    page.wait_for_selector(".guide-page .checklist")
    for n in (1, 2):
        pages, _, _ = printed(page, screenshot_dir / f"kiosk-guide-print-{n}.pdf")
        assert pages == 1
    state = page.evaluate(
        """() => ({ style: document.getElementById('view').getAttribute('style'),
        root: document.documentElement.className, violations: window.violations,
        width: document.getElementById('view').getBoundingClientRect().width })"""
    )
    assert state["style"] is None and state["violations"] == []
    assert "zoom" not in state["root"] and "multi-page" not in state["root"]
    assert state["width"] == full
    dock(page, "首页")
    assert page.evaluate("document.getElementById('view').getBoundingClientRect().width") == full
    page.screenshot(path=screenshot_dir / "kiosk-after-printing-twice.png")
    assert page.errors == []


def keys(page, text):
    for ch in text:
        page.locator(f".key[data-key='{'space' if ch == ' ' else ch}']").click()


def searched(page, query):
    page.wait_for_function(
        "(q) => document.querySelector('.search-status').dataset.query === q", arg=query
    )


def uncovered(page, selector) -> bool:
    """The element is in the viewport and nothing lies over its centre."""
    return page.evaluate(
        """(sel) => { const el = document.querySelector(sel); const r = el.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        return y > 0 && y < innerHeight && el.contains(document.elementFromPoint(x, y)); }""",
        selector,
    )


@pytest.mark.parametrize("orientation", ORIENTATIONS)
def test_search_as_typed_on_the_kiosks_own_keyboard(
    open_kiosk,  # noqa: F811
    screenshot_dir,
    orientation,
):
    page = open_kiosk(ORIENTATIONS[orientation])
    dock(page, "查找")
    page.locator(".key[data-key=clear]").click()
    # Full pinyin of a word inside guides (their materials) and a window's services.
    keys(page, "hukou")
    page.locator(".key[data-key=go]").click()
    searched(page, "hukou")
    results = page.locator(".results .result")
    assert results.count() >= 3
    assert page.locator('.results .result[data-go^="#/guide/"]').count() >= 2
    # Results show above the keyboard, which folds to its last row.
    assert page.locator(".keyboard.folded").count() == 1
    assert page.locator(".key[data-key=q]").is_hidden()
    assert uncovered(page, f".results .result:nth-child({min(results.count(), 5)})")
    assert page.locator(".search-status").inner_text().startswith("找到 ")
    page.screenshot(path=screenshot_dir / f"kiosk-search-hukou-{orientation}.png")

    # A word, a space and a hot word: both words, in any order.
    page.locator(".keyboard-toggle").click()
    page.locator(".key[data-key=clear]").click()
    keys(page, "dengjix")
    page.locator(".key[data-key=back]").click()
    keys(page, " ")
    page.locator(".hot .chip", has_text="不动产").click()
    assert page.input_value("#search-q") == "dengji 不动产"
    searched(page, "dengji 不动产")
    assert "不动产" in page.locator(".results .result").first.inner_text()

    # Offline the count reads as a sentence.
    page.route("**/api/v1/search**", lambda route: route.abort())
    page.locator(".key[data-key=go]").click()
    page.wait_for_function(
        "() => document.querySelector('.search-status').textContent.includes('离线')"
    )
    status = page.locator(".search-status").inner_text()
    assert status.startswith("找到 ") and status.endswith("条（离线查找）"), status
    page.unroute("**/api/v1/search**")

    # Nothing found: the question to ask is in view, not under the keyboard.
    page.locator(".keyboard-toggle").click()
    page.locator(".key[data-key=clear]").click()
    keys(page, "zzqqxx")
    page.locator(".key[data-key=go]").click()
    page.wait_for_selector(".search-empty .ask-this")
    page.locator(".search-empty .ask-this").scroll_into_view_if_needed()
    assert uncovered(page, ".search-empty .ask-this")
    page.screenshot(path=screenshot_dir / f"kiosk-search-empty-{orientation}.png")
    assert page.errors == []
