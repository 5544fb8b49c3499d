"""账号安全: a signed-in user changes their password and turns the second factor on or off."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, session, url_for
from markupsafe import Markup

from admin import bp
from admin.auth import role_required
from admin.forms import PasswordChangeForm, TotpForm, TotpOffForm
from admin.helpers import actor, now
from content_feed import ledger
from content_feed.db import db
from content_feed.qr import render_qr
from shared import sessions, totp
from shared.passwords import password_problem

ENROLL = "sunlight.totp_enroll"


def _security() -> dict:
    return current_app.config["SUNLIGHT"]["security"]


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
def account():
    user = actor()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        problem = None
        if not user.check_password(form.current.data):
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
    if form.validate_on_submit():
        step = totp.matching_step(secret, form.code.data, now())
        if step is None:
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
def account_totp_off():
    user = actor()
    if not user.totp_secret:
        return redirect(url_for("admin.account"))
    form = TotpOffForm()
    if form.validate_on_submit():
        if not user.check_password(form.password.data) or not totp.verify(
            user, form.code.data, now()
        ):
            flash("密码或动态口令不正确", "error")
        else:
            user.totp_secret, user.totp_last_step = "", 0
            ledger.record(db.session, "user.totp_off", actor=user, obj=user, summary="停用动态口令")
            db.session.commit()
            flash("动态口令已停用", "success")
            return redirect(url_for("admin.account"))
    return render_template("admin/account_totp_off.html", form=form)
