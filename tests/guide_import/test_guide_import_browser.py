"""An approver in real Chromium: from the navigation to an uploaded file's report,
the import, an imported revision's diff adopted and published, the new drafts
published together; and 1,000 guides imported behind a progress bar that moves."""

from __future__ import annotations

import pytest
import requests

from tests.guide_import import workbooks as wb

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "sunlight-demo"


def public_guides(server) -> dict[str, str]:
    guides = requests.get(f"{server.url}/api/v1/guides", timeout=5).json()["guides"]
    return {g["code"]: g["name"] for g in guides}


def test_import_review_and_publish_in_the_console(browser, live_server, screenshot_dir):
    guides = wb.sample_guides(4, materials=3)
    for i, g in enumerate(guides[1:], start=1):
        g["code"] = f"62052400MZ-XK-01{i:02d}"
    new_name = "企业开办（设立登记、刻章、申领发票）"
    guides[0]["name"] = new_name  # the demo's 62052400MZ-XK-0001, 企业开办（设立登记）
    guides[3]["url"] = "zwfw.example.gov.cn/item/4"  # no scheme: refused, with its column
    before = public_guides(live_server)
    assert "62052400MZ-XK-0001" in before and "62052400MZ-XK-0101" not in before

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login")
    page.fill("input[name=username]", "approver")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.click("nav.admin-nav >> text=指南导入")
    page.wait_for_selector("h1:text('办事指南导入')")
    page.screenshot(path=str(screenshot_dir / "guide-import-upload.png"))
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "甘肃省实施清单.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": wb.province_a(guides),
            }
        ],
    )
    page.click("text=上传并检查")
    page.wait_for_selector(".badge-import-checked", timeout=30_000)
    assert page.inner_text(".outcome-created strong") == "2"
    assert page.inner_text(".outcome-updated strong") == "1"
    assert page.inner_text(".outcome-refused strong") == "1"
    refused = page.inner_text("tr.outcome-refused")
    assert (
        "62052400MZ-XK-0103" in refused
        and "（第4项）" in refused
        and "网办地址" in refused
        and "http://" in refused
    )
    assert page.is_visible("text=下载报告（CSV）")
    page.screenshot(path=str(screenshot_dir / "guide-import-report.png"), full_page=True)

    page.click("text=确认导入")
    page.wait_for_selector(".badge-import-done", timeout=30_000)
    page.wait_for_selector("text=已导入：新建草稿 2 项，待审修订 1 项")
    page.screenshot(path=str(screenshot_dir / "guide-import-done.png"), full_page=True)
    assert public_guides(live_server) == before  # nothing public yet

    # The revision of the published demo guide: its diff, then adopt and publish.
    page.click("form.bulk-publish a:has-text('企业开办')")
    page.wait_for_selector("text=导入的修订（待审）")
    assert page.is_visible(f"pre.diff .del:has-text('{before['62052400MZ-XK-0001']}')")
    assert page.is_visible(f"pre.diff .ins:has-text('{new_name}')")
    page.locator("section.guide-revision").screenshot(
        path=str(screenshot_dir / "guide-import-diff.png")
    )
    page.click("text=采用并公开")
    page.wait_for_selector("text=已采用导入修订")
    assert public_guides(live_server)["62052400MZ-XK-0001"] == new_name

    # Back to the import, tick all the drafts and publish them together.
    page.click("nav.admin-nav >> text=指南导入")
    page.click("text=甘肃省实施清单.xlsx")
    page.check("input[data-check-all]")
    assert page.locator("input[name=guide]:checked").count() == 2
    page.click("text=公开所选")
    page.wait_for_selector("text=已公开 2 项办事指南")
    page.screenshot(path=str(screenshot_dir / "guide-import-published.png"), full_page=True)
    after = public_guides(live_server)
    assert {"62052400MZ-XK-0101", "62052400MZ-XK-0102"} <= set(after)
    assert "62052400MZ-XK-0103" not in after
    context.close()


@pytest.mark.slow
def test_a_thousand_guides_import_behind_a_moving_progress_bar(
    browser, live_server, screenshot_dir
):
    import time

    data = wb.province_a(wb.sample_guides(1000, materials=10, steps=3))
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login")
    page.fill("input[name=username]", "approver")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.click("nav.admin-nav >> text=指南导入")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "千项.xlsx", "mimeType": "application/octet-stream", "buffer": data}],
    )
    page.click("text=上传并检查")
    page.wait_for_selector(".badge-import-checked", timeout=120_000)
    # 3 of the demo's codes are in the file: 997 new, 3 revisions.
    assert page.inner_text(".outcome-created strong") == "997"
    page.click("text=确认导入")
    seen = set()
    shot = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if page.locator(".badge-import-done").count():
            break
        try:
            value = page.eval_on_selector("progress", "e => e.value", strict=False)
        except Exception:  # the page reloads when the state changes
            value = None
        if value is not None:
            seen.add(value)
            if 0 < value < 100 and not shot:
                page.screenshot(path=str(screenshot_dir / "guide-import-progress.png"))
                shot = True
        time.sleep(0.1)
    page.wait_for_selector("text=已导入：新建草稿 997 项，待审修订 3 项", timeout=10_000)
    assert any(0 < v < 100 for v in seen), seen  # the bar moved while the import ran
    context.close()
