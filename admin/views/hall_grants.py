"""大厅授权: a city-level administrator gives an account roles in particular halls
(web.hall_scope says what that account then sees and changes)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget

from admin import bp
from admin.auth import role_required
from admin.forms import REQUIRED, ActionForm, ConsoleForm
from admin.helpers import actor, get_or_404, now
from content_feed import ledger
from content_feed.db import db
from content_feed.models import Hall, HallGrant, User
from content_feed.vocabulary import ROLES
from web.hall_scope import GRANTABLE_ROLES


class HallGrantForm(ConsoleForm):
    user_id = SelectField("账号", coerce=int, validators=[DataRequired(REQUIRED)])
    hall_id = SelectField("服务大厅", coerce=int, validators=[DataRequired(REQUIRED)])
    roles = SelectMultipleField(
        "在该大厅的角色（全不选即收回该大厅的授权）",
        choices=[(r, ROLES[r]) for r in GRANTABLE_ROLES],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


def _grant_form() -> HallGrantForm:
    form = HallGrantForm()
    users = db.session.execute(select(User).order_by(User.username)).scalars()
    form.user_id.choices = [
        (u.id, f"{u.username}（{u.display_name}）" if u.display_name else u.username)
        for u in users
        if not u.role_set  # city-level staff already work in every hall
    ]
    halls = db.session.execute(select(Hall).order_by(Hall.id)).scalars()
    form.hall_id.choices = [(h.id, h.name) for h in halls]
    return form


def _label(grant: HallGrant) -> str:
    roles = "、".join(ROLES[r] for r in GRANTABLE_ROLES if r in grant.role_set) or "无"
    return f"大厅授权：{grant.user.username} 在 {grant.hall.name}：{roles}"


def _record(grant: HallGrant, action: str, before: dict | None, after: dict) -> bool:
    """On the ledger like every console change; the account's sessions end, so it
    works with its new halls from its next request on."""
    changed = ledger.record_change(
        db.session,
        f"hall_grant.{action}",
        grant,
        before,
        after,
        actor=actor(),
        at=now(),
        summary=_label(grant) if action != "revoke" else f"收回{_label(grant)}",
    )
    if changed:
        grant.user.end_sessions()
    return changed


@bp.route("/hall-grants", methods=["GET", "POST"])
@role_required("admin")
def hall_grants():
    form = _grant_form()
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data)
        hall = db.session.get(Hall, form.hall_id.data)
        roles = " ".join(r for r in GRANTABLE_ROLES if r in form.roles.data)
        grant = db.session.execute(
            select(HallGrant).where(HallGrant.user_id == user.id, HallGrant.hall_id == hall.id)
        ).scalar_one_or_none()
        if grant is None and not roles:
            flash("请至少选择一个角色", "error")
            return redirect(url_for("admin.hall_grants"))
        after = {"user": user.username, "hall": hall.name, "roles": roles}
        before = dict(after, roles=grant.roles) if grant is not None else None
        if grant is None:
            grant = HallGrant(user=user, hall=hall, roles=roles)
            db.session.add(grant)
        elif roles:
            grant.roles = roles
        action = "grant" if before is None else ("update" if roles else "revoke")
        changed = _record(grant, action, before, after)
        if not roles:
            db.session.delete(grant)
        db.session.commit()
        flash("授权已保存" if changed else "没有改动", "success")
        return redirect(url_for("admin.hall_grants"))
    rows = (
        db.session.execute(select(HallGrant).join(User).join(Hall).order_by(User.username, Hall.id))
        .scalars()
        .all()
    )
    return render_template(
        "admin/hall_grants.html",
        form=form,
        rows=rows,
        roles=ROLES,
        action_form=ActionForm(),
    )


@bp.post("/hall-grants/<int:grant_id>/revoke")
@role_required("admin")
def hall_grant_revoke(grant_id: int):
    grant = get_or_404(HallGrant, grant_id)
    if ActionForm().validate_on_submit():
        before = {"user": grant.user.username, "hall": grant.hall.name, "roles": grant.roles}
        _record(grant, "revoke", before, dict(before, roles=""))
        db.session.delete(grant)
        db.session.commit()
        flash("已收回该大厅的授权", "success")
    return redirect(url_for("admin.hall_grants"))
