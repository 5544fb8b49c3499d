"""Alerts arriving: pulled from a feed server the test starts (ETags, ATOM of three,
linked documents, failures), pushed with a feed's token, and handled in the console."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from alerts import pull
from alerts.models import Alert, AlertFeed, AlertHallArea, RefusedAlertDocument
from content_feed.db import db
from tests.alerts import documents as doc
from tests.alerts.conftest import FEED_TOKEN, urgent_titles

CAP_TYPE = {"Content-Type": "application/cap+xml"}


def pushed(client, text: str, token: str = FEED_TOKEN, feed_id: int = 1):
    headers = {**CAP_TYPE, "Authorization": f"Bearer {token}"}
    return client.post(f"/alerts/feeds/{feed_id}/cap", data=text.encode(), headers=headers)


def states() -> dict[str, str]:
    return {a.identifier: a.state for a in db.session.execute(select(Alert)).scalars()}


def test_a_single_document_is_polled_with_conditional_requests(feed, feed_server, clock, screens):
    feed.url = feed_server.serve("/xicheng/one.xml", doc.alert(clock.now()))
    first = pull.poll(db.session, feed, clock.now())
    db.session.commit()
    assert len(first.shown) == 1 and feed.etag and feed.poll_error == ""
    assert urgent_titles(screens("wall"))["wall"]
    again = pull.poll(db.session, feed, clock.now())
    assert feed_server.requests[-1] == ("/xicheng/one.xml", feed.etag, 304)
    assert again.shown == [] and again.duplicates == 0


def test_an_atom_feed_of_three_with_a_linked_document(feed, feed_server, clock):
    at = clock.now()
    linked = feed_server.serve("/xicheng/linked.xml", doc.alert(at, serial=4, level="blue"))
    feed.url = feed_server.serve(
        "/xicheng/atom.xml",
        doc.atom(
            doc.alert(at, serial=1, level="red"),
            doc.alert(at, serial=2, level="yellow"),
            doc.alert(at, serial=3, division=doc.ELSEWHERE),
            links=[linked],
        ),
    )
    receipt = pull.poll(db.session, feed, at)
    db.session.commit()
    assert len(receipt.shown) == 3 and len(receipt.held) == 1  # the other area is held
    # The feed moves (a heartbeat added); the linked document is not fetched again.
    feed_server.serve(
        "/xicheng/atom.xml", doc.atom(doc.alert(at, serial=1), doc.heartbeat(at), links=[linked])
    )
    again = pull.poll(db.session, feed, at + timedelta(minutes=1))
    assert again.duplicates == 1 and again.heartbeats == 1
    assert [r[0] for r in feed_server.requests].count("/xicheng/linked.xml") == 1


def test_a_feed_that_fails_says_why_in_chinese(feed, feed_server, clock):
    feed.url = feed_server.serve("/broken.xml", "oops", status=500)
    pull.poll(db.session, feed, clock.now())
    assert feed.poll_error == "接入源回答 HTTP 500"
    feed.url = "http://127.0.0.1:9/nothing.xml"
    pull.poll(db.session, feed, clock.now())
    assert feed.poll_error.startswith("无法连接接入源")


def test_the_job_polls_each_feed_by_its_interval(alert_app, feed, feed_server, clock):
    feed.url = feed_server.serve("/xicheng/job.xml", doc.heartbeat(clock.now()))
    feed.interval_minutes = 5
    db.session.commit()
    assert pull.poll_due_feeds(alert_app, clock.now()) == [feed.id]
    assert pull.poll_due_feeds(alert_app, clock.now() + timedelta(minutes=2)) == []
    assert pull.poll_due_feeds(alert_app, clock.now() + timedelta(minutes=5)) == [feed.id]


def test_push_needs_the_feeds_token(alert_app, clock):
    client = alert_app.test_client()
    text = doc.alert(clock.now())
    for token in ("wrong", ""):
        r = pushed(client, text, token)
        assert r.status_code == 401 and r.mimetype == "application/problem+json"
        assert "令牌" in r.get_json()["detail"]
    assert pushed(client, text, feed_id=99).status_code == 401
    assert states() == {}
    r = pushed(client, text)
    assert r.status_code == 200 and len(r.get_json()["shown"]) == 1
    assert pushed(client, text).get_json()["duplicates"] == 1


def test_a_malformed_push_is_refused_with_a_reason_and_kept(alert_app):
    client = alert_app.test_client()
    r = pushed(client, doc.MALFORMED["not XML"])
    assert r.status_code == 422 and "不是格式正确的 XML" in r.get_json()["detail"]
    r = pushed(client, doc.XXE)
    assert r.status_code == 422 and "DOCTYPE" in r.get_json()["detail"]
    kept = db.session.execute(select(RefusedAlertDocument)).scalars().all()
    assert len(kept) == 2 and all(k.via == "push" for k in kept)
    assert "/etc/passwd" in kept[1].content  # kept as received, never resolved


def test_the_operator_connects_a_feed_and_pushes_with_its_token(alert_app, operator, clock):
    r = operator.post(
        "/admin/alerts/feeds/new",
        data={"name": "北京市预警发布中心", "url": "ftp://x", "interval_minutes": "1"},
    )
    assert "请填写以 http:// 或 https:// 开头的网址" in r.get_data(as_text=True)
    r = operator.post(
        "/admin/alerts/feeds/new",
        data={
            "name": "北京市预警发布中心",
            "url": "",
            "interval_minutes": "2",
            "silence_minutes": "30",
            "active": "y",
        },
    )
    assert r.status_code == 302
    feed = db.session.execute(
        select(AlertFeed).where(AlertFeed.name == "北京市预警发布中心")
    ).scalar_one()
    page = operator.post(f"/admin/alerts/feeds/{feed.id}/token", follow_redirects=True)
    token = page.get_data(as_text=True).split("旧令牌已失效）：")[1].split("　")[0]
    assert (
        pushed(alert_app.test_client(), doc.heartbeat(clock.now()), token, feed.id).status_code
        == 200
    )
    db.session.expire_all()
    assert feed.last_heartbeat_at == clock.now()


def test_an_operator_ends_an_alert_by_hand_with_a_reason(
    alert_app, operator, receive, clock, screens
):
    receive(doc.alert(clock.now()))
    alert = db.session.execute(select(Alert)).scalar_one()
    r = operator.post(f"/admin/alerts/{alert.id}/end", data={"reason": ""}, follow_redirects=True)
    assert "请填写结束理由" in r.get_data(as_text=True) and states()[alert.identifier] == "active"
    r = operator.post(
        f"/admin/alerts/{alert.id}/end", data={"reason": "已电话核实为误发"}, follow_redirects=True
    )
    assert "预警已结束" in r.get_data(as_text=True)
    db.session.expire_all()
    assert alert.state == "ended" and "已电话核实为误发" in alert.note
    assert urgent_titles(screens("wall"))["wall"] == []


def test_console_pages_and_settings(alert_app, operator, receive, clock):
    receive(doc.alert(clock.now(), level="yellow"))
    receive(doc.MALFORMED["no severity"])
    for page in (
        "/admin/alerts/",
        "/admin/alerts/feeds",
        "/admin/alerts/refused",
        "/admin/alerts/settings",
    ):
        r = operator.get(page)
        assert r.status_code == 200, page
        assert "预警" in r.get_data(as_text=True)
    assert "badge-level-yellow" in operator.get("/admin/alerts/").get_data(as_text=True)
    kept = db.session.execute(select(RefusedAlertDocument)).scalar_one()
    original = operator.get(f"/admin/alerts/refused/{kept.id}").get_data(as_text=True)
    assert "&lt;alert xmlns=" in original and "不符合 CAP 1.2 XML 模式" in original
    home = operator.get("/admin/alerts/settings").get_data(as_text=True)
    assert "演练与处置设置" in home  # reachable from the console's navigation
    hall_id = db.session.execute(select(AlertHallArea)).scalar_one().hall_id
    bad = operator.post(
        f"/admin/alerts/halls/{hall_id}",
        data={f"hall{hall_id}-division_code": "11010"},
        follow_redirects=True,
    )
    assert "6 位数字" in bad.get_data(as_text=True)
    half = operator.post(
        f"/admin/alerts/halls/{hall_id}",
        data={f"hall{hall_id}-division_code": "110102", f"hall{hall_id}-latitude": "39.9"},
        follow_redirects=True,
    )
    assert "同时填写" in half.get_data(as_text=True)
    ok = operator.post(
        f"/admin/alerts/halls/{hall_id}",
        data={
            f"hall{hall_id}-division_code": "110102",
            f"hall{hall_id}-latitude": "39.91",
            f"hall{hall_id}-longitude": "116.36",
        },
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(AlertHallArea, hall_id).latitude == 39.91
    r = operator.post(
        "/admin/alerts/settings",
        data={
            "drill_mode": "y",
            "red_action": "takeover",
            "orange_action": "ticker",
            "yellow_action": "none",
            "blue_action": "bogus",
            "default_hours": "24",
        },
        follow_redirects=True,
    )
    assert "无效" in r.get_data(as_text=True)


def test_links_to_files_are_never_read(feed, feed_server, clock):
    feed.url = feed_server.serve("/xicheng/evil.xml", doc.atom(links=["file:///etc/passwd"]))
    pull.poll(db.session, feed, clock.now())
    assert (
        "file" in feed.poll_error
        and db.session.execute(select(RefusedAlertDocument)).first() is None
    )
