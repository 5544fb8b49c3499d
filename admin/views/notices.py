"""Meeting notices (会议公告), slogans (宣传标语) and urgent notices (紧急通知)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, url_for
from sqlalchemy import select

from admin import bp, changes
from admin.auth import role_required
from admin.changes import snapshot
from admin.crud import edit_object
from admin.forms import ActionForm, MeetingForm, SloganForm, UrgentForm
from admin.helpers import actor, get_or_404, now
from admin.views.items import hall_choices
from content_feed.db import db
from content_feed.models import MeetingNotice, Slogan, TerminalGroup, UrgentNotice
from content_feed.vocabulary import SCOPES
from content_feed.wording import urgent_heading

ALL_HALLS = "（全部大厅）"


def _with_halls(form, obj):
    form.hall_id.choices = hall_choices(ALL_HALLS)
    if obj is not None and not form.is_submitted():
        form.hall_id.data = obj.hall_id or 0
    return form


def _apply_with_hall(obj, form) -> None:
    form.populate_obj(obj)
    obj.hall_id = form.hall_id.data or None


def lead_days() -> int:
    return current_app.config["SUNLIGHT"]["workflow"]["meeting_notice_lead_days"]


def meeting_publishable(notice: MeetingNotice, at) -> str | None:
    """Why the notice may not be published at ``at`` (None when it may)."""
    days = lead_days()
    if notice.meeting_at - at < timedelta(days=days):
        return f"会议公告须在会议召开 {days} 天前发布；本会议距今不足 {days} 天"
    return None


# -- meeting notices ---------------------------------------------------------------


@bp.get("/meetings")
@role_required("drafter", "approver")
def meetings():
    rows = (
        db.session.execute(select(MeetingNotice).order_by(MeetingNotice.meeting_at.desc()))
        .scalars()
        .all()
    )
    return render_template(
        "admin/meetings.html",
        rows=rows,
        scopes=SCOPES,
        at=now(),
        lead_days=lead_days(),
        action_form=ActionForm(),
    )


def _meeting_edit(notice: MeetingNotice | None):
    if notice is not None and notice.published_at and notice.withdrawn_at is None:
        flash("已发布的会议公告不能修改；如需更正请撤回后重新发布", "error")
        return redirect(url_for("admin.meetings"))
    form = _with_halls(MeetingForm(obj=notice), notice)
    # The lead before the meeting is checked at save too, not only at publication.
    form.lead_days, form.now = lead_days(), now()
    return edit_object(
        obj=notice,
        model=MeetingNotice,
        form=form,
        kind="meeting",
        label="会议公告",
        back="admin.meetings",
        apply=_apply_with_hall,
        hints={"meeting_at": f"须在会议开始 {lead_days()} 天前发布（服务大厅当地时间）"},
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@role_required("drafter")
def meeting_new():
    return _meeting_edit(None)


@bp.route("/meetings/<int:notice_id>", methods=["GET", "POST"])
@role_required("drafter")
def meeting_edit(notice_id: int):
    return _meeting_edit(get_or_404(MeetingNotice, notice_id))


@bp.post("/meetings/<int:notice_id>/publish")
@role_required("approver")
def meeting_publish(notice_id: int):
    notice = get_or_404(MeetingNotice, notice_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.meetings"))
    at = now()
    error = meeting_publishable(notice, at)
    if notice.published_at is not None and notice.withdrawn_at is None:
        error = "该会议公告已发布"
    if error:
        flash(error, "error")
        return redirect(url_for("admin.meetings"))
    fields = ["published_at", "withdrawn_at"]
    before = snapshot(notice, fields)
    notice.published_at, notice.withdrawn_at = at, None
    changes.record(
        "meeting.publish", notice, before, snapshot(notice, fields), f"会议公告：{notice.title}"
    )
    db.session.commit()
    flash("会议公告已发布，会议结束后自动撤下", "success")
    return redirect(url_for("admin.meetings"))


@bp.post("/meetings/<int:notice_id>/withdraw")
@role_required("approver")
def meeting_withdraw(notice_id: int):
    notice = get_or_404(MeetingNotice, notice_id)
    live = notice.published_at is not None and notice.withdrawn_at is None
    if not ActionForm().validate_on_submit() or not live:
        return redirect(url_for("admin.meetings"))
    fields = ["published_at", "withdrawn_at"]
    before = snapshot(notice, fields)
    notice.withdrawn_at = now()
    changes.record(
        "meeting.withdraw", notice, before, snapshot(notice, fields), f"会议公告：{notice.title}"
    )
    db.session.commit()
    flash("会议公告已撤回", "success")
    return redirect(url_for("admin.meetings"))


# -- slogans -----------------------------------------------------------------------


@bp.get("/slogans")
@role_required("drafter", "operator", "approver")
def slogans():
    rows = db.session.execute(select(Slogan).order_by(Slogan.sort_order, Slogan.id)).scalars()
    return render_template(
        "admin/slogans.html", rows=rows.all(), at=now(), action_form=ActionForm()
    )


def _slogan_edit(slogan: Slogan | None):
    if slogan is not None and slogan.published_at is not None:
        flash("已发布的标语不能修改：请审批人先撤下，修改后再发布", "error")
        return redirect(url_for("admin.slogans"))
    form = _with_halls(SloganForm(obj=slogan), slogan)
    return edit_object(
        obj=slogan,
        model=Slogan,
        form=form,
        kind="slogan",
        label="宣传标语",
        back="admin.slogans",
        apply=_apply_with_hall,
        hints={
            "text": "LED条屏 16 点阵一屏显示 8 个汉字，较长的标语会滚动显示；"
            "保存后须经审批人发布才会上屏"
        },
    )


@bp.route("/slogans/new", methods=["GET", "POST"])
@role_required("drafter", "operator")
def slogan_new():
    return _slogan_edit(None)


@bp.route("/slogans/<int:slogan_id>", methods=["GET", "POST"])
@role_required("drafter", "operator")
def slogan_edit(slogan_id: int):
    return _slogan_edit(get_or_404(Slogan, slogan_id))


def _slogan_publication(slogan_id: int, publish: bool):
    slogan = get_or_404(Slogan, slogan_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.slogans"))
    if (slogan.published_at is not None) == publish:
        flash("该标语已发布" if publish else "该标语尚未发布", "error")
        return redirect(url_for("admin.slogans"))
    fields = ["published_at", "published_by_id"]
    before = snapshot(slogan, fields)
    if publish:
        slogan.published_at, slogan.published_by_id = now(), actor().id
    else:
        slogan.published_at = slogan.published_by_id = None
    changes.record(
        "slogan.publish" if publish else "slogan.withdraw",
        slogan,
        before,
        snapshot(slogan, fields),
        f"宣传标语：{slogan.text}",
    )
    db.session.commit()
    flash("标语已发布，各屏幕将随即显示" if publish else "标语已撤下", "success")
    return redirect(url_for("admin.slogans"))


@bp.post("/slogans/<int:slogan_id>/publish")
@role_required("approver")
def slogan_publish(slogan_id: int):
    return _slogan_publication(slogan_id, True)


@bp.post("/slogans/<int:slogan_id>/withdraw")
@role_required("approver")
def slogan_withdraw(slogan_id: int):
    return _slogan_publication(slogan_id, False)


# -- urgent notices ----------------------------------------------------------------


@bp.get("/urgent")
@role_required("operator")
def urgent_notices():
    rows = (
        db.session.execute(select(UrgentNotice).order_by(UrgentNotice.starts_at.desc()))
        .scalars()
        .all()
    )
    return render_template("admin/urgent.html", rows=rows, at=now(), action_form=ActionForm())


def _with_groups(form: UrgentForm, notice: UrgentNotice | None) -> UrgentForm:
    groups = db.session.execute(select(TerminalGroup).order_by(TerminalGroup.name)).scalars()
    groups = list(groups)
    form.group_id.choices = [(0, "（全部终端）")] + [(g.id, g.name) for g in groups]
    form.group_halls = {g.id: g.hall_id for g in groups}
    if notice is not None and not form.is_submitted():
        form.group_id.data = notice.group_id or 0
    return form


def _urgent_apply(notice: UrgentNotice, form) -> None:
    _apply_with_hall(notice, form)
    notice.group_id = form.group_id.data or None
    if notice.created_by_id is None:
        notice.created_by_id = actor().id


def _urgent_edit(notice: UrgentNotice | None):
    form = UrgentForm(obj=notice)
    if notice is None and not form.is_submitted():
        at = now()
        form.starts_at.data, form.ends_at.data = at, at + timedelta(hours=2)
    form = _with_groups(_with_halls(form, notice), notice)
    return edit_object(
        obj=notice,
        model=UrgentNotice,
        form=form,
        kind="urgent",
        label="紧急通知",
        back="admin.urgent_notices",
        apply=_urgent_apply,
        check=lambda n, f: (
            None if f.on_kiosk.data or f.on_wall.data or f.on_led.data else "请至少选择一种屏幕"
        ),
        hints={"starts_at": "开始时间一到，所选屏幕立即切换显示本通知，直到结束或撤销"},
    )


@bp.route("/urgent/new", methods=["GET", "POST"])
@role_required("operator")
def urgent_new():
    return _urgent_edit(None)


@bp.route("/urgent/<int:notice_id>", methods=["GET", "POST"])
@role_required("operator")
def urgent_edit(notice_id: int):
    notice = get_or_404(UrgentNotice, notice_id)
    if notice.cancelled_at is not None:
        flash("已撤销的紧急通知不能修改", "error")
        return redirect(url_for("admin.urgent_notices"))
    return _urgent_edit(notice)


@bp.post("/urgent/<int:notice_id>/cancel")
@role_required("operator")
def urgent_cancel(notice_id: int):
    notice = get_or_404(UrgentNotice, notice_id)
    if not ActionForm().validate_on_submit() or notice.cancelled_at is not None:
        return redirect(url_for("admin.urgent_notices"))
    before = snapshot(notice, ["cancelled_at"])
    notice.cancelled_at = now()
    changes.record(
        "urgent.cancel",
        notice,
        before,
        snapshot(notice, ["cancelled_at"]),
        urgent_heading(notice.title),
    )
    db.session.commit()
    flash("紧急通知已撤销，屏幕将恢复正常轮播", "success")
    return redirect(url_for("admin.urgent_notices"))
