"""Contact details behind assignment: only an administrator assigns.

Before: a handler could assign any inquiry to themself and then read the
unmasked name and phone; assignment accepted any user id.
"""

from __future__ import annotations

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import LedgerEntry
from tests.builders import make_user
from tests.inquiries.test_feedback_handling import ask


def _reveal(client, inq) -> str:
    return client.post(f"/admin/feedback/{inq.id}/contact").get_data(as_text=True)


def test_a_handler_cannot_assign_to_themself_to_read_contacts(app, as_role, people, clock):
    other = make_user("handler2", "handler")
    inq = ask(app, clock.now(), name="李四", phone="13900001111")
    admin, handler = as_role("admin"), as_role("handler")
    assign_to_other = {"assignee": other.id, "department": ""}
    assert admin.post(f"/admin/feedback/{inq.id}/assign", data=assign_to_other).status_code == 302
    db.session.refresh(inq)
    assert inq.assignee_id == other.id

    # The handler tries to take it over, and then to read it.
    page = handler.post(
        f"/admin/feedback/{inq.id}/assign",
        data={"assignee": people["handler"].id, "department": ""},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "只有管理员可以指定或改派承办人" in page
    db.session.refresh(inq)
    assert inq.assignee_id == other.id
    assert handler.post(f"/admin/feedback/{inq.id}/contact").status_code == 403
    detail = handler.get(f"/admin/feedback/{inq.id}").get_data(as_text=True)
    assert "13900001111" not in detail and "交办</h2>" not in detail


def test_only_active_handlers_can_be_assigned(app, as_role, people, clock):
    inq = ask(app, clock.now())
    admin = as_role("admin")
    for user in (people["drafter"], make_user("gone", "handler")):
        if user.username == "gone":
            user.active = False
            db.session.commit()
        admin.post(f"/admin/feedback/{inq.id}/assign", data={"assignee": user.id, "department": ""})
        db.session.refresh(inq)
        assert inq.assignee_id is None


def test_every_reveal_is_on_the_ledger(app, as_role, people, clock):
    inq = ask(app, clock.now(), name="王五", phone="13700002222")
    admin = as_role("admin")
    admin.post(
        f"/admin/feedback/{inq.id}/assign",
        data={"assignee": people["handler"].id, "department": ""},
    )
    handler = as_role("handler")
    for _ in range(3):
        assert "13700002222" in _reveal(handler, inq)
    assert "13700002222" in _reveal(admin, inq)
    views = db.session.execute(
        select(LedgerEntry.actor_name).where(LedgerEntry.action == "personal_data.view")
    ).scalars()
    assert sorted(views) == ["admin", "handler", "handler", "handler"]
