"""Terminals: register wall, LED and kiosk terminals, groups, tokens, who is online."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from content_feed.auth import role_required
from content_feed.clock import now
from content_feed.db import db
from content_feed.ids import as_id
from content_feed.models import Hall, Playlist, Terminal, TerminalGroup
from content_feed.presence import last_seen
from content_feed.terminals import hash_token, new_token
from content_feed.vocabulary import LED_COLOR_MODES, TERMINAL_KINDS
from display import presence
from display.blueprints import console_bp
from display.console.audit import note, terminal_state
from display.console.controllers import pushed_controllers
from display.console.forms import FormError, checked, integer, text
from display.led.fonts import font_status
from display.led.palette import COLOURS
from display.program import decide, decision_label


def _groups():
    return db.session.execute(select(TerminalGroup).order_by(TerminalGroup.name)).scalars().all()


def _halls():
    return db.session.execute(select(Hall).order_by(Hall.id)).scalars().all()


@console_bp.get("/terminals")
@role_required("operator")
def terminals():
    at = now()
    rows = (
        db.session.execute(
            select(Terminal)
            .options(selectinload(Terminal.groups))
            .order_by(Terminal.kind, Terminal.code)
        )
        .scalars()
        .all()
    )
    names = dict(db.session.execute(select(Playlist.id, Playlist.name)).all())
    should = {}
    for t in rows:
        if t.kind in ("wall", "led"):
            decision, _ = decide(db.session, t, at)
            should[t.id] = decision_label(decision, names)
    online = {t.id: presence.is_online(t, at) for t in rows}
    # A strip fed by push never polls us: its card's pings say whether it is there.
    pushed = pushed_controllers()
    for terminal_id, controller in pushed.items():
        online[terminal_id] = bool(controller.online)
    return render_template(
        "display/console/terminals.html",
        rows=rows,
        online=online,
        pushed=pushed,
        seen={t.id: last_seen(t) for t in rows},
        should=should,
        groups=_groups(),
        kinds=TERMINAL_KINDS,
        modes=LED_COLOR_MODES,
        font=font_status(),
        offline_after=int(presence.offline_after("wall").total_seconds()),
    )


def _apply(terminal: Terminal) -> None:
    terminal.name = text("name", required=True, limit=120, label="名称")
    terminal.kind = request.form.get("kind", terminal.kind or "wall")
    if terminal.kind not in TERMINAL_KINDS:
        raise FormError("kind", "终端类型无效")
    hall_id = integer("hall_id", low=1, high=10**9, label="服务大厅")
    if db.session.get(Hall, hall_id) is None:
        raise FormError("hall_id", "服务大厅不存在")
    terminal.hall_id = hall_id
    terminal.width = integer("width", low=8, high=16384, default=1920, label="宽度")
    terminal.height = integer("height", low=8, high=16384, default=1080, label="高度")
    mode = request.form.get("color_mode", "mono")
    if mode not in LED_COLOR_MODES:
        raise FormError("color_mode", "颜色模式无效")
    terminal.color_mode = mode
    colour = request.form.get("led_color", "red")
    terminal.led_color = colour if colour in COLOURS else "red"
    terminal.font_size = integer("font_size", low=8, high=64, default=16, label="字号")
    terminal.scroll_speed = integer("scroll_speed", low=1, high=500, default=32, label="滚动速度")
    terminal.active = checked("active")
    wanted = {as_id(g) for g in request.form.getlist("group_ids")}
    terminal.groups = [g for g in _groups() if g.id in wanted]


def _form(terminal: Terminal | None, error: FormError | None = None, status: int = 200):
    return (
        render_template(
            "display/console/terminal_form.html",
            terminal=terminal,
            form=request.form if request.method == "POST" else None,
            error=error,
            halls=_halls(),
            groups=_groups(),
            kinds=TERMINAL_KINDS,
            modes=LED_COLOR_MODES,
            colours=COLOURS,
        ),
        status,
    )


def _show_token(terminal: Terminal, token: str):
    # Shown once: no browser or proxy may keep a copy of this page.
    response = make_response(
        render_template("display/console/token.html", terminal=terminal, token=token)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@console_bp.route("/terminals/new", methods=["GET", "POST"])
@role_required("operator")
def terminal_new():
    if request.method == "GET":
        return _form(None)
    terminal = Terminal(code="")
    try:
        code = text("code", required=True, limit=40, label="终端编号")
        if not all(c.isalnum() or c in "-_" for c in code):
            raise FormError("code", "终端编号只能用字母、数字、- 和 _")
        if db.session.execute(select(Terminal).where(Terminal.code == code)).first():
            raise FormError("code", f"终端编号 {code} 已存在")
        terminal.code = code
        _apply(terminal)
    except FormError as exc:
        db.session.rollback()
        return _form(None, exc, 422)
    token = new_token()
    terminal.token_hash = hash_token(token)
    db.session.add(terminal)
    db.session.flush()
    note("terminal.create", terminal, None, terminal_state(terminal), f"登记终端：{terminal.name}")
    db.session.commit()
    return _show_token(terminal, token)


@console_bp.route("/terminals/<int:terminal_id>", methods=["GET", "POST"])
@role_required("operator")
def terminal_edit(terminal_id: int):
    terminal = db.session.get(Terminal, terminal_id) or abort(404)
    if request.method == "GET":
        return _form(terminal)
    before = terminal_state(terminal)
    try:
        _apply(terminal)
    except FormError as exc:
        db.session.rollback()
        return _form(db.session.get(Terminal, terminal_id), exc, 422)
    after = terminal_state(terminal)
    action = "terminal.update"
    if before["active"] and not after["active"]:
        action = "terminal.deactivate"
    elif not before["active"] and after["active"]:
        action = "terminal.activate"
    note(action, terminal, before, after, f"终端：{terminal.name}")
    db.session.commit()
    flash("终端已保存", "success")
    return redirect(url_for("display_console.terminals"))


@console_bp.post("/terminals/<int:terminal_id>/token")
@role_required("operator")
def terminal_token(terminal_id: int):
    terminal = db.session.get(Terminal, terminal_id) or abort(404)
    token = new_token()
    terminal.token_hash = hash_token(token)
    # The token itself never goes on the ledger: only that a new one was issued.
    note("terminal.token", terminal, None, {"token": "已重新签发"}, f"签发令牌：{terminal.name}")
    db.session.commit()
    return _show_token(terminal, token)


@console_bp.post("/groups")
@role_required("operator")
def group_new():
    try:
        name = text("name", required=True, limit=80, label="分组名称")
    except FormError as exc:
        flash(exc.message, "error")
        return redirect(url_for("display_console.terminals"))
    if db.session.execute(select(TerminalGroup).where(TerminalGroup.name == name)).first():
        flash(f"分组“{name}”已存在", "error")
    else:
        hall = _halls()[0] if _halls() else None
        group = TerminalGroup(name=name, hall_id=hall.id if hall else None)
        db.session.add(group)
        db.session.flush()
        note("terminal_group.create", group, None, {"name": name}, f"终端分组：{name}")
        db.session.commit()
        flash(f"已新建分组“{name}”", "success")
    return redirect(url_for("display_console.terminals"))
