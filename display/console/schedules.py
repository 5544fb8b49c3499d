"""Rotation schedules (轮播计划) and a terminal's day as a picture."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from content_feed.auth import role_required
from content_feed.clock import now
from content_feed.db import db
from content_feed.ids import as_id
from content_feed.models import Playlist, RotationSchedule, Terminal, TerminalGroup, UrgentNotice
from display.blueprints import console_bp
from display.console.audit import note, schedule_state
from display.console.forms import FormError, checked, day, integer, text
from display.console.svg import timeline_svg
from display.daypart import Daypart, describe_weekdays
from display.rotation import day_timeline
from display.screens import hall_tz, schedules_for, screen_of, urgent_rule_of


def _choices():
    return {
        "playlists": db.session.execute(select(Playlist).order_by(Playlist.name)).scalars().all(),
        "terminals": db.session.execute(
            select(Terminal).where(Terminal.kind.in_(("wall", "led"))).order_by(Terminal.code)
        )
        .scalars()
        .all(),
        "groups": db.session.execute(select(TerminalGroup).order_by(TerminalGroup.name))
        .scalars()
        .all(),
    }


def weekdays_text(expr: str) -> str:
    try:
        return describe_weekdays(expr)
    except ValueError:
        return f"（无效：{expr}）"


@console_bp.get("/schedules")
@role_required("operator")
def schedules():
    rows = (
        db.session.execute(
            select(RotationSchedule).order_by(
                RotationSchedule.is_default, RotationSchedule.priority.desc(), RotationSchedule.id
            )
        )
        .scalars()
        .all()
    )
    return render_template(
        "display/console/schedules.html", rows=rows, weekdays_text=weekdays_text, **_choices()
    )


def _apply(schedule: RotationSchedule) -> None:
    schedule.name = text("name", limit=80, label="名称")
    playlist_id = integer("playlist_id", low=1, high=10**9, label="节目单")
    if db.session.get(Playlist, playlist_id) is None:
        raise FormError("playlist_id", "节目单不存在")
    schedule.playlist_id = playlist_id
    target = request.form.get("target", "")
    kind, _, ident = target.partition(":")
    ident = as_id(ident)
    if kind == "t" and ident and db.session.get(Terminal, ident):
        schedule.terminal_id, schedule.group_id = ident, None
    elif kind == "g" and ident and db.session.get(TerminalGroup, ident):
        schedule.terminal_id, schedule.group_id = None, ident
    else:
        raise FormError("target", "请选择终端或分组")
    schedule.date_from = day("date_from", "开始日期")
    schedule.date_to = day("date_to", "结束日期")
    schedule.day_of_week = text("day_of_week", limit=40, label="星期") or "*"
    schedule.start_time = text("start_time", limit=5, label="开始时间") or "00:00"
    schedule.end_time = text("end_time", limit=5, label="结束时间") or "24:00"
    schedule.priority = integer("priority", low=-1000, high=1000, default=0, label="优先级")
    schedule.is_default = checked("is_default")
    schedule.active = checked("active")
    try:
        Daypart(
            schedule.day_of_week,
            schedule.start_time,
            schedule.end_time,
            schedule.date_from,
            schedule.date_to,
        ).validate()
    except ValueError as exc:
        raise FormError("day_of_week", f"时段设置有误：{exc}") from None


def _form(schedule: RotationSchedule | None, error: FormError | None = None, status: int = 200):
    return (
        render_template(
            "display/console/schedule_form.html",
            schedule=schedule,
            error=error,
            form=request.form if request.method == "POST" else None,
            **_choices(),
        ),
        status,
    )


def _label(schedule: RotationSchedule) -> str:
    return f"轮播时段：{schedule.name or schedule.id}"


@console_bp.route("/schedules/new", methods=["GET", "POST"])
@role_required("operator")
def schedule_new():
    if request.method == "GET":
        return _form(None)
    schedule = RotationSchedule()
    try:
        _apply(schedule)
    except FormError as exc:
        return _form(None, exc, 422)
    db.session.add(schedule)
    db.session.flush()
    note("schedule.create", schedule, None, schedule_state(schedule), _label(schedule))
    db.session.commit()
    flash("轮播计划已保存", "success")
    return redirect(url_for("display_console.schedules"))


@console_bp.route("/schedules/<int:schedule_id>", methods=["GET", "POST"])
@role_required("operator")
def schedule_edit(schedule_id: int):
    schedule = db.session.get(RotationSchedule, schedule_id) or abort(404)
    if request.method == "GET":
        return _form(schedule)
    before = schedule_state(schedule)
    try:
        _apply(schedule)
    except FormError as exc:
        db.session.rollback()
        return _form(db.session.get(RotationSchedule, schedule_id), exc, 422)
    note("schedule.update", schedule, before, schedule_state(schedule), _label(schedule))
    db.session.commit()
    flash("轮播计划已保存", "success")
    return redirect(url_for("display_console.schedules"))


@console_bp.post("/schedules/<int:schedule_id>/delete")
@role_required("operator")
def schedule_delete(schedule_id: int):
    schedule = db.session.get(RotationSchedule, schedule_id) or abort(404)
    note("schedule.delete", schedule, schedule_state(schedule), {}, _label(schedule))
    db.session.delete(schedule)
    db.session.commit()
    flash("轮播计划已删除", "success")
    return redirect(url_for("display_console.schedules"))


def _timeline(terminal: Terminal, on: date):
    tz = hall_tz(terminal)
    start = datetime.combine(on, time(0)).replace(tzinfo=tz)
    end = start + timedelta(days=1)
    screen = screen_of(terminal)
    notices = db.session.execute(
        select(UrgentNotice).where(UrgentNotice.starts_at < end, UrgentNotice.ends_at > start)
    ).scalars()
    segments = day_timeline(
        screen,
        schedules_for(db.session, screen),
        [urgent_rule_of(n) for n in notices],
        start,
        end,
        tz,
    )
    names = dict(db.session.execute(select(Playlist.id, Playlist.name)).all())
    return segments, names, tz


def _day_arg(terminal: Terminal) -> date:
    raw = request.args.get("date", "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return now().astimezone(hall_tz(terminal)).date()


@console_bp.get("/terminals/<int:terminal_id>/timeline")
@role_required("operator")
def timeline(terminal_id: int):
    terminal = db.session.get(Terminal, terminal_id) or abort(404)
    on = _day_arg(terminal)
    segments, names, tz = _timeline(terminal, on)
    return render_template(
        "display/console/timeline.html",
        terminal=terminal,
        on=on,
        previous=on - timedelta(days=1),
        following=on + timedelta(days=1),
        segments=segments,
        names=names,
        tz=tz,
        svg=timeline_svg(segments, names, tz, on),
    )


@console_bp.get("/terminals/<int:terminal_id>/timeline.svg")
@role_required("operator")
def timeline_image(terminal_id: int):
    terminal = db.session.get(Terminal, terminal_id) or abort(404)
    on = _day_arg(terminal)
    segments, names, tz = _timeline(terminal, on)
    return Response(timeline_svg(segments, names, tz, on), mimetype="image/svg+xml")
