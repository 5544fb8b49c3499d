"""Sign-in and sign-out: rate limited, locked out after repeated failures, on the ledger."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from admin import bp
from admin.forms import LoginForm
from admin.helpers import now, safe_next
from content_feed import ledger
from content_feed.auth import role_required
from content_feed.db import db
from content_feed.extensions import limiter
from content_feed.models import User

# Per address (a hall's staff may share one NAT address); the per-account
# lockout below stops guessing at any one password.
LOGIN_RATE = "30 per minute"
GENERIC_FAILURE = "用户名或密码错误"


def _find_user(username: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()


def _fail(user: User | None, username: str, why: str) -> None:
    at = now()
    security = current_app.config["SUNLIGHT"]["security"]
    summary = f"登录失败：{username[:60]}（{why}）"
    if user is not None and why != "账号已锁定":
        user.failed_logins += 1
        if user.failed_logins >= security["login_max_failures"]:
            user.locked_until = at + timedelta(minutes=security["login_lockout_minutes"])
            user.failed_logins = 0
            summary += f"，连续失败达上限，锁定至 {user.locked_until.isoformat()}"
    ledger.record(
        db.session,
        "auth.fail",
        obj=user,
        actor_name=username[:60] or "（空）",
        summary=summary,
        at=at,
    )
    db.session.commit()


# Checked against when the user name is unknown, so that a wrong name costs the
# same hashing time as a wrong password and timing does not reveal accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _password_ok(user, password: str) -> bool:
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return user.check_password(password) and user.active


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_RATE, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("admin.home")))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data
        user = _find_user(username)
        at = now()
        if user is not None and user.locked_until and user.locked_until > at:
            _fail(user, username, "账号已锁定")
            minutes = int((user.locked_until - at).total_seconds() // 60) + 1
            flash(f"账号因多次登录失败已被临时锁定，请 {minutes} 分钟后再试", "error")
        elif not _password_ok(user, form.password.data):
            _fail(user, username, "密码错误" if user else "无此用户")
            flash(GENERIC_FAILURE, "error")
        else:
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, at
            session.clear()
            login_user(user)
            session.permanent = True  # PERMANENT_SESSION_LIFETIME applies
            ledger.record(db.session, "auth.login", actor=user, obj=user, at=at)
            db.session.commit()
            return redirect(safe_next(url_for("admin.home")))
    return render_template("admin/login.html", form=form), 200


@bp.post("/logout")
@role_required()
def logout():
    logout_user()
    session.clear()
    flash("已退出登录", "success")
    return redirect(url_for("admin.login"))
