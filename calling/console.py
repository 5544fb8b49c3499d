"""The console's calling pages (role: operator): the built-in caller (叫号器) and
the rating tablet of each window, the windows' strips and texts, the queue
system's token, voice settings and clips; the wait and handling statistics.

Windows and halls come in the query (``?window=``, ``?hall=``) and are read
through the hall rule: another hall's window does not exist for a hall user.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from admin.auth import role_required
from admin.helpers import actor
from calling import console_bp
from calling.adapters import settings as novosga_settings
from calling.adapters.pull import poll
from calling.announcements import parse_volume_plan
from calling.models import (
    CallCase,
    CallEvent,
    CallingHall,
    CallingWindow,
    NovosgaLink,
    VoiceClip,
)
from calling.schemas import CallEventIn, label_of
from calling.state import STATE_LABELS, calling_window, receive, settings_of, strip_text, touch
from calling.statistics import case_stats
from calling.voice import VOCABULARY, BadClip, normalised
from content_feed import ledger
from content_feed.api.problems import Problem
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Hall, Window
from content_feed.terminals import hash_token, new_token
from content_feed.vocabulary import RATING_LEVELS
from inquiries.submissions import Refused, submit_rating

ACTIONS = {
    "call": "下一位",
    "recall": "重呼",
    "start": "开始办理",
    "pause": "暂停",
    "resume": "恢复服务",
    "no_show": "未到/过号",
    "end": "结束",
}
PAUSE_REASONS = ("午休", "临时离开", "业务培训", "系统故障", "其他")
SILENT_AFTER = timedelta(minutes=10)
STALL_AFTER = timedelta(minutes=1)  # an active NovoSGA link not polled for this long
LED_PROTOCOLS = {"": "不接窗口屏", "onbon-bx5": "仰邦 BX-5", "onbon-bx6": "仰邦 BX-6"}


def _int_arg(name: str, source=None) -> int | None:
    value = (source or request.args).get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _named(model, name: str, source=None):
    """The row ``?name=`` (or the form's) names, if the user's halls hold it: none
    named goes back to the calling page, one not found (or another hall's) is a 404."""
    ident = _int_arg(name, source)
    if ident is None:
        flash("请先选择窗口" if name == "window" else "请先选择大厅", "error")
        abort(redirect(url_for("calling_console.index")))
    row = db.session.execute(select(model).where(model.id == ident)).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def _window(source=None) -> Window:
    return _named(Window, "window", source)


def _window_row(source=None) -> tuple[Window, CallingWindow]:
    """The window and its calling row (made at its first visit)."""
    window = _window(source)
    row = calling_window(db.session, window)
    db.session.commit()
    return window, row


def _hall(source=None) -> Hall:
    return _named(Hall, "hall", source)


def _halls() -> list[Hall]:
    return list(db.session.execute(select(Hall).order_by(Hall.name)).scalars())


@console_bp.get("/")
@role_required("operator")
def index():
    halls = _halls()
    windows = list(
        db.session.execute(select(Window).order_by(Window.hall_id, Window.sort_order)).scalars()
    )
    states = {row.window_id: row for row in db.session.execute(select(CallingWindow)).scalars()}
    settings = {row.hall_id: row for row in db.session.execute(select(CallingHall)).scalars()}
    at = now()
    silent = {
        hall.id
        for hall in halls
        if hall.id in settings
        and settings[hall.id].token_hash
        and (
            settings[hall.id].last_contact_at is None
            or at - settings[hall.id].last_contact_at > SILENT_AFTER
        )
    }
    links = {row.hall_id: row for row in db.session.execute(select(NovosgaLink)).scalars()}
    # An active link nobody polls (no serving process leads, or it hangs).
    stalled = {
        hall_id
        for hall_id, link in links.items()
        if link.active
        and (
            link.last_polled_at is None
            or at - link.last_polled_at
            > max(STALL_AFTER, timedelta(seconds=3 * link.interval_seconds))
        )
    }
    return render_template(
        "calling/index.html",
        links=links,
        stalled=stalled,
        halls=halls,
        windows=windows,
        states=states,
        settings=settings,
        silent=silent,
        labels=STATE_LABELS,
        protocols=LED_PROTOCOLS,
        text_of=strip_text,
    )


# -- the built-in caller -----------------------------------------------------------


def next_ticket(hall_id: int) -> str:
    """The ticket after the hall's last one called from the console: A007 → A008."""
    last = db.session.execute(
        select(CallEvent.ticket)
        .where(CallEvent.hall_id == hall_id, CallEvent.kind == "call")
        .order_by(CallEvent.id.desc())
        .limit(1)
    ).scalar()
    if not last:
        return "A001"
    head = last.rstrip("0123456789")
    digits = last[len(head) :]
    if not digits:
        return last + "1"
    return f"{head}{int(digits) + 1:0{len(digits)}d}"


@console_bp.get("/caller")
@role_required("operator")
def caller():
    window, row = _window_row()
    recent = db.session.execute(
        select(CallEvent)
        .where(CallEvent.window_id == window.id)
        .order_by(CallEvent.occurred_at.desc(), CallEvent.id.desc())
        .limit(8)
    ).scalars()
    return render_template(
        "calling/caller.html",
        window=window,
        row=row,
        actions=ACTIONS,
        reasons=PAUSE_REASONS,
        suggested=next_ticket(window.hall_id),
        event_id=f"console-{uuid.uuid4().hex}",
        recent=list(recent),
        label_of=label_of,
        labels=STATE_LABELS,
        text_of=strip_text,
    )


@console_bp.post("/caller")
@role_required("operator")
def caller_post():
    window = _window(request.form)
    row = calling_window(db.session, window)
    action = request.form.get("action", "")
    ticket = request.form.get("ticket", "").strip().upper() or row.ticket
    reason = request.form.get("reason", "").strip()
    if action not in ACTIONS:
        flash("请选择要做的操作", "error")
    elif action in ("call",) and not ticket:
        flash("请填写票号", "error")
    elif action in ("recall", "start", "no_show", "end") and not row.ticket:
        flash("当前没有正在叫号或办理的票号", "error")
    else:
        payload = {
            "event_id": request.form.get("event_id", "")[:80] or f"console-{uuid.uuid4().hex}",
            "type": action,
            "window": window.number,
            "ticket": ticket if action == "call" else row.ticket,
            "reason": reason[:100] if action == "pause" else "",
            "occurred_at": now(),
        }
        try:
            data = CallEventIn.model_validate(payload)
            outcome = receive(db.session, window.hall, data, now(), source="console")
        except (Problem, ValueError) as exc:
            db.session.rollback()
            flash(getattr(exc, "description", None) or "票号或原因格式不对", "error")
        else:
            if outcome.status == "duplicate":
                flash("这次操作已经提交过了", "info")
            else:
                flash(f"{ACTIONS[action]}：{strip_text(outcome.window)}", "success")
    return redirect(url_for("calling_console.caller", window=window.id))


# -- the rating tablet (一次一评) ------------------------------------------------------


def _open_case(row: CallingWindow) -> CallCase | None:
    if row.rating_case_id is None:
        return None
    case = db.session.get(CallCase, row.rating_case_id)
    return case if case is not None and case.rating_id is None else None


@console_bp.get("/rate")
@role_required("operator")
def rate():
    window, row = _window_row()
    return render_template(
        "calling/rate.html",
        window=window,
        case=_open_case(row),
        levels=sorted(RATING_LEVELS.items(), reverse=True),
        thanked=request.args.get("thanks") == "1",
    )


@console_bp.post("/rate")
@role_required("operator")
def rate_post():
    window = _window(request.form)
    row = calling_window(db.session, window)
    case = _open_case(row)
    level = _int_arg("level", request.form)
    if case is None or str(case.id) != request.form.get("case", ""):
        flash("这次服务已经评价过了", "info")
        return redirect(url_for("calling_console.rate", window=window.id))
    try:
        receipt = submit_rating(
            db.session,
            {
                "idempotency_key": f"calling-case-{case.id}",
                "level": level or 0,
                "target": "window",
                "window_id": window.id,
            },
            SimpleNamespace(id=None, hall_id=window.hall_id),
            current_app.config["SUNLIGHT"]["feedback"],
            now(),
        )
    except Refused as exc:
        flash(exc.message, "error")
        return redirect(url_for("calling_console.rate", window=window.id))
    case.rating_id = receipt.record.id
    if row.rating_case_id == case.id:
        row.rating_case_id = None
    db.session.commit()
    return redirect(url_for("calling_console.rate", window=window.id, thanks=1))


# -- settings ----------------------------------------------------------------------


def _bounded(name: str, low: int, high: int, errors: dict) -> int | None:
    value = request.form.get(name, "").strip()
    if not (value.isdigit() and low <= int(value) <= high):
        errors[name] = f"请填写 {low}–{high} 之间的整数"
        return None
    return int(value)


@console_bp.get("/window")
@role_required("operator")
def window_settings():
    window, row = _window_row()
    return render_template(
        "calling/window.html", window=window, row=row, protocols=LED_PROTOCOLS, errors={}
    )


@console_bp.post("/window")
@role_required("operator")
def window_settings_post():
    window = _window(request.form)
    row = calling_window(db.session, window)
    errors: dict[str, str] = {}
    form = request.form
    idle = form.get("idle_text", "").strip()
    if not idle or len(idle) > 30:
        errors["idle_text"] = "请填写空闲时显示的文字（30 字以内）"
    protocol = form.get("led_protocol", "")
    if protocol not in LED_PROTOCOLS:
        errors["led_protocol"] = "请选择窗口屏的控制卡"
    host = form.get("led_host", "").strip()
    if protocol and not host:
        errors["led_host"] = "请填写控制卡的 IP 地址"
    numbers = {
        "led_port": _bounded("led_port", 1, 65535, errors),
        "led_area_id": _bounded("led_area_id", 0, 31, errors),
        "led_x": _bounded("led_x", 0, 4096, errors),
        "led_y": _bounded("led_y", 0, 4096, errors),
        "led_width": _bounded("led_width", 16, 1024, errors),
        "led_height": _bounded("led_height", 16, 256, errors),
    }
    mode = form.get("led_color_mode", "mono")
    if mode not in ("mono", "dual", "rgb"):
        errors["led_color_mode"] = "请选择颜色"
    if errors:
        db.session.rollback()
        return render_template(
            "calling/window.html",
            window=window,
            row=row,
            protocols=LED_PROTOCOLS,
            errors=errors,
            form=form,
        ), 422
    row.idle_text, row.area = idle, form.get("area", "").strip()[:40]
    row.led_protocol, row.led_host, row.led_color_mode = protocol, host[:255], mode
    for name, value in numbers.items():
        setattr(row, name, value)
    touch(db.session, window.hall_id)
    db.session.commit()
    flash(f"{window.label}的叫号设置已保存", "success")
    return redirect(url_for("calling_console.index"))


def _hall_page(hall: Hall, token: str | None = None, errors: dict | None = None) -> str:
    """The hall's calling page; ``token``: a new queue-system token, shown this once;
    ``errors``: the NovoSGA form's, shown beside the values as submitted."""
    settings = settings_of(db.session, hall.id)
    link = _novosga(hall)
    db.session.commit()
    clips = db.session.execute(select(VoiceClip.word).where(VoiceClip.hall_id == hall.id))
    return render_template(
        "calling/hall.html",
        hall=hall,
        settings=settings,
        vocabulary=VOCABULARY,
        clips=set(clips.scalars()),
        token=token,
        link=link,
        errors=errors or {},
        form=request.form if errors else None,
        intervals=novosga_settings.INTERVALS,
    )


def _novosga(hall: Hall) -> NovosgaLink:
    link = db.session.execute(
        select(NovosgaLink).where(NovosgaLink.hall_id == hall.id)
    ).scalar_one_or_none()
    if link is None:
        link = NovosgaLink(hall_id=hall.id, hall=hall)
        db.session.add(link)
        db.session.flush()
    return link


@console_bp.get("/hall")
@role_required("operator")
def hall_settings():
    return _hall_page(_hall())


@console_bp.post("/hall")
@role_required("operator")
def hall_settings_post():
    hall = _hall(request.form)
    settings = settings_of(db.session, hall.id)
    errors: dict[str, str] = {}
    repeats = _bounded("repeats", 1, 3, errors)
    volume = _bounded("volume", 0, 100, errors)
    band = _bounded("band_size", 1, 20, errors)
    try:
        plan = parse_volume_plan(request.form.get("volume_plan", ""))
    except ValueError as exc:
        errors["volume_plan"] = str(exc)
    if errors:
        db.session.rollback()
        flash("；".join(errors.values()), "error")
        return redirect(url_for("calling_console.hall_settings", hall=hall.id))
    settings.repeats, settings.volume, settings.band_size = repeats, volume, band
    settings.volume_plan = plan
    touch(db.session, hall.id)
    db.session.commit()
    flash(f"{hall.name}的叫号设置已保存", "success")
    return redirect(url_for("calling_console.hall_settings", hall=hall.id))


@console_bp.post("/hall/token")
@role_required("operator")
def hall_token():
    hall = _hall(request.form)
    token = new_token()
    settings_of(db.session, hall.id).token_hash = hash_token(token)
    db.session.commit()
    return _hall_page(hall, token)


@console_bp.post("/hall/novosga")
@role_required("operator")
def hall_novosga():
    hall = _hall(request.form)
    link = _novosga(hall)
    values, errors = novosga_settings.read(request.form, link)
    if errors:
        db.session.rollback()
        flash("NovoSGA 接入设置未保存：" + "；".join(errors.values()), "error")
        return _hall_page(hall, errors=errors), 422
    before = novosga_settings.shown(link)
    novosga_settings.apply(link, values)
    ledger.record(
        db.session,
        "calling.novosga.settings",
        actor=actor(),
        obj=link,
        summary=f"{hall.name}的 NovoSGA 接入设置",
        before=before,
        after=novosga_settings.shown(link),
    )
    db.session.commit()
    flash(
        f"{hall.name}的 NovoSGA 接入已{'启用' if link.active else '保存（未启用）'}",
        "success",
    )
    return redirect(url_for("calling_console.hall_settings", hall=hall.id))


@console_bp.post("/hall/novosga/poll")
@role_required("operator")
def hall_novosga_poll():
    """Ask NovoSGA now (a check after setting it up): what it said, in a flash."""
    hall = _hall(request.form)
    link = _novosga(hall)
    if not link.base_url or not link.client_id:
        db.session.rollback()
        flash("请先填写并保存 NovoSGA 的地址和客户端", "error")
        return redirect(url_for("calling_console.hall_settings", hall=hall.id))
    first = link.seen_ids is None
    receipt = poll(db.session, link, now())
    if receipt.error:
        flash(f"NovoSGA 未能应答：{receipt.error}", "error")
    elif first:
        flash(
            "NovoSGA 已应答：连接正常；此前的叫号作为历史，不再播报，此后的叫号将送到各窗口",
            "success",
        )
    else:
        flash(f"NovoSGA 已应答：取得 {len(receipt.taken)} 个新叫号", "success")
    for message in receipt.refused:
        flash(message, "error")
    return redirect(url_for("calling_console.hall_settings", hall=hall.id))


@console_bp.post("/hall/clip")
@role_required("operator")
def hall_clip():
    hall = _hall(request.form)
    word = request.form.get("word", "")
    upload = request.files.get("clip")
    existing = db.session.execute(
        select(VoiceClip).where(VoiceClip.hall_id == hall.id, VoiceClip.word == word)
    ).scalar_one_or_none()
    if word not in VOCABULARY:
        flash("请选择要录制的词", "error")
    elif request.form.get("remove") and existing is not None:
        db.session.delete(existing)
        db.session.commit()
        flash(f"已删除“{word}”的录音，改用默认语音", "success")
    elif upload is None or not upload.filename:
        flash("请选择 WAV 录音文件", "error")
    else:
        try:
            data = normalised(upload.read(5 * 1024 * 1024 + 1)[: 5 * 1024 * 1024])
        except BadClip as exc:
            flash(str(exc), "error")
        else:
            if existing is None:
                db.session.add(VoiceClip(hall_id=hall.id, word=word, wav=data))
            else:
                existing.wav = data
            db.session.commit()
            flash(f"已保存“{word}”的录音", "success")
    return redirect(url_for("calling_console.hall_settings", hall=hall.id))


# -- statistics --------------------------------------------------------------------


@console_bp.get("/stats")
@role_required("operator", "handler")
def stats():
    cases = list(db.session.execute(select(CallCase)).scalars())
    return render_template("calling/stats.html", **case_stats(cases))
