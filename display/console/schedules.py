"""Rotation schedules (轮播计划) and a terminal's day as a picture."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from admin import changes
from admin.auth import role_required
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Playlist, RotationSchedule, Terminal, TerminalGroup, UrgentNotice
from display.blueprints import console_bp
from display.console.audit import SCHEDULE_FIELDS, schedule_state
from display.console.forms import ScheduleForm
from display.console.overlaps import hidden_schedules
from display.console.svg import timeline_svg
from display.daypart import describe_weekdays
from display.rotation import day_timeline
from display.screens import hall_tz, schedules_for, screen_of, urgent_rule_of
from web import hall_scope

# What the form sets directly (the target and the days are set below).
SCHEDULE_COLUMNS = [
    f for f in SCHEDULE_FIELDS if f not in ("terminal_id", "group_id", "day_of_week")
]


def _groups():
    stmt = select(TerminalGroup).order_by(TerminalGroup.name)
    if hall_scope.is_hall_user():
        # A schedule for a group of every hall plays in every hall: city-level only.
        stmt = stmt.where(TerminalGroup.hall_id.is_not(None))
    return stmt


def _choices():
    return {
        "playlists": db.session.execute(select(Playlist).order_by(Playlist.name)).scalars().all(),
        "terminals": db.session.execute(
            select(Terminal).where(Terminal.kind.in_(("wall", "led"))).order_by(Terminal.code)
        )
        .scalars()
        .all(),
        "groups": db.session.execute(_groups()).scalars().all(),
    }


def weekdays_text(expr: str) -> str:
    try:
        return describe_weekdays(expr)
    except ValueError:
        return "（星期设置无效，请重新选择）"


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
        "display/console/schedules.html",
        rows=rows,
        weekdays_text=weekdays_text,
        hidden=hidden_schedules(now()),
        **_choices(),
    )


def _schedule_form(schedule: RotationSchedule | None) -> ScheduleForm:
    form = ScheduleForm(obj=schedule)
    found = _choices()
    form.playlist_id.choices = [(p.id, p.name) for p in found["playlists"]]
    form.target.choices = {
        "终端": [(f"t:{t.id}", f"{t.code} {t.name}") for t in found["terminals"]],
        "分组": [(f"g:{g.id}", g.name) for g in found["groups"]],
    }
    if schedule is not None and not form.is_submitted():
        form.target.data = (
            f"t:{schedule.terminal_id}" if schedule.terminal_id else f"g:{schedule.group_id}"
        )
        form.show_days(schedule.day_of_week)
    return form


def _apply(schedule: RotationSchedule, form: ScheduleForm) -> None:
    for name in SCHEDULE_COLUMNS:
        form[name].populate_obj(schedule, name)
    schedule.day_of_week = form.day_of_week()
    kind, _, ident = form.target.data.partition(":")
    schedule.terminal_id = int(ident) if kind == "t" else None
    schedule.group_id = int(ident) if kind == "g" else None


def _form(schedule: RotationSchedule | None, form: ScheduleForm, status: int = 200):
    return (
        render_template("display/console/schedule_form.html", schedule=schedule, form=form),
        status,
    )


def _label(schedule: RotationSchedule) -> str:
    return f"轮播时段：{schedule.name or schedule.id}"


@console_bp.route("/schedules/new", methods=["GET", "POST"])
@role_required("operator")
def schedule_new():
    form = _schedule_form(None)
    if not form.validate_on_submit():
        return _form(None, form, 422 if form.is_submitted() else 200)
    schedule = RotationSchedule()
    _apply(schedule, form)
    db.session.add(schedule)
    db.session.flush()
    changes.record("schedule.create", schedule, None, schedule_state(schedule), _label(schedule))
    db.session.commit()
    flash("轮播计划已保存", "success")
    return redirect(url_for("display_console.schedules"))


@console_bp.route("/schedules/<int:schedule_id>", methods=["GET", "POST"])
@role_required("operator")
def schedule_edit(schedule_id: int):
    schedule = db.session.get(RotationSchedule, schedule_id) or abort(404)
    form = _schedule_form(schedule)
    if not form.validate_on_submit():
        return _form(schedule, form, 422 if form.is_submitted() else 200)
    before = schedule_state(schedule)
    _apply(schedule, form)
    changes.record("schedule.update", schedule, before, schedule_state(schedule), _label(schedule))
    db.session.commit()
    flash("轮播计划已保存", "success")
    return redirect(url_for("display_console.schedules"))


@console_bp.post("/schedules/<int:schedule_id>/delete")
@role_required("operator")
def schedule_delete(schedule_id: int):
    schedule = db.session.get(RotationSchedule, schedule_id) or abort(404)
    changes.record("schedule.delete", schedule, schedule_state(schedule), {}, _label(schedule))
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
        schedule_names={
            r.id: r.name or "未命名" for r in db.session.execute(select(RotationSchedule)).scalars()
        },
    )


@console_bp.get("/terminals/<int:terminal_id>/timeline.svg")
@role_required("operator")
def timeline_image(terminal_id: int):
    terminal = db.session.get(Terminal, terminal_id) or abort(404)
    on = _day_arg(terminal)
    segments, names, tz = _timeline(terminal, on)
    return Response(timeline_svg(segments, names, tz, on), mimetype="image/svg+xml")


@console_bp.get("/terminals/<int:terminal_id>/week")
@role_required("operator")
def week(terminal_id: int):
    """Seven days of what the screen plays, from the chosen day (today by default)."""
    terminal = db.session.get(Terminal, terminal_id) or abort(404)
    first = _day_arg(terminal)
    days = []
    for n in range(7):
        on = first + timedelta(days=n)
        segments, names, tz = _timeline(terminal, on)
        days.append((on, timeline_svg(segments, names, tz, on)))
    screens = _choices()["terminals"]
    return render_template(
        "display/console/week.html",
        terminal=terminal,
        screens=screens,
        days=days,
        previous=first - timedelta(days=7),
        following=first + timedelta(days=7),
    )
