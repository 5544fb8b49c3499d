"""Nothing queued is lost without a word (refusals reported and followed up), and a
public answer only with the asker's consent or as an anonymous rewrite (issue #12)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import LedgerEntry, RefusedSubmission
from inquiries.handling import HandlingError, reply
from tests.builders import PASSWORD, staff
from tests.inquiries.test_feedback_handling import ask
from tests.kiosk.conftest import question


@pytest.fixture(autouse=True)
def _kiosk_token(request):
    """Kiosk requests carry the demo kiosk's token, as the kiosk page sends it."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").environ_base["HTTP_X_TERMINAL_TOKEN"] = "demo-kiosk-token"


def report(client, **fields):
    body = {
        "terminal": "kiosk-1",
        "kind": "inquiries",
        "body": question(idempotency_key="k-ABCDEFGH23456789ABCDEFGH23", phone="12"),
        "errors": {"phone": "电话号码格式不对，请填写 7 到 15 位数字"},
        "queued_at": "2026-11-17T01:00:00Z",
    }
    body.update(fields)
    return client.post("/api/v1/refused-submissions", json=body)


def test_a_refused_submission_is_reported_once(demo_app, client):
    first = report(client)
    assert first.status_code == 201
    again = report(client)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    rows = db.session.execute(select(RefusedSubmission)).scalars().all()
    assert len(rows) == 1 and rows[0].queued_at is not None


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"kind": "gossip"}, "kind"),
        ({"body": "not an object"}, "body"),
        ({"body": {"idempotency_key": "x"}}, "body"),
        ({"errors": ["a"]}, "errors"),
        ({"queued_at": "yesterday"}, "queued_at"),
    ],
)
def test_bad_reports_are_refused_in_chinese(demo_app, client, fields, field):
    response = report(client, **fields)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_unknown_terminal_and_non_json_are_refused(demo_app, client):
    assert report(client, terminal="nobody").status_code == 401
    assert client.post("/api/v1/refused-submissions", data="x").status_code == 415


def login(client, username, password=PASSWORD):
    return client.post("/admin/login", data={"username": username, "password": password})


def test_handlers_follow_refusals_up_on_the_ledger(demo_app, client):
    report(client)
    login(client, "drafter", "sunlight-demo")  # the demo hall's accounts
    assert client.get("/admin/feedback/refused").status_code == 403
    client = client.application.test_client()
    login(client, "handler", "sunlight-demo")
    page = client.get("/admin/feedback/refused").get_data(as_text=True)
    assert "电话号码格式不对" in page and "13812345678" not in page
    row = db.session.execute(select(RefusedSubmission)).scalar_one()
    empty = client.post(f"/admin/feedback/refused/{row.id}", data={"note": ""})
    assert empty.status_code == 302
    assert db.session.get(RefusedSubmission, row.id).handled_at is None
    client.post(f"/admin/feedback/refused/{row.id}", data={"note": "已电话联系，重新登记"})
    db.session.expire_all()
    assert db.session.get(RefusedSubmission, row.id).handled_at is not None
    actions = set(db.session.execute(select(LedgerEntry.action)).scalars())
    assert "refused_submission.follow_up" in actions
    assert client.post("/admin/feedback/refused/99999", data={"note": "x"}).status_code == 404


def test_public_answer_needs_consent_or_an_anonymous_rewrite(app, client, clock):
    handler = staff()["handler"]
    agreed = ask(app, clock.now(), key="key-consent-1", name="张三丰", text="社保卡怎么补办？")
    declined = ask(
        app,
        clock.now(),
        key="key-consent-2",
        name="李四",
        text="我家在幸福小区3栋，低保怎么申请？",
        public_consent=False,
    )
    assert agreed.public_consent and not declined.public_consent
    with pytest.raises(HandlingError, match="未同意公开"):
        reply(db.session, declined, handler, clock.now(), text="到5号窗口。", public=True)
    reply(db.session, agreed, handler, clock.now(), text="请到7号窗口。", public=True)
    reply(
        db.session,
        declined,
        handler,
        clock.now(),
        text="请到民政窗口申请。",
        public=True,
        public_question="低保怎么申请？",
    )
    db.session.commit()
    answers = {a["reply"]: a for a in client.get("/api/v1/answers").get_json()["answers"]}
    assert answers["请到7号窗口。"]["question"] == "社保卡怎么补办？"
    assert answers["请到7号窗口。"]["rewritten"] is False
    rewritten = answers["请到民政窗口申请。"]
    assert rewritten["question"] == "低保怎么申请？" and "asker" not in rewritten
    assert "幸福小区" not in str(answers) and rewritten["rewritten"] is True


def test_consent_is_only_an_explicit_yes(demo_app, client):
    for value in (True, "true", 1, None):
        sent = client.post("/api/v1/inquiries", json=question(public_consent=value))
        assert sent.status_code == 201
    from content_feed.models import Inquiry

    consents = db.session.execute(select(Inquiry.public_consent).order_by(Inquiry.id)).scalars()
    assert list(consents) == [True, False, False, False]
