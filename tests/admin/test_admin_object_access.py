"""Object-level checks behind the role checks: a drafter works on their own
drafts only (content, attachments and the proposal with its confidentiality
self-check), and a published guide changes only through an approver."""

from __future__ import annotations

import io

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Attachment, Guide, ItemRevision
from tests.admin.conftest import GUIDE_BASICS, guide_rows
from tests.admin.test_admin_workflow import new_item, propose
from tests.builders import make_guide, make_user
from tests.conftest import login


def other_drafter(app):
    make_user("drafter2", "drafter")
    db.session.commit()
    client = app.test_client()
    assert login(client, "drafter2").status_code == 302
    return client


def pdf(name="附件.pdf"):
    return {"file": (io.BytesIO(b"%PDF-1.4 test"), name)}


def test_another_drafter_cannot_attach_to_or_detach_from_my_draft(app, as_role):
    mine = as_role("drafter")
    item_id = new_item(mine)
    theirs = other_drafter(app)
    theirs.post(f"/admin/items/{item_id}/attachments", data=pdf("塞进来的.pdf"))
    assert db.session.execute(select(Attachment)).scalars().all() == []
    mine.post(f"/admin/items/{item_id}/attachments", data=pdf("我的.pdf"))
    att = db.session.execute(select(Attachment)).scalar_one()
    theirs.post(f"/admin/items/{item_id}/attachments/{att.id}/delete")
    db.session.expire_all()
    assert db.session.get(Attachment, att.id) is not None


def test_another_drafter_cannot_propose_my_draft(app, as_role):
    item_id = new_item(as_role("drafter"))
    page = propose(other_drafter(app), item_id).get_data(as_text=True)
    assert "只有拟稿人本人" in page
    rev = db.session.execute(select(ItemRevision)).scalar_one()
    db.session.refresh(rev)
    assert rev.state == "draft" and not rev.confidentiality_checked


def test_a_published_guide_is_not_changed_behind_the_approver(app, as_role, client, clock):
    guide = make_guide(clock.now(), name="不动产登记")
    drafter = as_role("drafter")
    page = drafter.get(f"/admin/guides/{guide.id}").get_data(as_text=True)
    assert "不动产登记" in page
    data = {
        "name": "未经审批的新名称",
        "code": guide.code,
        **GUIDE_BASICS,
        **guide_rows("materials", {"name": "身份证"}),
        **guide_rows("steps", {"title": "受理"}),
    }
    drafter.post(f"/admin/guides/{guide.id}", data=data)
    drafter.post(f"/admin/guides/{guide.id}/attachments", data=pdf("未审批的样表.pdf"))
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).name == "不动产登记"
    assert "未经审批" not in client.get(f"/p/guides/{guide.id}").get_data(as_text=True)
    assert db.session.execute(select(Attachment)).scalars().all() == []
    # Taken down (下线) by an approver, the drafter may edit it again.
    as_role("approver").post(f"/admin/guides/{guide.id}/state", data={"state": "archived"})
    drafter.post(f"/admin/guides/{guide.id}", data=data)
    db.session.expire_all()
    assert db.session.get(Guide, guide.id).name == "未经审批的新名称"
