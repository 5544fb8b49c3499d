"""Headers and cookies (issue 20, item 6): Secure cookies and HSTS behind TLS as a
trusted proxy reports it, no-store on console and provisioning pages, HSTS in the
shipped nginx configuration, and a kiosk token taken only from its header, on the
fast path too."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_feed.clock import SystemClock
from content_feed.db import db
from tests.builders import PASSWORD, make_user
from tests.conftest import build_app

ROOT = Path(__file__).resolve().parents[2]
TLS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


@pytest.fixture
def proxied(tmp_path):
    """The app as deployed behind nginx: [server] proxies = 1."""
    app = build_app(tmp_path, SystemClock(), server={"proxies": 1})
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        make_user("clerk", "drafter")
        db.session.commit()
        yield app
        db.engine.dispose()


def sign_in(client, headers):
    return client.post(
        "/admin/login", data={"username": "clerk", "password": PASSWORD}, headers=headers
    )


def test_cookies_are_secure_and_hsts_sent_behind_tls(proxied):
    reply = sign_in(proxied.test_client(), TLS)
    cookies = reply.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in c for c in cookies)
    assert reply.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_plain_http_and_untrusted_forwarded_headers_change_nothing(proxied, tmp_path):
    plain = sign_in(proxied.test_client(), {})
    assert all("Secure" not in c for c in plain.headers.getlist("Set-Cookie"))
    assert "Strict-Transport-Security" not in plain.headers
    direct = build_app(tmp_path / "direct", SystemClock())  # proxies = 0: header not trusted
    direct.config["WTF_CSRF_ENABLED"] = False
    with direct.app_context():
        make_user("clerk", "drafter")
        db.session.commit()
        reply = sign_in(direct.test_client(), TLS)
        assert all("Secure" not in c for c in reply.headers.getlist("Set-Cookie"))
        db.engine.dispose()


def test_console_pages_are_never_stored(proxied):
    client = proxied.test_client()
    sign_in(client, {})
    for path in ("/admin/", "/admin/account", "/admin/login"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_provisioning_pages_are_never_stored(demo_app, client):
    for path in ("/kiosk/kiosk-1?token=demo-kiosk-token", "/display/wall-1?token=demo-wall-token"):
        reply = client.get(path)
        assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store", path


def test_the_shipped_nginx_sends_hsts_everywhere():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    tls_server = conf.split("listen 443")[1]
    header = 'add_header Strict-Transport-Security "max-age=31536000" always;'
    assert header in tls_server.split("\n    location")[0]
    # nginx drops inherited add_header in a location that has one of its own.
    for location in tls_server.split("\n    location")[1:]:
        if "add_header" in location:
            assert header in location


def test_a_kiosk_token_in_the_url_is_refused_on_the_fast_path_too(demo_app, client):
    beat = {"terminal": "kiosk-1", "page": "#/"}
    for _ in range(2):  # the second would be the fast path's
        refused = client.post("/api/v1/heartbeat?token=demo-kiosk-token", json=beat)
        assert refused.status_code == 401
    ok = client.post(
        "/api/v1/heartbeat", json=beat, headers={"X-Terminal-Token": "demo-kiosk-token"}
    )
    assert ok.status_code == 200
    again = client.post("/api/v1/heartbeat?token=demo-kiosk-token", json=beat)
    assert again.status_code == 401
