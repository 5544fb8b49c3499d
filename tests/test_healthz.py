"""``/healthz`` says unhealthy, with the reason in the staff's words, when the
database does not answer or the content versions were not read in time; a
monitor never gets a cached answer."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

from content_feed.db import db
from content_feed.versioning import versions


def test_a_node_that_reads_its_database_is_healthy(client):
    r = client.get("/healthz")
    assert r.status_code == 200, r.json
    assert r.json["status"] == "ok" and r.json["problems"] == []
    assert r.headers["Cache-Control"] == "no-store"


def test_a_database_that_does_not_answer_is_unhealthy(app, client, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(type(db.engine), "connect", refused)
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json["status"] == "unhealthy" and "数据库不可用" in r.json["problems"]
    assert r.headers["Cache-Control"] == "no-store"


def test_versions_not_read_within_their_ttl_are_unhealthy(app, client, monkeypatch):
    state = versions()
    monkeypatch.setattr(type(state), "sync", lambda self: self.seq)  # reads nothing
    monkeypatch.setattr(type(state), "age", lambda self: 3600.0)
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json["problems"] == ["内容版本未能及时读取"]
    assert r.json["versions_age_seconds"] == 3600.0
