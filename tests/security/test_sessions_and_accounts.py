"""Sessions end when they should; accounts follow 等保 2.0 practice.

Before: a copied session cookie kept working after logout and after a password
change; five wrong passwords from anywhere locked ``admin`` for everyone, and
the locked message told which user names exist.
"""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import func, select

from content_feed.db import db
from content_feed.models import LedgerEntry, User
from tests.builders import PASSWORD
from tests.conftest import login

NEW_PASSWORD = "autumn-river-bridge-88"


def _copy_of(app, client):
    """A second client holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def _signed_in(client) -> bool:
    return client.get("/admin/items").status_code == 200


def test_a_copied_cookie_stops_working_at_logout(app, people):
    client = app.test_client()
    assert login(client, "drafter").status_code == 302
    thief = _copy_of(app, client)
    assert _signed_in(thief)
    client.post("/admin/logout")
    assert not _signed_in(thief)
    assert not _signed_in(client)


def test_a_password_change_ends_every_other_session(app, people):
    client = app.test_client()
    assert login(client, "drafter").status_code == 302
    thief = _copy_of(app, client)
    r = client.post(
        "/admin/account", data={"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    )
    assert r.status_code == 302
    assert _signed_in(client)  # the session that changed it goes on
    assert not _signed_in(thief)
    assert login(app.test_client(), "drafter", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("change", ["roles", "deactivate"])
def test_a_role_change_or_deactivation_ends_sessions(app, as_role, people, change):
    client = app.test_client()
    assert login(client, "drafter").status_code == 302
    data = {"username": "drafter", "roles": ["drafter", "reviewer"], "active": "y"}
    if change == "deactivate":
        data = {"username": "drafter", "roles": ["drafter"]}
    assert (
        as_role("admin").post(f"/admin/users/{people['drafter'].id}", data=data).status_code == 302
    )
    assert not _signed_in(client)


def test_idle_sessions_end_after_thirty_minutes_and_busy_ones_after_the_lifetime(
    app, people, monkeypatch
):
    from shared import sessions

    t = [1_900_000_000.0]
    monkeypatch.setattr(sessions, "wall_clock", lambda: t[0])
    client = app.test_client()
    assert login(client, "drafter").status_code == 302
    t[0] += 29 * 60
    assert _signed_in(client)
    t[0] += 31 * 60
    assert not _signed_in(client)

    assert login(client, "drafter").status_code == 302
    for _ in range(5):  # busy all along: 5 × 25 minutes > the 120-minute lifetime
        t[0] += 25 * 60
        assert client.get("/admin/").status_code == 200 or _ == 4
    assert not _signed_in(client)


@pytest.mark.parametrize(
    "password", ["short-pass", "1q2w3e4r5t6y", "drafter-drafter-1", "aaaaaaaaaaaaaa"]
)
def test_weak_passwords_are_refused(app, people, password):
    client = app.test_client()
    assert login(client, "drafter").status_code == 302
    page = client.post(
        "/admin/account", data={"current": PASSWORD, "new": password, "repeat": password}
    ).get_data(as_text=True)
    assert "密码已修改" not in page
    db.session.refresh(people["drafter"])
    assert people["drafter"].check_password(PASSWORD)


def test_lockout_is_per_account_and_address_with_one_message(app, people):
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "10.0.0.66"
    messages = set()
    for _ in range(7):
        page = login(attacker, "admin", "wrong-password-x").get_data(as_text=True)
        messages.add("用户名或密码错误" in page)
    unknown = login(attacker, "nobody-here", "wrong-password-x").get_data(as_text=True)
    locked = login(attacker, "admin", PASSWORD)  # right password, but locked from here
    assert locked.status_code == 200
    text = locked.get_data(as_text=True)
    assert messages == {True}
    for page in (unknown, text):
        assert "用户名或密码错误；连续多次输错后须等待一段时间再试" in page
        assert "锁定" not in page and "分钟后" not in page

    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "10.0.0.5"
    assert login(owner, "admin", PASSWORD).status_code == 302
    assert (
        db.session.execute(select(func.count()).where(LedgerEntry.action == "auth.fail")).scalar()
        == 9
    )


def test_the_lock_ends_after_its_minutes(app, people, clock):
    client = app.test_client()
    for _ in range(5):
        login(client, "admin", "wrong-password-x")
    assert login(client, "admin", PASSWORD).status_code == 200
    clock.advance(minutes=16)
    assert login(client, "admin", PASSWORD).status_code == 302


def test_totp_second_factor(app, people, clock):
    client = app.test_client()
    assert login(client, "approver").status_code == 302
    # Reached by clicking 账号安全 in the header.
    assert "账号安全" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/account/totp").get_data(as_text=True)
    assert "<svg" in page
    secret = page.split('id="totp-secret">')[1].split("<")[0].replace(" ", "")
    totp = pyotp.TOTP(secret)
    assert client.post("/admin/account/totp", data={"code": "000000"}).status_code == 200
    r = client.post("/admin/account/totp", data={"code": totp.at(clock.now())})
    assert r.status_code == 302
    user = db.session.execute(select(User).where(User.username == "approver")).scalar_one()
    assert user.totp_secret == secret
    client.post("/admin/logout")

    # Password alone is not enough now.
    fresh = app.test_client()
    step_one = login(fresh, "approver")
    assert step_one.headers["Location"].startswith("/admin/login/totp")
    assert not _signed_in(fresh)
    clock.advance(seconds=30)
    code = totp.at(clock.now())
    wrong = fresh.post(
        "/admin/login/totp", data={"code": "123456" if code != "123456" else "654321"}
    )
    assert wrong.status_code == 200 and not _signed_in(fresh)
    assert fresh.post("/admin/login/totp", data={"code": code}).status_code == 302
    assert _signed_in(fresh)

    # The same code cannot be used twice.
    again = app.test_client()
    login(again, "approver")
    assert again.post("/admin/login/totp", data={"code": code}).status_code == 200
    assert not _signed_in(again)
    # A pending second step expires.
    clock.advance(minutes=6)
    r = again.post("/admin/login/totp", data={"code": totp.at(clock.now())})
    assert r.headers["Location"].endswith("/admin/login")


def test_login_totp_page_without_a_password_step_goes_back(app):
    r = app.test_client().get("/admin/login/totp")
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/login")


def test_every_ledger_row_is_kept(app, people, clock):
    """No job and no page deletes ledger rows younger than 180 days (none at all)."""
    from sqlalchemy import delete, update

    from content_feed.models import LedgerIsAppendOnly
    from operations import scheduler

    client = app.test_client()
    login(client, "admin")
    login(app.test_client(), "admin", "wrong-password-x")

    def count() -> int:
        return db.session.execute(select(func.count(LedgerEntry.id))).scalar()

    before = count()
    assert before >= 2
    # Every job the scheduler runs, 179 days on.
    clock.advance(days=179)
    jobs = [scheduler.archive_closed_items, scheduler.flag_stale_items, scheduler.backup_database]
    jobs += [func for func, _hour, _minute in scheduler._daily_jobs.values()]
    for job in jobs:
        job(app, clock.now())
        assert count() >= before, job
    # Every POST page the administrator can reach, with an empty form.
    admin = app.test_client()
    clock.advance(minutes=1)
    login(admin, "admin")
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.rule.startswith("/admin") and "logout" not in rule.rule:
            url = rule.rule
            for arg in rule.arguments:
                url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "1")
            admin.post(url, data={})
            assert count() >= before, url
    db.session.rollback()
    for statement in (delete(LedgerEntry), update(LedgerEntry).values(summary="x")):
        with pytest.raises(LedgerIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()
    entry = db.session.execute(select(LedgerEntry)).scalars().first()
    with pytest.raises(LedgerIsAppendOnly):
        db.session.delete(entry)
        db.session.flush()
    db.session.rollback()
    assert count() >= before


def test_weak_security_settings_are_configuration_errors(tmp_path):
    from config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="password_hash_method: not a password hashing"):
        load_settings(environ={}, overrides={"security": {"password_hash_method": "md5"}})
    with pytest.raises(ConfigError, match="password_min_length: must be at least 12"):
        load_settings(environ={}, overrides={"security": {"password_min_length": 8}})


def test_totp_off_needs_password_and_a_fresh_code(app, people, clock):
    from shared import totp as totp_module

    user = people["reviewer"]
    secret = totp_module.new_secret()
    user.totp_secret = secret
    db.session.commit()
    totp = pyotp.TOTP(secret)
    client = app.test_client()
    login(client, "reviewer")
    assert client.post("/admin/login/totp", data={"code": totp.at(clock.now())}).status_code == 302
    assert "停用动态口令" in client.get("/admin/account").get_data(as_text=True)
    clock.advance(seconds=30)
    code = totp.at(clock.now())
    wrong = client.post("/admin/account/totp/off", data={"password": "nope", "code": code})
    assert "密码或动态口令不正确" in wrong.get_data(as_text=True)
    clock.advance(seconds=30)
    r = client.post(
        "/admin/account/totp/off", data={"password": PASSWORD, "code": totp.at(clock.now())}
    )
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.totp_secret == ""
    actions = set(db.session.execute(select(LedgerEntry.action)).scalars())
    assert "user.totp_off" in actions


def test_the_users_page_shows_locks_and_the_admin_unlocks(app, as_role, people):
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    for _ in range(5):
        login(stranger, "handler", "wrong-password-x")
    admin = as_role("admin")
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "自 1 个地址的登录已被暂时锁定" in page
    data = {"username": "handler", "roles": ["handler"], "active": "y", "unlock": "y"}
    assert admin.post(f"/admin/users/{people['handler'].id}", data=data).status_code == 302
    assert login(stranger, "handler").status_code == 302


def test_an_administrator_turns_off_a_lost_second_factor(app, as_role, people):
    user = people["operator"]
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    data = {"username": "operator", "roles": ["operator"], "active": "y", "clear_totp": "y"}
    assert as_role("admin").post(f"/admin/users/{user.id}", data=data).status_code == 302
    db.session.refresh(user)
    assert user.totp_secret == ""
    assert login(app.test_client(), "operator").headers["Location"].endswith("/admin/")
