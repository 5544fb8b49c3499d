"""Console pages for notices, guides, users; markup stays inert everywhere it shows."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Guide, LedgerEntry, MeetingNotice, UrgentNotice, User
from content_feed.timefmt import local
from tests.admin.conftest import guide_rows
from tests.admin.test_admin_workflow import walk_to_publication
from tests.builders import make_hall
from tests.conftest import login

XSS_TITLE = '<img src=x onerror="alert(1)">公示'
XSS_BODY = (
    "<script>alert('body')</script>\n\n"
    "[点我](javascript:alert('link'))\n\n"
    '<a href="#" onclick="alert(2)">raw</a>\n\n'
    '![x](x" onerror="alert(3))'
)


def assert_inert(html: str) -> None:
    """No script element, no event-handler attribute, no javascript: URL in the DOM."""
    tree = lxml.html.fromstring(html)
    scripts = [s for s in tree.iter("script") if "alert" in (s.text or "") or not s.get("src")]
    assert scripts == []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name, value)
            assert not value.strip().lower().startswith("javascript:"), (element.tag, value)
    assert "<script>alert" not in html and "<img src=x" not in html


def test_xss_payload_is_inert_on_every_page_that_shows_it(app, as_role, client):
    item_id = walk_to_publication(as_role, XSS_TITLE, body=XSS_BODY, on_led="y", led_text=XSS_TITLE)
    pages = [
        as_role("approver").get(url).get_data(as_text=True)
        for url in (
            f"/admin/items/{item_id}",
            f"/admin/items/{item_id}/preview",
            "/admin/items",
            "/admin/queue",
            "/admin/ledger",
        )
    ]
    pages.append(client.get(f"/p/items/{item_id}").get_data(as_text=True))
    for html in pages:
        assert_inert(html)
    api = client.get(f"/api/v1/items/{item_id}").get_json()
    assert "<script>" not in (api.get("body_html") or "")


def test_meeting_notice_must_be_published_ahead(app, as_role, clock):
    hall = make_hall()
    db.session.commit()
    drafter = as_role("drafter")

    def form(days: int, **extra) -> dict:
        start = local(clock.now() + timedelta(days=days)).replace(tzinfo=None)
        return {
            "title": "党组会议旁听",
            "meeting_at": start.strftime("%Y-%m-%dT%H:%M"),
            "meeting_ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "三楼会议室",
            "topics": "审议年度计划",
            "observer_quota": "5",
            "scope": "public",
            "hall_id": str(hall.id),
            **extra,
        }

    # The lead is checked when the notice is saved ...
    refused = drafter.post("/admin/meetings/new", data=form(5))
    assert refused.status_code == 200 and "10 天前发布" in refused.get_data(as_text=True)
    # ... and the registration deadline must come before the meeting.
    late = form(12)
    late["register_until"] = late["meeting_ends_at"]
    refused = drafter.post("/admin/meetings/new", data=late)
    assert "报名截止须早于会议开始时间" in refused.get_data(as_text=True)
    assert db.session.execute(select(MeetingNotice)).first() is None
    response = drafter.post("/admin/meetings/new", data=form(12))
    assert response.status_code == 302
    notice = db.session.execute(select(MeetingNotice)).scalar_one()
    assert notice.meeting_at == clock.now() + timedelta(days=12)
    # ... and again at publication: a week later it is too late.
    clock.advance(days=7)
    approver = as_role("approver")
    page = approver.post(f"/admin/meetings/{notice.id}/publish", follow_redirects=True)
    assert "10 天前发布" in page.get_data(as_text=True)
    assert db.session.get(MeetingNotice, notice.id).published_at is None
    notice.meeting_at += timedelta(days=6)
    notice.meeting_ends_at += timedelta(days=6)
    db.session.commit()
    approver.post(f"/admin/meetings/{notice.id}/publish")
    assert db.session.get(MeetingNotice, notice.id).published_at == clock.now()
    assert (
        as_role("drafter").get("/api/v1/meetings").get_json()["meetings"][0]["title"]
        == "党组会议旁听"
    )


def test_guide_editor_saves_rows_and_publishes(app, as_role, client):
    drafter = as_role("drafter")
    response = drafter.post(
        "/admin/guides/new",
        data={
            "name": "不动产登记",
            "code": "62052400MZ-XK-0001",
            "statutory_value": "20",
            "promised_value": "3",
            "is_free": "y",
            "visits": "1",
            "hall_id": "0",
            "window_id": "0",
            "sort_order": "0",
            **guide_rows(
                "materials",
                {"name": "身份证", "form": "original", "copies": "1", "source": "申请人"},
                {"name": "", "form": "original", "copies": "1", "necessity": "required"},
                {
                    "name": "不动产权证书",
                    "form": "copy",
                    "copies": "2",
                    "source": "登记机构",
                    "necessity": "conditional",
                    "notes": "",
                    "blank_form_id": "",
                    "sample_id": "",
                },
            ),
            **guide_rows(
                "steps",
                {"title": "受理", "description": "窗口受理"},
                {"title": "审核", "description": ""},
                {"title": "办结", "description": "发证"},
            ),
            **guide_rows(
                "faqs", {"question": "需要本人到场吗？", "answer": "<script>x</script>可委托办理"}
            ),
        },
    )
    assert response.status_code == 302
    guide = db.session.execute(select(Guide)).scalar_one()
    assert [m.name for m in guide.materials] == ["身份证", "不动产权证书"]
    assert guide.materials[1].copies == 2 and guide.materials[1].form == "copy"
    assert [s.title for s in guide.steps] == ["受理", "审核", "办结"]
    assert guide.state == "draft" and client.get(f"/p/guides/{guide.id}").status_code == 404
    as_role("approver").post(f"/admin/guides/{guide.id}/state", data={"state": "published"})
    assert client.get(f"/p/guides/{guide.id}").status_code == 200
    page = drafter.get(f"/admin/guides/{guide.id}").get_data(as_text=True)
    assert "<script>x</script>" not in page
    assert db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "guide.publish")
    ).scalar_one()


def test_urgent_notice_create_and_cancel(app, as_role, clock, client):
    operator = as_role("operator")
    now_local = local(clock.now()).replace(tzinfo=None)
    response = operator.post(
        "/admin/urgent/new",
        data={
            "title": "大厅临时停电",
            "body": "请留意现场通知",
            "starts_at": now_local.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now_local + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "hall_id": "0",
            "on_wall": "y",
        },
    )
    assert response.status_code == 302
    notice = db.session.execute(select(UrgentNotice)).scalar_one()
    assert notice.on_wall and not notice.on_kiosk
    assert "正在显示" in operator.get("/admin/urgent").get_data(as_text=True)
    operator.post(f"/admin/urgent/{notice.id}/cancel")
    assert db.session.get(UrgentNotice, notice.id).cancelled_at == clock.now()
    actions = db.session.execute(select(LedgerEntry.action)).scalars().all()
    assert "urgent.create" in actions and "urgent.cancel" in actions


def test_admin_creates_a_user_who_can_sign_in(app, as_role):
    admin = as_role("admin")
    response = admin.post(
        "/admin/users/new",
        data={
            "username": "liu",
            "display_name": "刘拟稿",
            "roles": ["drafter"],
            "active": "y",
            "password": "a-long-password-1",
        },
    )
    assert response.status_code == 302
    user = db.session.execute(select(User).where(User.username == "liu")).scalar_one()
    assert user.roles == "drafter" and user.password_hash != "a-long-password-1"
    entry = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "user.create")
    ).scalar_one()
    assert "password" not in str(entry.after) and "hash" not in str(entry.after)
    client = app.test_client()
    signed_in = login(client, "liu", "a-long-password-1")
    # Set by an administrator: the first sign-in leads to the password change.
    assert signed_in.headers["Location"].endswith("/admin/account")
    assert client.get("/admin/items").headers["Location"].endswith("/admin/account")
    changed = client.post(
        "/admin/account",
        data={
            "current": "a-long-password-1",
            "new": "autumn-river-2026",
            "repeat": "autumn-river-2026",
        },
    )
    assert changed.status_code == 302
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/items").status_code == 200


def test_admin_cannot_remove_own_admin_role(app, as_role, people):
    admin = as_role("admin")
    page = admin.post(
        f"/admin/users/{people['admin'].id}",
        data={"username": "admin", "roles": ["drafter"], "active": "y"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "不能取消自己的管理员角色" in page
