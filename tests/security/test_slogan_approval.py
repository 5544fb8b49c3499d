"""先审核、后公开 for slogans: a drafter's slogan waits for an approver.

Before: a new slogan was on every screen within seconds, with no review.
Urgent notices stay the operator's, without approval, and each is on the ledger.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import LedgerEntry, Slogan, UrgentNotice
from content_feed.timefmt import local
from tests.builders import make_hall

TEXT = "推进党务公开，打造阳光党务"


def _public_texts(client) -> list[str]:
    return [s["text"] for s in client.get("/api/v1/slogans").get_json()["slogans"]]


def _actions() -> list[str]:
    return list(db.session.execute(select(LedgerEntry.action).order_by(LedgerEntry.id)).scalars())


def test_a_drafters_slogan_shows_only_once_an_approver_publishes_it(app, as_role, client):
    make_hall()
    drafter, approver = as_role("drafter"), as_role("approver")
    r = drafter.post("/admin/slogans/new", data={"text": TEXT, "hall_id": 0, "active": "y"})
    assert r.status_code == 302
    slogan = db.session.execute(select(Slogan)).scalar_one()
    assert slogan.published_at is None
    assert TEXT not in _public_texts(client)
    assert "待发布" in approver.get("/admin/slogans").get_data(as_text=True)

    # Only an approver publishes.
    assert drafter.post(f"/admin/slogans/{slogan.id}/publish").status_code == 403
    assert TEXT not in _public_texts(client)
    assert approver.post(f"/admin/slogans/{slogan.id}/publish").status_code == 302
    assert _public_texts(client) == [TEXT]
    assert [a for a in _actions() if a.startswith("slogan.")] == ["slogan.create", "slogan.publish"]

    # A published slogan is not edited in place.
    r = drafter.post(f"/admin/slogans/{slogan.id}", data={"text": "改过的标语", "hall_id": 0})
    assert r.status_code == 302
    db.session.refresh(slogan)
    assert slogan.text == TEXT

    assert approver.post(f"/admin/slogans/{slogan.id}/withdraw").status_code == 302
    assert _public_texts(client) == []
    page = drafter.get(f"/admin/slogans/{slogan.id}")
    assert page.status_code == 200  # editable again once withdrawn
    assert _actions()[-1] == "slogan.withdraw"


def test_urgent_notices_need_no_approval_and_each_is_on_the_ledger(app, as_role, client, clock):
    make_hall()
    operator = as_role("operator")
    start = local(clock.now() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    end = local(clock.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    r = operator.post(
        "/admin/urgent/new",
        data={
            "title": "暴雨停办通知",
            "starts_at": start,
            "ends_at": end,
            "hall_id": 0,
            "on_wall": "y",
        },
    )
    assert r.status_code == 302
    notices = client.get("/api/v1/urgent-notices").get_json()["urgent_notices"]
    assert [n["title"] for n in notices] == ["暴雨停办通知"]
    notice = db.session.execute(select(UrgentNotice)).scalar_one()
    operator.post(f"/admin/urgent/{notice.id}/cancel")
    assert [a for a in _actions() if a.startswith("urgent.")] == ["urgent.create", "urgent.cancel"]
