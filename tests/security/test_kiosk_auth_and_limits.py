"""Kiosks authenticate like screens, and no request pins memory in the limiter.

Before: the submission limit was keyed by whatever ``terminal`` a body named,
so 1 MB codes each kept a counter for a minute; anyone on the LAN could post
as any kiosk, block a kiosk with 30 empty posts, or fake its heartbeat.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Inquiry, Terminal
from tests.builders import make_terminal
from tests.conftest import build_app
from tests.kiosk.conftest import question, rating
from tests.security.conftest import KIOSK_TOKEN
from web.extensions import limiter


def _limiter_keys() -> int:
    storage = limiter.storage
    return len(storage.storage) + len(getattr(storage, "expirations", {}))


def test_made_up_terminals_pin_no_memory(demo_app, client):
    before = _limiter_keys()
    for n in range(200):
        code = f"{n:04d}" + "x" * 20_000
        r = client.post("/api/v1/inquiries", json=question(terminal=code))
        assert r.status_code == 401
        assert r.mimetype == "application/problem+json"
    assert _limiter_keys() == before


def test_a_megabyte_body_is_refused_unread(demo_app, client):
    raw = json.dumps(question(terminal="x" * 1024 * 1024))
    before = _limiter_keys()
    r = client.post("/api/v1/inquiries", data=raw, content_type="application/json")
    assert r.status_code == 413
    assert _limiter_keys() == before


def test_submissions_heartbeats_and_bundle_need_the_kiosk_token(demo_app, client):
    wrong = {"X-Terminal-Token": "demo-wall-token"}  # a real token, of another terminal
    for headers in ({}, wrong):
        assert client.post("/api/v1/inquiries", json=question(), headers=headers).status_code == 401
        assert client.post("/api/v1/ratings", json=rating(), headers=headers).status_code == 401
        beat = {"terminal": "kiosk-1", "page": "#/", "version": "1"}
        assert client.post("/api/v1/heartbeat", json=beat, headers=headers).status_code == 401
        assert client.get("/kiosk/kiosk-1/bundle.json", headers=headers).status_code == 401
    assert db.session.execute(select(Inquiry)).first() is None
    kiosk = db.session.execute(select(Terminal).where(Terminal.code == "kiosk-1")).scalar_one()
    assert kiosk.last_seen_at is None  # no faked heartbeat

    assert client.post("/api/v1/inquiries", json=question(), headers=KIOSK_TOKEN).status_code == 201
    assert client.post("/api/v1/ratings", json=rating(), headers=KIOSK_TOKEN).status_code == 201
    beat = {"terminal": "kiosk-1", "page": "#/", "version": "1"}
    assert client.post("/api/v1/heartbeat", json=beat, headers=KIOSK_TOKEN).status_code == 200
    bundle = client.get("/kiosk/kiosk-1/bundle.json", headers=KIOSK_TOKEN)
    assert bundle.status_code == 200 and bundle.get_json()["items"]
    again = client.get(
        "/kiosk/kiosk-1/bundle.json",
        headers={**KIOSK_TOKEN, "If-None-Match": bundle.headers["ETag"]},
    )
    assert again.status_code == 304
    # A matching ETag without the token is no way around it either.
    stolen = client.get(
        "/kiosk/kiosk-1/bundle.json", headers={"If-None-Match": bundle.headers["ETag"]}
    )
    assert stolen.status_code == 401


def test_the_token_in_the_address_is_not_accepted_by_the_api(demo_app, client):
    r = client.post("/api/v1/inquiries?token=demo-kiosk-token", json=question())
    assert r.status_code == 401
    # Nor for the bundle, cold (Flask) or kept (the fast path answers it).
    bundle = "/kiosk/kiosk-1/bundle.json"
    assert client.get(f"{bundle}?token=demo-kiosk-token").status_code == 401
    assert client.get(bundle, headers=KIOSK_TOKEN).status_code == 200
    assert client.get(f"{bundle}?token=demo-kiosk-token").status_code == 401


def test_strangers_cannot_use_up_a_kiosks_budget(tmp_path):
    from app import load_demo
    from content_feed.clock import FixedClock
    from tests.conftest import FIXED_NOW

    app = build_app(tmp_path, FixedClock(FIXED_NOW), feedback={"rate_limit_per_minute": 3})
    with app.app_context():
        load_demo(db.session, FIXED_NOW)
        make_terminal("kiosk-2", "kiosk", token="kiosk-2-token")
        client = app.test_client()
        for _ in range(40):
            assert client.post("/api/v1/ratings", json=rating()).status_code == 401
        codes = [
            client.post("/api/v1/ratings", json=rating(), headers=KIOSK_TOKEN).status_code
            for _ in range(4)
        ]
        assert codes == [201, 201, 201, 429]
        other = client.post(
            "/api/v1/ratings",
            json=rating(terminal="kiosk-2"),
            headers={"X-Terminal-Token": "kiosk-2-token"},
        )
        assert other.status_code == 201
        db.engine.dispose()


def test_a_deactivated_kiosk_is_refused(demo_app, client):
    kiosk = db.session.execute(select(Terminal).where(Terminal.code == "kiosk-1")).scalar_one()
    kiosk.active = False
    db.session.commit()
    assert client.post("/api/v1/inquiries", json=question(), headers=KIOSK_TOKEN).status_code == 401
