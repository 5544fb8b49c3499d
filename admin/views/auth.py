"""Sign-in and sign-out: rate limited per address, locked per account and address,
an optional second factor (TOTP), one message for every failure, all on the ledger."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from admin import bp, login_locks
from admin.auth import role_required
from admin.forms import LoginForm, TotpForm
from admin.helpers import now, safe_next
from content_feed import ledger
from content_feed.db import db
from content_feed.models import User
from content_feed.models.user import password_method
from shared import sessions, totp
from web.extensions import limiter

# Per address (a hall's staff may share one NAT address); the per-account and
# address lock below stops guessing at any one password.
LOGIN_RATE = "30 per minute"
# One message for an unknown name, a wrong password and a locked account, so
# that sign-in tells nobody which user names exist or are locked.
GENERIC_FAILURE = "用户名或密码错误；连续多次输错后须等待一段时间再试"
PENDING = "sunlight.pending_2fa"
PENDING_SECONDS = 300


def _find_user(username: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()


def _address() -> str:
    return (request.remote_addr or "-")[:60]


def _fail(user: User | None, username: str, why: str) -> None:
    at = now()
    security = current_app.config["SUNLIGHT"]["security"]
    summary = f"登录失败：{username[:60]}（{why}）"
    if user is not None and why != "账号已锁定":
        until = login_locks.record_failure(db.session, user, _address(), at, security)
        if until is not None:
            summary += f"，连续失败达上限，自该地址锁定至 {until.isoformat()}"
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
_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    method = password_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY_HASHES[method]


def _password_ok(user, password: str) -> bool:
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return user.check_password(password) and user.active


def _complete(user: User):
    """Password (and code) accepted: a fresh session bound to the account's generation."""
    at = now()
    login_locks.clear(db.session, user, _address())
    user.last_login_at = at
    target = safe_next(url_for("admin.home"))
    session.clear()
    login_user(user)
    sessions.start(user)
    ledger.record(db.session, "auth.login", actor=user, obj=user, at=at)
    db.session.commit()
    if user.must_change_password:
        flash("首次登录须修改初始密码", "error")
        return redirect(url_for("admin.account"))
    return redirect(target)


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
        if user is not None and login_locks.locked_until(db.session, user, _address(), at):
            _password_ok(None, form.password.data)  # the same time as any other answer
            _fail(user, username, "账号已锁定")
            flash(GENERIC_FAILURE, "error")
        elif not _password_ok(user, form.password.data):
            _fail(user, username, "密码错误" if user else "无此用户")
            flash(GENERIC_FAILURE, "error")
        elif user.totp_secret:
            session.clear()
            session[PENDING] = {"user": user.id, "at": at.timestamp()}
            return redirect(url_for("admin.login_totp", next=request.args.get("next")))
        else:
            return _complete(user)
    return render_template("admin/login.html", form=form), 200


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int | float):
        return None
    if now().timestamp() - pending["at"] > PENDING_SECONDS:
        return None
    user = (
        db.session.get(User, pending.get("user")) if isinstance(pending.get("user"), int) else None
    )
    return user if user is not None and user.active else None


@bp.route("/login/totp", methods=["GET", "POST"])
@limiter.limit(LOGIN_RATE, methods=["POST"])
def login_totp():
    """Second step for accounts with a second factor: the authenticator's code."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("请重新输入用户名和密码", "error")
        return redirect(url_for("admin.login"))
    form = TotpForm()
    if form.validate_on_submit():
        at = now()
        if login_locks.locked_until(db.session, user, _address(), at):
            _fail(user, user.username, "账号已锁定")
            session.pop(PENDING, None)
            flash(GENERIC_FAILURE, "error")
            return redirect(url_for("admin.login"))
        if totp.verify(user, form.code.data, at):
            return _complete(user)
        _fail(user, user.username, "动态口令错误")
        flash("动态口令错误或已用过，请输入验证器中当前显示的 6 位数字", "error")
    return render_template("admin/login_totp.html", form=form), 200


@bp.post("/logout")
@role_required()
def logout():
    user = current_user._get_current_object()
    # Every session of the account ends, a copied cookie included.
    user.end_sessions()
    ledger.record(db.session, "auth.logout", actor=user, obj=user, at=now())
    db.session.commit()
    logout_user()
    session.clear()
    flash("已退出登录", "success")
    return redirect(url_for("admin.login"))
