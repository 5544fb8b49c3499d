"""Four eyes, really (issue 20, item 4): whoever wrote or changed a revision's words
neither reviews nor approves it, one person does not both review and approve, and
an operator's QR card or picture reaches the walls only once someone else approves it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content_feed import workflow
from content_feed.db import db
from content_feed.models import Playlist, PlaylistEntry
from content_feed.workflow import WorkflowError
from display.playlist import Resolver
from tests.builders import category, make_user, staff


def proposed_by_drafter_rewritten_by(editor, at):
    people = staff()
    cat = category()
    rev = workflow.create_draft(
        db.session,
        people["drafter"],
        at,
        title="原稿",
        domain=cat.domain,
        category_id=cat.id,
        scope="public",
        timeliness="standing",
    )
    workflow.update_draft(db.session, rev, editor, at, title="管理员改写的标题")
    workflow.propose(
        db.session,
        rev,
        people["drafter"],
        at,
        note="",
        channels="大屏",
        confidentiality_checked=True,
    )
    return rev


def test_whoever_changed_the_words_may_not_review_or_approve(app, clock):
    """The review's case: a drafter's draft rewritten by admin, who then holds every role."""
    at = clock.now()
    boss = make_user("boss", "admin")
    rev = proposed_by_drafter_rewritten_by(boss, at)
    assert boss.id in rev.editor_ids
    with pytest.raises(WorkflowError, match="修改过本版内容"):
        workflow.review(db.session, rev, boss, at)
    workflow.review(db.session, rev, staff()["reviewer"], at)
    with pytest.raises(WorkflowError, match="修改过本版内容"):
        workflow.approve(db.session, rev, boss, at)
    workflow.approve(db.session, rev, staff()["approver"], at)


def test_one_person_may_not_both_review_and_approve(app, clock):
    at = clock.now()
    both = make_user("both", "reviewer approver")
    rev = proposed_by_drafter_rewritten_by(staff()["drafter"], at)
    workflow.review(db.session, rev, both, at)
    with pytest.raises(WorkflowError, match="既审核又审批"):
        workflow.approve(db.session, rev, both, at)
    workflow.approve(db.session, rev, staff()["approver"], at)


def test_changing_a_drafts_files_counts_as_changing_its_words(app, client, clock):
    """Through the console: an admin who attaches a file to someone's draft is an editor."""
    app.config["WTF_CSRF_ENABLED"] = False
    at = clock.now()
    admin = make_user("chief", "admin")
    rev = proposed_by_drafter_rewritten_by(staff()["drafter"], at)
    workflow.reject(db.session, rev, staff()["reviewer"], at, "请补充附件")
    db.session.commit()
    from io import BytesIO

    from tests.builders import PASSWORD

    client.post("/admin/login", data={"username": "chief", "password": PASSWORD})
    pdf = (BytesIO(b"%PDF-1.4\n%%EOF\n"), "说明.pdf")
    client.post(f"/admin/items/{rev.item_id}/attachments", data={"file": pdf})
    db.session.refresh(rev)
    assert rev.attachments and admin.id in rev.editor_ids
    workflow.propose(
        db.session,
        rev,
        staff()["drafter"],
        at,
        note="",
        channels="大屏",
        confidentiality_checked=True,
    )
    with pytest.raises(WorkflowError, match="修改过本版内容"):
        workflow.review(db.session, rev, admin, at)


def test_a_qr_card_reaches_the_wall_only_once_another_person_approves_it(demo_app, clock):
    from app import load_demo  # noqa: F401  (the demo hall: its playlists and walls)

    client = demo_app.test_client()
    demo_app.config["WTF_CSRF_ENABLED"] = False
    make_user("op", "operator approver")
    make_user("boss2", "approver")
    db.session.commit()
    playlist = db.session.execute(select(Playlist).order_by(Playlist.id)).scalars().first()

    def shown_titles():
        db.session.expire_all()
        entries = Resolver(db.session, playlist.hall_id, "wall", clock.now()).entries(playlist)
        return [e["title"] for e in entries]

    from tests.builders import PASSWORD

    def sign_in(name):
        client.post("/admin/logout")
        client.post("/admin/login", data={"username": name, "password": PASSWORD})

    sign_in("op")
    card = {"kind": "qr_card", "url": "http://evil.example/", "title": "未经审批的二维码"}
    assert (
        client.post(f"/admin/display/playlists/{playlist.id}/entries", data=card).status_code == 302
    )
    entry = (
        db.session.execute(select(PlaylistEntry).order_by(PlaylistEntry.id.desc()))
        .scalars()
        .first()
    )
    assert "未经审批的二维码" not in shown_titles()
    publish = f"/admin/display/playlists/{playlist.id}/entries/{entry.id}/publish"
    page = client.post(publish, follow_redirects=True).get_data(as_text=True)
    assert "审批人不能是添加该节目的人本人" in page
    assert "未经审批的二维码" not in shown_titles()
    sign_in("boss2")
    client.post(publish)
    assert "未经审批的二维码" in shown_titles()
