"""Issue 25, journey 4, in real Chromium: a file whose only limit column is 办理时限
(neither 法定 nor 承诺) once imported with 拒绝 0 and no word, and its guide promised
当场办结 to the public. Now the check names the column, the guide lands as 未填写,
and once published its phone page promises nothing."""

from __future__ import annotations

import pytest

from tests.guide_import import provinces

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "sunlight-demo"


def test_a_column_not_understood_is_shown_and_the_limit_stays_unfilled(
    browser, live_server, screenshot_dir
):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login")
    page.fill("input[name=username]", "approver")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.click("nav.admin-nav >> text=指南导入")
    page.set_input_files(
        "input[name=file]",
        files=[
            {
                "name": "某市实施清单.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": provinces.only_a_vague_limit(),
            }
        ],
    )
    page.click("text=上传并检查")
    page.wait_for_selector(".badge-import-checked", timeout=30_000)
    warnings = page.inner_text("section.import-warnings")
    assert "未识别的列“办理时限”" in warnings and "法定还是承诺" in warnings
    assert "没有“承诺办结时限”列" in warnings and "未填写" in warnings
    assert "承诺办结时限未填写" not in page.inner_text(".import-report")  # the column is absent
    page.screenshot(path=str(screenshot_dir / "guide-import-warnings.png"), full_page=True)

    page.click("text=确认导入")
    page.wait_for_selector("text=已导入：新建草稿 1 项", timeout=30_000)
    page.click("form.bulk-publish a:has-text('户外广告设置许可')")
    page.wait_for_selector("select[name=promised_unit]")
    guide_id = page.url.split("?")[0].rstrip("/").split("/")[-1]
    assert page.eval_on_selector("select[name=promised_unit]", "e => e.value") == "unfilled"
    assert page.input_value("input[name=promised_value]") == ""
    page.screenshot(path=str(screenshot_dir / "guide-import-unfilled-limit.png"), full_page=True)

    page.go_back()
    page.check("input[data-check-all]")
    page.click("text=公开所选")
    page.wait_for_selector("text=已公开 1 项办事指南")
    page.goto(f"{live_server.url}/p/guides/{guide_id}")
    text = page.inner_text("article")
    assert "户外广告设置许可" in text
    assert "当场办结" not in text and "承诺办结时限" not in text
    page.screenshot(path=str(screenshot_dir / "guide-import-unfilled-phone.png"), full_page=True)
    context.close()
