"""账号安全: a signed-in user changes their password and turns the second factor on or off.

Every check of the current password or a code here counts like a sign-in failure
(admin.login_locks, per account and address, and the sign-in rate per address):
a stolen session cannot guess the password behind it (issue 20).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from markupsafe import Markup

from admin import bp, login_locks
from admin.auth import role_required
from admin.forms import PasswordChangeForm, TotpForm, TotpOffForm
from admin.helpers import actor, now
from admin.views.auth import LOGIN_RATE, _address
from content_feed import ledger
from content_feed.db import db
from content_feed.qr import render_qr
from content_feed.timefmt import local_text
from shared import sessions, totp
from shared.passwords import password_problem
from web.extensions import limiter

ENROLL = "sunlight.totp_enroll"


def _security() -> dict:
    return current_app.config["SUNLIGHT"]["security"]


def _locked(user) -> bool:
    """Too many wrong answers from this address: no check at all until the lock ends."""
    until = login_locks.locked_until(db.session, user, _address(), now())
    if until is not None:
        flash(f"连续输错次数过多，请于 {local_text(until)} 后再试", "error")
    return until is not None


def _failed(user, what: str) -> None:
    """A wrong password or code, counted and recorded as a failed sign-in is."""
    at = now()
    until = login_locks.record_failure(db.session, user, _address(), at, _security())
    summary = f"账号安全页{what}"
    if until is not None:
        summary += f"，连续失败达上限，自该地址锁定至 {until.isoformat()}"
    ledger.record(db.session, "auth.fail", actor=user, obj=user, summary=summary, at=at)
    db.session.commit()


def change_password(user, password: str) -> None:
    """Set a new password: every other session of the account ends, this one goes on."""
    user.set_password(password)
    user.must_change_password = False
    user.password_changed_at = now()
    user.end_sessions()
    sessions.start(user)
    ledger.record(db.session, "user.password", actor=user, obj=user, summary="本人修改密码")


@bp.route("/account", methods=["GET", "POST"])
@role_required()
@limiter.limit(LOGIN_RATE, methods=["POST"])
def account():
    user = actor()
    form = PasswordChangeForm()
    if form.validate_on_submit() and not _locked(user):
        problem = None
        if not user.check_password(form.current.data):
            _failed(user, "当前密码错误")
            problem = "当前密码不正确"
        elif form.new.data == form.current.data:
            problem = "新密码不能与当前密码相同"
        else:
            problem = password_problem(form.new.data, user.username, _security())
        if problem:
            flash(problem, "error")
        else:
            change_password(user, form.new.data)
            db.session.commit()
            flash("密码已修改；该账号在其他地方的登录已全部退出", "success")
            return redirect(url_for("admin.account"))
    return render_template(
        "admin/account.html",
        form=form,
        min_length=_security()["password_min_length"],
        totp_on=bool(user.totp_secret),
    )


@bp.route("/account/totp", methods=["GET", "POST"])
@role_required()
@limiter.limit(LOGIN_RATE, methods=["POST"])
def account_totp():
    """Turn the second factor on: scan the code, then confirm with the first code."""
    user = actor()
    if user.must_change_password:
        return redirect(url_for("admin.account"))
    if user.totp_secret:
        flash("动态口令已启用", "success")
        return redirect(url_for("admin.account"))
    secret = session.get(ENROLL)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[ENROLL] = totp.new_secret()
    form = TotpForm()
    if form.validate_on_submit() and not _locked(user):
        step = totp.matching_step(secret, form.code.data, now())
        if step is None:
            _failed(user, "启用动态口令时口令错误")
            flash("动态口令不正确：请核对手机时间，并输入验证器中当前显示的 6 位数字", "error")
        else:
            user.totp_secret, user.totp_last_step = secret, step
            session.pop(ENROLL, None)
            ledger.record(db.session, "user.totp_on", actor=user, obj=user, summary="启用动态口令")
            db.session.commit()
            flash("动态口令已启用，今后登录须输入验证器中的口令", "success")
            return redirect(url_for("admin.account"))
    uri = totp.provisioning_uri(secret, user.username, _security()["totp_issuer"])
    svg = render_qr(uri, "svg", 8).decode()
    svg = svg[svg.index("<svg") :]  # inline, without the XML declaration
    return render_template(
        "admin/account_totp.html",
        form=form,
        qr=Markup(svg),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


@bp.route("/account/totp/off", methods=["GET", "POST"])
@role_required()
@limiter.limit(LOGIN_RATE, methods=["POST"])
def account_totp_off():
    user = actor()
    if not user.totp_secret:
        return redirect(url_for("admin.account"))
    form = TotpOffForm()
    if form.validate_on_submit() and not _locked(user):
        if not user.check_password(form.password.data) or not totp.verify(
            user, form.code.data, now()
        ):
            _failed(user, "停用动态口令时密码或口令错误")
            flash("密码或动态口令不正确", "error")
        else:
            user.totp_secret, user.totp_last_step = "", 0
            ledger.record(db.session, "user.totp_off", actor=user, obj=user, summary="停用动态口令")
            db.session.commit()
            flash("动态口令已停用", "success")
            return redirect(url_for("admin.account"))
    return render_template("admin/account_totp_off.html", form=form)
