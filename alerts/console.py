"""The operator's alert pages under /admin/alerts (role operator, city-level): feeds,
alerts received with their state, refused documents, drill mode and per-level
actions, and where each hall is."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select

from admin import changes
from admin.auth import role_required
from admin.changes import snapshot
from admin.crud import edit_object
from admin.forms import ActionForm
from admin.helpers import actor, flash_form_errors, get_or_404, now
from alerts import console_bp, lifecycle, pull
from alerts.forms import EndForm, FeedForm, HallAreaForm, PolicyForm
from alerts.models import (
    ACTIONS,
    LEVEL_NAMES,
    LIVE,
    STATES,
    Alert,
    AlertFeed,
    AlertHallArea,
    RefusedAlertDocument,
)
from content_feed.db import db
from content_feed.models import Hall
from content_feed.terminals import hash_token, new_token

PAGE = 200
CONSOLE_LINKS = 5
POLICY_FIELDS = ["drill_mode", "red_action", "orange_action", "yellow_action", "blue_action"]
POLICY_FIELDS.append("default_hours")


@console_bp.app_template_global("silent_alert_feeds")
def silent_feeds() -> list[AlertFeed]:
    """Feeds gone silent: a banner on every console page (admin/base.html)."""
    return (
        db.session.execute(select(AlertFeed).where(AlertFeed.silent_since.is_not(None)))
        .scalars()
        .all()
    )


def _page(template: str, **context):
    return render_template(
        template,
        policy=lifecycle.policy(db.session),
        states=STATES,
        levels=LEVEL_NAMES,
        actions=ACTIONS,
        at=now(),
        **context,
    )


@console_bp.get("/")
@role_required("operator")
def alerts():
    rows = (
        db.session.execute(
            select(Alert).order_by(Alert.received_at.desc(), Alert.id.desc()).limit(PAGE)
        )
        .scalars()
        .all()
    )
    return _page("alerts/alerts.html", rows=rows, live=LIVE, end_form=EndForm())


@console_bp.post("/<int:alert_id>/end")
@role_required("operator")
def alert_end(alert_id: int):
    alert = get_or_404(Alert, alert_id)
    form = EndForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
    elif alert.state != LIVE:
        flash("这条预警没有在显示", "error")
    else:
        lifecycle.end(db.session, alert, "ended", f"人工结束：{form.reason.data}", now(), actor())
        db.session.commit()
        flash("预警已结束，屏幕将恢复正常轮播", "success")
    return redirect(url_for("alerts_console.alerts"))


# -- feeds -------------------------------------------------------------------------


@console_bp.get("/feeds")
@role_required("operator")
def feeds():
    rows = db.session.execute(select(AlertFeed).order_by(AlertFeed.id)).scalars().all()
    return _page("alerts/feeds.html", rows=rows, action_form=ActionForm())


def _feed_edit(feed: AlertFeed | None):
    form = FeedForm(obj=feed)
    return edit_object(
        obj=feed,
        model=AlertFeed,
        form=form,
        kind="alert_feed",
        label="预警接入源",
        back="alerts_console.feeds",
        hints={
            "url": "留空则只接收推送；推送令牌在接入源列表中生成",
            "silence_minutes": "超过该分钟数没有任何消息（含 status=System 心跳）即在控制台告警；0 为不检查",
        },
    )


@console_bp.route("/feeds/new", methods=["GET", "POST"])
@role_required("operator")
def feed_new():
    return _feed_edit(None)


@console_bp.route("/feeds/<int:feed_id>", methods=["GET", "POST"])
@role_required("operator")
def feed_edit(feed_id: int):
    return _feed_edit(get_or_404(AlertFeed, feed_id))


@console_bp.post("/feeds/<int:feed_id>/token")
@role_required("operator")
def feed_token(feed_id: int):
    feed = get_or_404(AlertFeed, feed_id)
    if ActionForm().validate_on_submit():
        token = new_token()
        before = {"push_token": bool(feed.push_token_hash)}
        feed.push_token_hash = hash_token(token)
        changes.record(
            "alert_feed.token", feed, before, {"push_token": "new"}, f"预警接入源：{feed.name}"
        )
        db.session.commit()
        push_url = url_for("alerts.push", feed_id=feed.id, _external=True)
        flash(
            f"新的推送令牌（只显示这一次，旧令牌已失效）：{token}　推送地址：{push_url}", "success"
        )
    return redirect(url_for("alerts_console.feeds"))


@console_bp.post("/feeds/<int:feed_id>/poll")
@role_required("operator")
def feed_poll(feed_id: int):
    feed = get_or_404(AlertFeed, feed_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("alerts_console.feeds"))
    if not feed.url:
        flash("该接入源没有拉取网址（只接收推送）", "error")
        return redirect(url_for("alerts_console.feeds"))
    # On a request thread: a few linked documents now, the rest by the minute's job.
    receipt = pull.poll(db.session, feed, now(), links=CONSOLE_LINKS)
    db.session.commit()
    if feed.poll_error:
        flash(f"拉取失败：{feed.poll_error}", "error")
    else:
        flash(
            f"已拉取：上屏 {len(receipt.shown)} 条，未上屏 {len(receipt.held)} 条，"
            f"重复 {receipt.duplicates} 条，拒收 {len(receipt.refused)} 份",
            "success",
        )
    return redirect(url_for("alerts_console.feeds"))


# -- refused documents ---------------------------------------------------------------


@console_bp.get("/refused")
@role_required("operator")
def refused():
    rows = (
        db.session.execute(
            select(RefusedAlertDocument).order_by(RefusedAlertDocument.id.desc()).limit(PAGE)
        )
        .scalars()
        .all()
    )
    return _page("alerts/refused.html", rows=rows)


@console_bp.get("/refused/<int:document_id>")
@role_required("operator")
def refused_document(document_id: int):
    return _page("alerts/refused_document.html", row=get_or_404(RefusedAlertDocument, document_id))


# -- settings -----------------------------------------------------------------------


def _hall_rows():
    halls = db.session.execute(select(Hall).order_by(Hall.id)).scalars().all()
    areas = {a.hall_id: a for a in db.session.execute(select(AlertHallArea)).scalars()}
    rows = []
    for hall in halls:
        area = areas.get(hall.id)
        form = HallAreaForm(
            prefix=f"hall{hall.id}",
            data={
                "division_code": area.division_code if area else "",
                "latitude": "" if area is None or area.latitude is None else str(area.latitude),
                "longitude": "" if area is None or area.longitude is None else str(area.longitude),
            },
        )
        rows.append((hall, area, form))
    return rows


@console_bp.route("/settings", methods=["GET", "POST"])
@role_required("operator")
def settings():
    rules = lifecycle.policy(db.session)
    form = PolicyForm(obj=rules)
    if form.validate_on_submit():
        before = snapshot(rules, POLICY_FIELDS)
        drills_off = rules.drill_mode and not form.drill_mode.data
        form.populate_obj(rules)
        changes.record(
            "alert_policy.update", rules, before, snapshot(rules, POLICY_FIELDS), "预警设置"
        )
        ended = lifecycle.end_drills(db.session, now(), actor()) if drills_off else 0
        db.session.commit()
        flash("预警设置已保存" + (f"；{ended} 条演练预警已下屏" if ended else ""), "success")
        return redirect(url_for("alerts_console.settings"))
    db.session.commit()  # the policy row, made on first visit
    return _page("alerts/settings.html", form=form, halls=_hall_rows())


@console_bp.post("/halls/<int:hall_id>")
@role_required("operator")
def hall_area(hall_id: int):
    hall = get_or_404(Hall, hall_id)
    form = HallAreaForm(prefix=f"hall{hall.id}")
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("alerts_console.settings"))
    area = db.session.get(AlertHallArea, hall.id)
    fields = ["division_code", "latitude", "longitude"]
    before = snapshot(area, fields) if area else None
    if area is None:
        area = AlertHallArea(hall_id=hall.id)
        db.session.add(area)
    area.division_code = (form.division_code.data or "").strip()
    area.latitude, area.longitude = form.latitude.number, form.longitude.number
    db.session.flush()
    changes.record(
        "alert_hall_area.update", area, before, snapshot(area, fields), f"大厅预警区域：{hall.name}"
    )
    db.session.commit()
    flash(f"{hall.name} 的预警区域已保存", "success")
    return redirect(url_for("alerts_console.settings"))
