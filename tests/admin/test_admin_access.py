"""Every console route: anonymous → sign-in, wrong role → 403, CSRF, cookies, lockout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import LedgerEntry, LoginLock, User
from content_feed.vocabulary import ROLES
from tests.builders import PASSWORD, make_user
from tests.conftest import login

# The sign-in steps themselves (the second asks for the code after the password).
OPEN = {"admin.login", "admin.login_totp", "admin.static"}


def guarded_rules(app):
    """(rule, methods, required_roles) for every rule under /admin/ and every role-checked view."""
    out = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if rule.endpoint in OPEN:
            continue
        if rule.rule.startswith("/admin") or roles is not None:
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            out.append((rule, methods, roles))
    return out


def url_for_rule(app, rule) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, {arg: 1 for arg in rule.arguments})


def test_every_admin_route_declares_its_roles(app):
    rules = guarded_rules(app)
    assert len(rules) > 40
    missing = [r.rule for r, _, roles in rules if roles is None]
    assert missing == [], "routes without role_required"


def test_anonymous_is_sent_to_sign_in_everywhere(app, client):
    for rule, methods, _ in guarded_rules(app):
        url = url_for_rule(app, rule)
        for method in methods:
            response = client.open(url, method=method)
            assert response.status_code == 302, (method, url, response.status_code)
            assert "/admin/login" in response.headers["Location"], (method, url)


def test_a_user_without_the_role_gets_403_everywhere(app, people):
    clients = {}
    checked = 0
    for rule, methods, roles in guarded_rules(app):
        if not roles:
            continue
        outsiders = [r for r in ROLES if r != "admin" and r not in roles]
        if not outsiders:
            continue
        role = outsiders[0]
        if role not in clients:
            clients[role] = app.test_client()
            assert login(clients[role], people[role].username).status_code == 302
        url = url_for_rule(app, rule)
        for method in methods:
            response = clients[role].open(url, method=method)
            assert response.status_code == 403, (role, method, url, response.status_code)
            checked += 1
    assert checked > 40


def test_signed_in_pages_render_for_the_admin(demo_app):
    client = demo_app.test_client()
    assert login(client, "admin", "sunlight-demo").status_code == 302
    for path in [
        "/admin/",
        "/admin/queue",
        "/admin/items",
        "/admin/items/new",
        "/admin/items/1",
        "/admin/items/1/preview",
        "/admin/guides",
        "/admin/guides/new",
        "/admin/guides/1",
        "/admin/meetings",
        "/admin/meetings/new",
        "/admin/slogans",
        "/admin/slogans/new",
        "/admin/urgent",
        "/admin/urgent/new",
        "/admin/catalogue",
        "/admin/catalogue/1",
        "/admin/halls",
        "/admin/halls/1",
        "/admin/users",
        "/admin/users/1",
        "/admin/ledger",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "阳光公开管理后台" in response.get_data(as_text=True), path


def test_csrf_token_is_required(app, people):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    # Sign-in itself is a form with a token.
    assert login(client, "drafter").status_code == 400
    page = client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/admin/login", data={"username": "drafter", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    # A signed-in form posted without its token changes nothing.
    response = client.post("/admin/items/new", data={"title": "无令牌"})
    assert response.status_code == 400
    assert "无令牌" not in str(db.session.execute(select(LedgerEntry.summary)).all())


def test_session_cookie_is_httponly_and_samesite(app, people, client):
    response = login(client, "drafter")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # permanent session with the configured lifetime
    assert app.config["PERMANENT_SESSION_LIFETIME"] == 120 * 60


def test_wrong_password_locks_out_and_is_on_the_ledger(app, people, client, clock):
    for _ in range(5):
        response = login(client, "drafter", "wrong-password")
        assert "用户名或密码错误" in response.get_data(as_text=True)
    user = db.session.execute(select(User).where(User.username == "drafter")).scalar_one()
    lock = db.session.execute(select(LoginLock).where(LoginLock.user_id == user.id)).scalar_one()
    assert lock.locked_until == clock.now() + timedelta(minutes=15)
    assert lock.address == "127.0.0.1"  # locked for this address, not for everyone
    # Locked: even the right password is refused, with the same message as a wrong one.
    response = login(client, "drafter")
    assert response.status_code == 200 and "用户名或密码错误" in response.get_data(as_text=True)
    fails = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "auth.fail")
    ).scalars()
    assert len(list(fails)) == 6
    clock.advance(minutes=16)
    assert login(client, "drafter").status_code == 302


def test_unknown_user_failure_is_recorded_without_revealing(app, people, client):
    response = login(client, "nobody", "whatever-pass")
    assert "用户名或密码错误" in response.get_data(as_text=True)
    entry = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "auth.fail")
    ).scalar_one()
    assert entry.actor_name == "nobody" and "无此用户" in entry.summary


def test_sign_in_is_rate_limited(app, people):
    client = app.test_client()
    codes = [login(client, "ghost", "x" * 12).status_code for _ in range(31)]
    assert codes[:30] == [200] * 30
    assert codes[30] == 429


def test_the_sign_in_window_runs_on_the_apps_clock(app, people, clock):
    """However long 30 sign-ins take, the minute is the app's: it ends when the clock moves."""
    client = app.test_client()
    assert [login(client, "ghost", "x" * 12).status_code for _ in range(31)][-1] == 429
    clock.advance(seconds=59)
    assert login(client, "ghost", "x" * 12).status_code == 429
    clock.advance(seconds=1)
    assert login(client, "ghost", "x" * 12).status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "javascript:x"])
def test_next_cannot_leave_the_site(app, people, client, target):
    response = client.post(
        "/admin/login",
        query_string={"next": target},
        data={"username": "drafter", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/admin/"


def test_inactive_user_cannot_sign_in(app, client):
    user = make_user("gone", "drafter")
    user.active = False
    db.session.commit()
    assert login(client, "gone").status_code == 200


def test_logout_needs_post(app, people, as_role):
    client = as_role("drafter")
    assert client.get("/admin/logout").status_code == 405
    assert client.post("/admin/logout").status_code == 302
    assert client.get("/admin/").status_code == 302
