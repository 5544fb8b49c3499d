"""Console journeys (issue #12): error pages in the console's style and Chinese, API
problems in Chinese, the 好差评 follow-ups reachable, guides waiting for an approver."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Guide, Rating
from content_feed.timefmt import local
from tests.conftest import login


@pytest.mark.parametrize(
    "method, path, code, words",
    [
        ("get", "/admin/no-such-page", 404, "页面不存在"),
        ("get", "/admin/items/99999999", 404, "页面不存在"),
        ("delete", "/admin/", 405, "不支持的操作"),
    ],
)
def test_console_errors_are_in_its_style_and_chinese(as_role, method, path, code, words):
    response = getattr(as_role("approver"), method)(path)
    assert response.status_code == code
    page = response.get_data(as_text=True)
    assert words in page and 'href="/admin/"' in page and "admin-nav" in page
    assert "Not Found" not in page and "Method Not Allowed" not in page


def test_forbidden_page_is_chinese_with_a_way_back(as_role):
    response = as_role("drafter").get("/admin/users")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "没有权限" in page and "返回管理后台首页" in page


def test_a_500_in_the_console_is_its_own_page(app, as_role, monkeypatch):
    from admin.views import dashboard

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(dashboard, "stale_items", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = as_role("approver").get("/admin/")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "系统出现异常" in page and "boom" not in page and 'href="/admin/"' in page


def test_api_problems_are_chinese(client):
    body = client.get("/api/v1/items/99999999999").get_json()
    assert body["status"] == 404 and "not found" not in str(body).lower()
    assert "不存在" in body["detail"]
    body = client.get("/api/v1/no-such-thing").get_json()
    assert body["title"] == "未找到" and "The requested URL" not in body["detail"]
    body = client.delete("/api/v1/items").get_json()
    assert body["status"] == 405 and body["detail"] == "该地址不支持 DELETE 请求"


def test_follow_ups_due_today_and_overdue_on_dashboard_and_queue(app, clock, as_role):
    from tests.inquiries.test_feedback_handling import rate

    today = local(clock.now()).date()
    due_today = rate(app, clock.now(), 1, "rate-today-01")
    overdue = rate(app, clock.now(), 2, "rate-late-001")
    due_today.contact_due_on = today
    overdue.contact_due_on = today - timedelta(days=2)
    db.session.commit()
    handler = as_role("handler")
    page = handler.get("/admin/").get_data(as_text=True)
    assert "好差评回访" in page and "已超期 1" in page and "今日到期 1" in page
    assert "/admin/feedback/ratings?due=overdue" in page
    listed = handler.get("/admin/feedback/ratings?due=overdue").get_data(as_text=True)
    assert overdue.receipt_no in listed and due_today.receipt_no not in listed
    queue = handler.get("/admin/queue").get_data(as_text=True)
    assert "好差评回访（2）" in queue
    assert "/admin/feedback/ratings" in handler.get("/admin/queue").get_data(as_text=True)
    assert db.session.execute(select(Rating)).scalars().all()


def test_drafter_learns_what_happens_next_and_approver_sees_the_guide(app, as_role):
    drafter = as_role("drafter")
    page = drafter.get("/admin/guides/new")
    assert page.status_code == 200
    response = drafter.post(
        "/admin/guides/new",
        data={
            "name": "测试事项办理",
            "code": "TEST-JOURNEY-1",
            "statutory_value": "5",
            "promised_value": "1",
            "visits": "1",
            "hall_id": "0",
            "window_id": "0",
            "sort_order": "0",
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "尚未公开" in text and "待上线的办事指南" in text
    guide = db.session.execute(select(Guide).where(Guide.code == "TEST-JOURNEY-1")).scalar_one()
    queue = as_role("approver").get("/admin/queue").get_data(as_text=True)
    assert "待上线的办事指南（1）" in queue and guide.name in queue
    assert f"/admin/guides/{guide.id}" in queue


def test_ledger_heading_is_not_the_inquiries_register(as_role):
    page = as_role("approver").get("/admin/ledger").get_data(as_text=True)
    assert "<h1>审计日志" in page
    assert login


def test_a_periodic_item_needs_its_refresh_period_at_save(app, as_role):
    from tests.admin.test_admin_workflow import new_item
    from tests.builders import category

    cat = category()
    drafter = as_role("drafter")
    data = {
        "title": "季度财务公开",
        "domain": cat.domain,
        "category_id": cat.id,
        "scope": "public",
        "disclosure_mode": "proactive",
        "timeliness": "periodic",
    }
    refused = drafter.post("/admin/items/new", data=data)
    assert refused.status_code == 200
    assert "定期公开的事项须填写更新周期" in refused.get_data(as_text=True)
    assert new_item(drafter, "季度财务公开", timeliness="periodic", refresh_period_days="90")


def test_required_fields_are_marked_before_submitting(as_role):
    page = as_role("drafter").get("/admin/items/new").get_data(as_text=True)
    assert 'for="title">标题 <span class="required"' in page
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', page).group(0)
    assert " required" in title_input  # the browser stops an empty title before sending
    meeting = as_role("drafter").get("/admin/meetings/new").get_data(as_text=True)
    assert meeting.count('class="required"') >= 5


def test_propose_channels_follow_the_surfaces_the_item_targets(app, as_role):
    from tests.admin.test_admin_workflow import new_item

    drafter = as_role("drafter")
    led_only = new_item(drafter, "LED 专用通知", on_kiosk="", on_wall="", on_led="y")
    page = drafter.get(f"/admin/items/{led_only}").get_data(as_text=True)
    assert 'value="LED条屏"' in page
    both = new_item(drafter, "查询机和大屏")
    assert 'value="触摸查询机、大屏"' in drafter.get(f"/admin/items/{both}").get_data(as_text=True)


def test_ledger_summary_in_progress_agrees_with_its_months(app, client, clock):
    from tests.inquiries.test_feedback_handling import ask

    ask(app, clock.now(), key="key-sum-0001")  # pending
    second = ask(app, clock.now(), key="key-sum-0002")
    second.state = "in_progress"
    db.session.commit()
    body = client.get("/api/v1/ledger-summary").get_json()
    months = body["by_month"].values()
    assert body["in_progress"] == 2 == sum(m["in_progress"] for m in months)
    assert body["received"] == sum(m["received"] for m in months)


def test_long_chart_labels_get_room():
    from admin.charts import bar_chart, text_width

    svg = str(bar_chart([("5号窗口 不动产登记", 3), ("短", 1)], title="t"))
    label_x = int(svg.split('<text x="')[1].split('"')[0])
    assert label_x >= text_width("5号窗口 不动产登记")
