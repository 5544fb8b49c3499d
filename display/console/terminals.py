"""Terminals: register wall, LED and kiosk terminals, groups, tokens, who is online."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from admin import changes
from admin.auth import role_required
from admin.helpers import flash_form_errors
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Hall, Playlist, Terminal, TerminalGroup
from content_feed.presence import last_seen
from content_feed.terminals import hash_token, new_token
from content_feed.vocabulary import LED_COLOR_MODES, TERMINAL_KINDS
from display import presence
from display.blueprints import console_bp
from display.console.audit import TERMINAL_FIELDS, terminal_state
from display.console.controllers import pushed_controllers
from display.console.forms import GroupForm, NewTerminalForm, TerminalForm
from display.led.fonts import font_status
from display.program import decide, decision_label

# What the form sets on a terminal (its code is set once, at registration).
TERMINAL_COLUMNS = [f for f in TERMINAL_FIELDS if f != "code"]


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


def _terminal_form(terminal: Terminal | None):
    form = (NewTerminalForm if terminal is None else TerminalForm)(obj=terminal)
    form.hall_id.choices = [(h.id, h.name) for h in _halls()]
    form.group_ids.choices = [(g.id, g.name) for g in _groups()]
    if terminal is not None and not form.is_submitted():
        form.group_ids.data = [g.id for g in terminal.groups]
    return form


def _apply(terminal: Terminal, form: TerminalForm) -> None:
    for name in TERMINAL_COLUMNS:
        form[name].populate_obj(terminal, name)
    terminal.groups = [g for g in _groups() if g.id in set(form.group_ids.data or ())]


def _form(terminal: Terminal | None, form: TerminalForm, status: int = 200):
    return (
        render_template(
            "display/console/terminal_form.html",
            terminal=terminal,
            form=form,
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
    form = _terminal_form(None)
    if not form.validate_on_submit():
        return _form(None, form, 422 if form.is_submitted() else 200)
    code = form.code.data
    # Codes are unique in the whole city, whichever halls the user sees.
    taken = select(Terminal.id).where(Terminal.code == code)
    if db.session.execute(taken.execution_options(all_halls=True)).first():
        form.code.errors.append(f"终端编号 {code} 已存在")
        return _form(None, form, 422)
    terminal = Terminal(code=code)
    _apply(terminal, form)
    token = new_token()
    terminal.token_hash = hash_token(token)
    db.session.add(terminal)
    db.session.flush()
    changes.record(
        "terminal.create", terminal, None, terminal_state(terminal), f"登记终端：{terminal.name}"
    )
    db.session.commit()
    return _show_token(terminal, token)


@console_bp.route("/terminals/<int:terminal_id>", methods=["GET", "POST"])
@role_required("operator")
def terminal_edit(terminal_id: int):
    terminal = db.session.get(Terminal, terminal_id) or abort(404)
    form = _terminal_form(terminal)
    if not form.validate_on_submit():
        return _form(terminal, form, 422 if form.is_submitted() else 200)
    before = terminal_state(terminal)
    _apply(terminal, form)
    after = terminal_state(terminal)
    action = "terminal.update"
    if before["active"] and not after["active"]:
        action = "terminal.deactivate"
    elif not before["active"] and after["active"]:
        action = "terminal.activate"
    changes.record(action, terminal, before, after, f"终端：{terminal.name}")
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
    changes.record(
        "terminal.token", terminal, None, {"token": "已重新签发"}, f"签发令牌：{terminal.name}"
    )
    db.session.commit()
    return _show_token(terminal, token)


@console_bp.post("/groups")
@role_required("operator")
def group_new():
    form = GroupForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("display_console.terminals"))
    name = form.name.data
    taken = select(TerminalGroup.id).where(TerminalGroup.name == name)
    if db.session.execute(taken.execution_options(all_halls=True)).first():
        flash(f"分组“{name}”已存在", "error")
    else:
        hall = _halls()[0] if _halls() else None
        group = TerminalGroup(name=name, hall_id=hall.id if hall else None)
        db.session.add(group)
        db.session.flush()
        changes.record("terminal_group.create", group, None, {"name": name}, f"终端分组：{name}")
        db.session.commit()
        flash(f"已新建分组“{name}”", "success")
    return redirect(url_for("display_console.terminals"))
