"""Side channels (issue 20, item 3): nothing that cannot be public moves a public
answer's expiry or topics, a non-public file is a missing file, and the public
index-number series has no gaps from internal items."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, func, select

from content_feed import workflow
from content_feed.db import db
from content_feed.models import Attachment, FeedTopic
from content_feed.versioning import _column_boundaries, _column_topics_at
from tests.builders import category, make_meeting, make_slogan, publish_item, staff


def draft(at, scope="party", **fields):
    cat = category()
    rev = workflow.create_draft(
        db.session,
        staff()["drafter"],
        at,
        title="草稿",
        domain=cat.domain,
        category_id=cat.id,
        scope=scope,
        timeliness="standing",
        **fields,
    )
    db.session.commit()
    return rev


def attach(rev, name="附件.pdf") -> Attachment:
    att = Attachment(
        revision=rev,
        filename=name,
        content_type="application/pdf",
        size=4,
        sha256="0" * 64,
        stored_name="none.pdf",
    )
    db.session.add(att)
    db.session.commit()
    return att


def topic_versions() -> dict[str, int]:
    return dict(db.session.execute(select(FeedTopic.name, FeedTopic.version)).all())


def test_times_of_rows_that_cannot_be_public_are_no_boundaries(app, client, clock):
    now = clock.now()
    public_edge = now + timedelta(hours=3)
    publish_item(now, "公开事项", valid_until=public_edge)
    publish_item(now, "党内事项", scope="party", valid_until=now + timedelta(minutes=5))
    draft(now, valid_from=now + timedelta(seconds=30))
    draft(now, scope="public", valid_from=now + timedelta(seconds=40))
    make_slogan("未审批的标语", published_at=None, valid_from=now + timedelta(seconds=20))
    make_meeting(now, days_ahead=0, scope="party")
    db.session.commit()
    assert _column_boundaries(db.session, now) == public_edge
    for hidden in (20, 30, 40, 300):
        assert _column_topics_at(db.session, now + timedelta(seconds=hidden)) == set()
    max_age = client.get("/api/v1/items").headers["Cache-Control"]
    assert "max-age=5" in max_age, max_age


def test_a_draft_revisions_attachment_moves_no_topic(app, clock):
    item = publish_item(clock.now(), "公开事项")
    published = item.published_revision
    rev = workflow.new_revision(db.session, item, staff()["drafter"], clock.now())
    db.session.commit()
    before = topic_versions()
    att = attach(rev)
    db.session.delete(att)
    db.session.commit()
    assert topic_versions() == before
    attach(published, "公开附件.pdf")
    assert topic_versions() != before  # the published revision's files do move it


def unnamed(body: bytes, ident: int) -> bytes:
    """An answer without the id it was asked for (the problem's detail and instance)."""
    return body.replace(f"文件 {ident} ".encode(), b"").replace(f"/files/{ident}".encode(), b"")


def test_a_non_public_file_answers_as_a_missing_one_with_the_same_work(app, client, clock):
    hidden = attach(draft(clock.now(), scope="public"))
    missing = db.session.execute(select(func.max(Attachment.id))).scalar() + 1000
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        answers = {}
        for ident in (hidden.id, missing):
            statements.clear()
            replies = [
                client.get(f"/files/{ident}"),
                client.get(f"/files/{ident}/thumb"),
                client.get(f"/qr/files/{ident}.svg"),
            ]
            shape = [
                (r.status_code, unnamed(r.data, ident), sorted(name for name, _ in r.headers))
                for r in replies
            ]
            answers[ident] = (shape, len(statements))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert answers[hidden.id] == answers[missing]
    assert [s for s, _, _ in answers[missing][0]] == [404, 404, 404]


def test_internal_items_leave_no_gaps_in_the_public_series(app, clock):
    numbers = [
        publish_item(clock.now(), f"事项{n}", scope=scope).index_number
        for n, scope in enumerate(["public", "party", "unit", "public", "specific", "public"])
    ]
    org_year = numbers[0].rsplit("-", 1)[0]
    assert [numbers[i] for i in (0, 3, 5)] == [f"{org_year}-{n:05d}" for n in (1, 2, 3)]
    assert [numbers[i] for i in (1, 2, 4)] == [f"{org_year}-N{n:05d}" for n in (1, 2, 3)]
