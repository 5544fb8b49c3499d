"""The 设备监控 pages: the dashboard, commands to screens, power schedules."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from admin.auth import role_required
from content_feed import ledger
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import LedController, Terminal, TerminalGroup
from content_feed.topics import terminal as terminal_topic
from content_feed.versioning import move_topics
from display.console.previews import led_png
from display.daypart import describe_weekdays
from display.led.fonts import NoLedFont
from display.led_views import led_answer
from display.program import program_answer
from monitoring import bp
from monitoring.book import COMMANDS, POWER, book
from monitoring.forms import ACTIONS, CommandForm, PowerForm
from monitoring.models import MonitorAlert, PowerSchedule, TerminalCommand, TerminalScreenshot
from monitoring.state import STATE_NAMES, fresh, seen
from shared.ids import as_id

KIND_NAMES = {"kiosk": "触摸查询机", "wall": "大屏", "led": "LED 条屏"}


def _terminals() -> list[Terminal]:
    """The terminals the user may see (the hall scope filters the query)."""
    stmt = (
        select(Terminal).where(Terminal.active.is_(True)).order_by(Terminal.hall_id, Terminal.name)
    )
    return list(db.session.execute(stmt).scalars())


def _groups() -> list[TerminalGroup]:
    return list(db.session.execute(select(TerminalGroup).order_by(TerminalGroup.name)).scalars())


def _led_state(controller: LedController | None) -> str:
    if controller is None or controller.protocol == "pull":
        return "控制卡自行拉取画面"
    if controller.last_error:
        return f"推送失败：{controller.last_error}"
    if controller.online is False:
        return "控制卡无应答"
    if controller.screen_dark:
        return "控制卡已关屏"
    if controller.last_ack_at:
        return "已送达"
    return "等待推送"


@bp.get("")
@role_required("operator")
def dashboard():
    at = now()
    fresh(current_app, at, force=True)
    terminals = _terminals()
    visible = {t.id for t in terminals}
    controllers = {c.terminal_id: c for c in db.session.execute(select(LedController)).scalars()}
    alerts = [
        a
        for a in db.session.execute(
            select(MonitorAlert).order_by(MonitorAlert.opened_at.desc()).limit(50)
        ).scalars()
        if set(a.terminal_ids) & visible
    ]
    commands = [
        c
        for c in db.session.execute(
            select(TerminalCommand).order_by(TerminalCommand.id.desc()).limit(30)
        ).scalars()
        if c.terminal_id in visible
    ]
    names = {t.id: t.name for t in terminals}
    shots = dict(
        db.session.execute(
            select(TerminalScreenshot.terminal_id, TerminalScreenshot.taken_at)
        ).all()
    )
    form = CommandForm()
    _command_choices(form, terminals)
    return render_template(
        "monitoring/dashboard.html",
        rows=[(t, seen(t, at), _led_state(controllers.get(t.id))) for t in terminals],
        states=STATE_NAMES,
        kinds=KIND_NAMES,
        open_alerts=[a for a in alerts if a.closed_at is None],
        past_alerts=[a for a in alerts if a.closed_at is not None][:10],
        commands=commands,
        names=names,
        actions=ACTIONS,
        acked=book().acked,
        shots=shots,
        at=at,
        form=form,
    )


def _command_choices(form: CommandForm, terminals: list[Terminal]) -> None:
    walls = [t for t in terminals if t.kind == "wall"]
    form.terminal_ids.choices = [(t.id, t.name) for t in walls]
    form.group_id.choices = [(0, "（不按分组）")] + [(g.id, g.name) for g in _groups()]


@bp.post("/commands")
@role_required("operator")
def send_command():
    """A command to chosen screens or to every wall of a group."""
    terminals = _terminals()
    form = CommandForm()
    _command_choices(form, terminals)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("monitoring.dashboard"))
    chosen = set(form.terminal_ids.data or [])
    if form.group_id.data:
        chosen |= {
            t.id
            for t in terminals
            if t.kind == "wall" and form.group_id.data in {g.id for g in t.groups}
        }
    targets = [t for t in terminals if t.id in chosen and t.kind == "wall"]
    if not targets:
        flash("没有选中可以遥控的大屏（LED 条屏和触摸查询机不接受遥控命令）", "error")
        return redirect(url_for("monitoring.dashboard"))
    at = now()
    ttl = timedelta(minutes=current_app.config["SUNLIGHT"]["monitoring"]["command_minutes"])
    action = form.action.data
    rows = []
    for terminal in targets:
        row = TerminalCommand(
            terminal_id=terminal.id,
            action=action,
            created_at=at,
            expires_at=at + ttl,
            created_by_id=current_user.id,
        )
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    names = "、".join(t.name for t in targets)
    ledger.record(
        db.session,
        "monitor.command",
        actor=current_user._get_current_object(),
        summary=f"{ACTIONS[action]}：{names}",
    )
    # Every node's copy re-reads: any of them may hear the screen.
    move_topics(db.session, [COMMANDS, POWER] if action in ("off", "on") else [COMMANDS])
    db.session.commit()
    fresh(current_app, at, force=True)
    # With push configured the screens poll at once, and their heartbeat brings the command.
    publisher = current_app.extensions.get("sunlight.push")
    if publisher is not None:
        publisher.note(terminal_topic(t.id) for t in targets)
    flash(f"已向 {names} 发出“{ACTIONS[action]}”，屏幕下次联络时执行", "success")
    return redirect(url_for("monitoring.dashboard"))


def _power_form() -> PowerForm:
    form = PowerForm()
    walls_and_strips = [t for t in _terminals() if t.kind in ("wall", "led")]
    form.target.choices = {
        "终端": [(f"t:{t.id}", t.name) for t in walls_and_strips],
        "分组": [(f"g:{g.id}", g.name) for g in _groups()],
    }
    return form


def _power_page(form: PowerForm, status: int = 200):
    visible = {t.id for t in _terminals()}
    groups = {g.id: g.name for g in _groups()}
    rows = [
        r
        for r in db.session.execute(select(PowerSchedule).order_by(PowerSchedule.id)).scalars()
        if r.terminal_id in visible or r.group_id in groups
    ]
    names = {t.id: t.name for t in _terminals()}
    return (
        render_template(
            "monitoring/power.html",
            rows=rows,
            names=names,
            groups=groups,
            form=form,
            describe=describe_weekdays,
        ),
        status,
    )


@bp.route("/power", methods=["GET", "POST"])
@role_required("operator")
def power():
    form = _power_form()
    if not form.validate_on_submit():
        return _power_page(form, 422 if form.is_submitted() else 200)
    kind, _, ident = form.target.data.partition(":")
    row = PowerSchedule(
        name=form.name.data,
        terminal_id=int(ident) if kind == "t" else None,
        group_id=int(ident) if kind == "g" else None,
        day_of_week=form.day_of_week(),
        start_time=form.start_time.data,
        end_time=form.end_time.data,
    )
    db.session.add(row)
    summary = f"{describe_weekdays(row.day_of_week)} {row.start_time}–{row.end_time}"
    return _power_changed("power_schedule.create", row, summary, "关屏时段已保存")


def _power_changed(action: str, row: PowerSchedule, summary: str, done: str):
    """On the ledger, saved, and in force at once (the screens' next heartbeat)."""
    ledger.record(
        db.session,
        action,
        actor=current_user._get_current_object(),
        summary=f"关屏时段：{row.name or '未命名'}{'，' + summary if summary else ''}",
    )
    move_topics(db.session, [POWER])
    db.session.commit()
    fresh(current_app, now(), force=True)
    flash(done, "success")
    return redirect(url_for("monitoring.power"))


@bp.post("/power/delete")
@role_required("operator")
def power_delete():
    visible = {t.id for t in _terminals()}
    groups = {g.id for g in _groups()}
    ident = as_id(request.form.get("id", ""))
    row = db.session.get(PowerSchedule, ident) if ident is not None else None
    if row is None or not (row.terminal_id in visible or row.group_id in groups):
        abort(404)
    db.session.delete(row)
    return _power_changed("power_schedule.delete", row, "", "关屏时段已删除")


@bp.get("/terminals/<int:terminal_id>/showing.png")
@role_required("operator")
def showing(terminal_id: int):
    """What a screen shows now, drawn by the LED renderer: an LED strip's own
    frame; for a wall, the entry it last reported (else its program's first)."""
    terminal = db.session.get(Terminal, terminal_id) or abort(404)
    if terminal.kind == "kiosk":
        abort(404)
    try:
        if terminal.kind == "led":
            show = led_answer(terminal.code).extra
            n, _frame = show.rendered.frame_at(int(now().timestamp() * 1000))
            return Response(
                show.rendered.png(n), mimetype="image/png", headers={"Cache-Control": "no-store"}
            )
        entries = json.loads(program_answer(terminal.code).body).get("entries") or []
    except LookupError:
        abort(404)
    except NoLedFont:
        abort(503)
    shown = next((e for e in entries if e.get("title") == terminal.last_page), None)
    if shown is None and entries:
        shown = entries[0]
    if shown is None:
        abort(404)
    return led_png(dict(shown), f"showing-{terminal.id}")


@bp.get("/terminals/<int:terminal_id>/screenshot.png")
@role_required("operator")
def screenshot(terminal_id: int):
    """The newest picture the wall took of itself (截图), for the console only."""
    shot = db.session.execute(
        select(TerminalScreenshot).where(TerminalScreenshot.terminal_id == terminal_id)
    ).scalar_one_or_none() or abort(404)
    return Response(
        shot.png,
        mimetype="image/png",
        headers={"Cache-Control": "private, no-store"},
    )
