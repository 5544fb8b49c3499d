"""The Article 15 workflow through the console, as the staff click through it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Item, LedgerEntry
from tests.builders import category, make_user
from tests.conftest import login


def new_item(client, title="2026年党费收缴使用情况", **fields) -> int:
    cat = category()
    data = {
        "title": title,
        "domain": cat.domain,
        "category_id": cat.id,
        "scope": "public",
        "disclosure_mode": "proactive",
        "timeliness": "standing",
        "body": "## 收缴情况\n\n全年收缴党费 **12,345** 元。",
        "on_kiosk": "y",
        "on_wall": "y",
    }
    data.update(fields)
    response = client.post("/admin/items/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def propose(client, item_id, **fields):
    data = {
        "note": "按季度公开党费收缴情况",
        "channels": "触摸查询机、大屏",
        "confidentiality_checked": "y",
    }
    data.update(fields)
    return client.post(f"/admin/items/{item_id}/propose", data=data, follow_redirects=True)


def public_titles(client) -> list[str]:
    return [i["title"] for i in client.get("/api/v1/items").get_json()["items"]]


def walk_to_publication(as_role, title="2026年党费收缴使用情况", **fields) -> int:
    drafter = as_role("drafter")
    item_id = new_item(drafter, title, **fields)
    assert "已提出" in propose(drafter, item_id).get_data(as_text=True)
    reviewed = as_role("reviewer").post(
        f"/admin/items/{item_id}/review", data={"note": "无涉密内容"}
    )
    assert reviewed.status_code == 302
    as_role("approver").post(f"/admin/items/{item_id}/approve", data={"note": "同意公开"})
    return item_id


def test_drafter_proposes_reviewer_and_approver_pass_it_public_api_shows_it(app, as_role, client):
    item_id = walk_to_publication(as_role)
    item = db.session.get(Item, item_id)
    assert item.state == "published" and item.index_number.startswith("000014349/2026-")
    assert "2026年党费收缴使用情况" in public_titles(client)
    page = as_role("reviewer").get(f"/admin/items/{item_id}").get_data(as_text=True)
    for who in ("drafter", "reviewer", "approver"):
        assert who in page  # the history names every actor
    publish = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "item.publish")
    ).scalar_one()
    assert publish.after["title"] == "2026年党费收缴使用情况"


def test_rejected_item_returns_to_draft_with_its_reason(app, as_role, client):
    drafter = as_role("drafter")
    item_id = new_item(drafter)
    propose(drafter, item_id)
    response = as_role("reviewer").post(
        f"/admin/items/{item_id}/reject", data={"reason": "金额与财务报表不一致，请核对"}
    )
    assert response.status_code == 302
    page = drafter.get(f"/admin/items/{item_id}").get_data(as_text=True)
    assert "已退回" in page and "金额与财务报表不一致，请核对" in page
    queue = drafter.get("/admin/queue").get_data(as_text=True)
    assert "金额与财务报表不一致" in queue
    assert public_titles(client) == []
    # Rejection without a reason is refused.
    propose(drafter, item_id)
    as_role("reviewer").post(f"/admin/items/{item_id}/reject", data={"reason": ""})
    assert db.session.get(Item, item_id).revisions[-1].state == "proposed"


def test_reviewer_and_approver_cannot_be_the_drafter(app, people):
    make_user("both", "drafter reviewer approver")
    db.session.commit()
    client = app.test_client()
    login(client, "both")
    item_id = new_item(client)
    propose(client, item_id)
    page = client.post(f"/admin/items/{item_id}/review", data={}, follow_redirects=True)
    assert "审核人不能是拟稿人本人" in page.get_data(as_text=True)
    assert db.session.get(Item, item_id).revisions[-1].state == "proposed"


def test_internal_scope_item_passes_the_steps_and_appears_nowhere_public(app, as_role, client):
    item_id = walk_to_publication(as_role, "党内通报：内部事项", scope="party")
    item = db.session.get(Item, item_id)
    assert item.state == "published"
    assert public_titles(client) == []
    assert client.get(f"/api/v1/items/{item_id}").status_code == 404
    assert client.get(f"/p/items/{item_id}").status_code == 404
    assert "党内通报" not in client.get("/feed.atom").get_data(as_text=True)


def test_editing_a_published_item_keeps_it_up_and_index_numbers_are_never_reused(
    app, as_role, client, clock
):
    first = walk_to_publication(as_role, "第一项")
    second = walk_to_publication(as_role, "第二项")
    numbers = {db.session.get(Item, i).index_number for i in (first, second)}
    assert len(numbers) == 2
    # Revise the first: the published version stays up while the new one walks.
    drafter = as_role("drafter")
    assert drafter.post(f"/admin/items/{first}/revise").status_code == 302
    cat = category()
    drafter.post(
        f"/admin/items/{first}/edit",
        data={
            "title": "第一项（更正）",
            "domain": cat.domain,
            "category_id": cat.id,
            "scope": "public",
            "disclosure_mode": "proactive",
            "timeliness": "standing",
            "on_kiosk": "y",
        },
    )
    assert "第一项" in public_titles(client) and "第一项（更正）" not in public_titles(client)
    propose(drafter, first)
    as_role("reviewer").post(f"/admin/items/{first}/review", data={})
    as_role("approver").post(f"/admin/items/{first}/approve", data={})
    item = db.session.get(Item, first)
    assert item.title == "第一项（更正）" and item.index_number in numbers
    assert [r.state for r in item.revisions] == ["superseded", "published"]
    # Archive the second; a third item gets a new serial, not the archived one's.
    as_role("approver").post(f"/admin/items/{second}/archive", data={"reason": "已过时"})
    assert db.session.get(Item, second).state == "archived"
    third = walk_to_publication(as_role, "第三项")
    third_number = db.session.get(Item, third).index_number
    assert third_number not in numbers
    assert third_number.endswith("00003")


def test_pre_disclosure_needs_the_minimum_period(app, as_role, client, clock):
    drafter = as_role("drafter")
    item_id = new_item(drafter, "征求意见稿")
    page = propose(drafter, item_id, comment_days="7").get_data(as_text=True)
    assert "不少于 15 天" in page
    propose(drafter, item_id, comment_days="15")
    as_role("reviewer").post(f"/admin/items/{item_id}/review", data={})
    approver = as_role("approver")
    approver.post(f"/admin/items/{item_id}/comment")
    assert db.session.get(Item, item_id).state == "pre_disclosure"
    assert "征求意见稿" in public_titles(client)
    page = approver.post(f"/admin/items/{item_id}/approve", data={}, follow_redirects=True)
    assert "之后方可审批" in page.get_data(as_text=True)
    clock.advance(days=15, minutes=1)
    approver.post(f"/admin/items/{item_id}/approve", data={})
    assert db.session.get(Item, item_id).state == "published"


def test_search_and_filters(app, as_role):
    walk_to_publication(as_role, "不动产登记收费标准")
    walk_to_publication(as_role, "党员发展公示")
    client = as_role("reviewer")
    page = client.get("/admin/items", query_string={"q": "不动产"}).get_data(as_text=True)
    assert "不动产登记收费标准" in page and "党员发展公示" not in page
    page = client.get("/admin/items", query_string={"state": "archived"}).get_data(as_text=True)
    assert "没有符合条件的事项" in page


def test_expiring_and_stale_items_show_on_the_dashboard(app, as_role, clock):
    walk_to_publication(as_role, "即将到期的公示")
    item = db.session.execute(select(Item)).scalar_one()
    item.valid_until = clock.now() + timedelta(days=3)
    stale_id = walk_to_publication(
        as_role, "季度财务公开", timeliness="periodic", refresh_period_days="90"
    )
    db.session.commit()
    clock.advance(days=2)
    page = as_role("approver").get("/admin/").get_data(as_text=True)
    assert "即将到期的公示" in page and "<svg" in page
    clock.advance(days=100)
    page = as_role("drafter").get("/admin/").get_data(as_text=True)
    assert "季度财务公开" in page and f"/admin/items/{stale_id}" in page
