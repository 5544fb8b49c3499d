"""LED controller cards: how each LED terminal is fed (pull or push), and how pushing goes."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from admin import changes
from admin.auth import role_required
from admin.changes import snapshot
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import LedController, Terminal
from content_feed.vocabulary import LED_DELIVERY
from display.blueprints import console_bp
from display.console.forms import ANY_DEVICE, DeliveryForm
from display.led.delivery import drivers
from display.led.errors import DeliveryError
from display.led.onbon.adapter import colour_for
from display.led.onbon.commands import DEVICE_TYPES, MAX_AREAS
from display.led.pattern import PATTERN_SECONDS, pattern_pages

FIELDS = [
    "protocol",
    "host",
    "port",
    "device_type",
    "area_id",
    "area_x",
    "area_y",
    "speed_level",
    "green_first",
    "brightness",
    "word_order",
    "length_form",
    "screen_on",
    "screen_off",
]


def device_choices() -> dict[str, list[tuple[int, str]]]:
    """Per generation: (value, label) with the wildcard first."""
    return {
        gen: [(ANY_DEVICE, "通配 0xFFFE（不指定型号）")]
        + [(value, f"{name}（0x{value:04X}）") for value, name in types.items()]
        for gen, types in DEVICE_TYPES.items()
    }


def colour_warning(controller: LedController | None, terminal: Terminal) -> str:
    """What of the strip's colours the card will not show ("" when it shows them all)."""
    if controller is None or not controller.protocol.startswith("onbon-"):
        return ""  # pulled frames are the strip's own; Huidu cards are full colour
    if terminal.color_mode == "rgb" and colour_for(controller.device_type, "rgb") != "full":
        model = DEVICE_TYPES.get(controller.protocol.removeprefix("onbon-"), {}).get(
            controller.device_type, "该型号"
        )
        return (
            f"条屏为全彩，但控制卡 {model} 只能显示红、绿两色：蓝色将不显示，"
            "青色、白色显示为绿色或黄色。请改选全彩（Q 系列）型号，或把终端颜色改为双基色。"
        )
    return ""


def _led_terminal(terminal_id: int) -> Terminal:
    terminal = db.session.get(Terminal, terminal_id)
    if terminal is None or terminal.kind != "led":
        abort(404)
    return terminal


def controller_of(terminal: Terminal) -> LedController | None:
    return db.session.execute(
        select(LedController).where(LedController.terminal_id == terminal.id)
    ).scalar_one_or_none()


def pushed_controllers() -> dict[int, LedController]:
    """Controllers of terminals fed by push, by terminal id."""
    rows = db.session.execute(
        select(LedController).where(LedController.protocol.in_(list(drivers())))
    ).scalars()
    return {c.terminal_id: c for c in rows}


@console_bp.get("/led-controllers")
@role_required("operator")
def led_controllers():
    terminals = (
        db.session.execute(select(Terminal).where(Terminal.kind == "led").order_by(Terminal.code))
        .scalars()
        .all()
    )
    controllers = {
        c.terminal_id: c for c in db.session.execute(select(LedController)).scalars().all()
    }
    return render_template(
        "display/console/led_controllers.html",
        terminals=terminals,
        controllers=controllers,
        delivery=LED_DELIVERY,
        warnings={t.id: colour_warning(controllers.get(t.id), t) for t in terminals},
    )


def _apply(controller: LedController, form: DeliveryForm) -> None:
    controller.protocol = form.protocol.data
    if controller.protocol == "pull":
        return  # the push settings stay as they were, unused
    for name in DeliveryForm.PUSH_FIELDS:
        form[name].populate_obj(controller, name)


def _form(terminal, controller, form: DeliveryForm, status: int = 200):
    return (
        render_template(
            "display/console/led_delivery.html",
            terminal=terminal,
            controller=controller,
            form=form,
            delivery=LED_DELIVERY,
            devices=device_choices(),
            max_areas=MAX_AREAS,
            warning=colour_warning(controller, terminal),
            pattern_minutes=PATTERN_SECONDS // 60,
            now_utc=now(),
        ),
        status,
    )


@console_bp.route("/terminals/<int:terminal_id>/delivery", methods=["GET", "POST"])
@role_required("operator")
def led_delivery(terminal_id: int):
    terminal = _led_terminal(terminal_id)
    controller = controller_of(terminal)
    form = DeliveryForm(obj=controller)
    if not form.validate_on_submit():
        return _form(terminal, controller, form, 422 if form.is_submitted() else 200)
    is_new = controller is None
    if is_new:
        controller = LedController(
            terminal_id=terminal.id, protocol="pull", host="", port=5005, device_type=ANY_DEVICE
        )
        controller.area_id = controller.area_x = controller.area_y = 0
        controller.speed_level = 4
        controller.green_first = False
        controller.word_order, controller.length_form = "lsb", "sdk"
        controller.screen_on = controller.screen_off = ""
    before = None if is_new else snapshot(controller, FIELDS)
    _apply(controller, form)
    if is_new:
        db.session.add(controller)
    label = LED_DELIVERY[controller.protocol]
    changed = changes.record(
        "led_controller.update",
        controller,
        before,
        snapshot(controller, FIELDS),
        summary=f"LED 终端 {terminal.code} 投送方式：{label}",
    )
    db.session.commit()
    flash("投送方式已保存" if changed or is_new else "没有改动", "success")
    return redirect(url_for("display_console.led_delivery", terminal_id=terminal.id))


def _pushed(terminal_id: int, action: str):
    """(terminal, controller, driver), or a redirect when the card is not set up yet."""
    terminal = _led_terminal(terminal_id)
    controller = controller_of(terminal)
    registry = drivers()
    if controller is None or controller.protocol not in registry or not controller.host:
        flash(f"请先选择推送方式并填写控制卡地址，保存后再{action}", "error")
        return None
    return terminal, controller, registry[controller.protocol]


@console_bp.post("/terminals/<int:terminal_id>/delivery/pattern")
@role_required("operator")
def led_pattern(terminal_id: int):
    """校准图案: the calibration picture pushed now; the program waits a while, so the
    technician can look at the strip, change 兼容设置 and push it again."""
    found = _pushed(terminal_id, "推送校准图案")
    if found is None:
        return redirect(url_for("display_console.led_delivery", terminal_id=terminal_id))
    terminal, controller, driver = found
    at = now()
    pages = pattern_pages(terminal.width, terminal.height, terminal.color_mode)
    try:
        driver.push(driver.card_for(controller, terminal), pages, 3.0)
    except DeliveryError as exc:
        controller.last_error, controller.last_error_at = str(exc)[:300], at
        hint = "；若为参数错误（ERR_SCREEN_PARA），可在兼容设置中改用另一种长度字段后保存再试"
        flash(
            f"校准图案推送失败：{exc}{hint if controller.protocol == 'onbon-bx6' else ''}", "error"
        )
    else:
        controller.pattern_until = at + timedelta(seconds=PATTERN_SECONDS)
        controller.last_error = ""
        flash(
            f"校准图案已推送，保留 {PATTERN_SECONDS // 60} 分钟后恢复节目。条屏上应看到："
            "四周一圈边框、左上角起的一条斜线、顶部每 8 列一个点、左上角一个“L”。"
            "斜线断成 8 点一段或反向，请改换字节顺序后保存再推送。",
            "success",
        )
    db.session.commit()
    return redirect(url_for("display_console.led_delivery", terminal_id=terminal.id))


@console_bp.post("/terminals/<int:terminal_id>/delivery/ping")
@role_required("operator")
def led_ping(terminal_id: int):
    """测试连接: one ping now (short timeout), its answer shown and kept as the status."""
    found = _pushed(terminal_id, "测试连接")
    if found is None:
        return redirect(url_for("display_console.led_delivery", terminal_id=terminal_id))
    terminal, controller, driver = found
    at = now()
    try:
        driver.ping(driver.card_for(controller, terminal), 2.0)
    except DeliveryError as exc:
        controller.online, controller.last_ping_at = False, at
        controller.last_error, controller.last_error_at = str(exc)[:300], at
        flash(f"连接失败：{exc}", "error")
    else:
        controller.online, controller.last_ping_at = True, at
        flash(f"连接成功：{controller.host}:{controller.port} 已应答", "success")
    db.session.commit()
    return redirect(url_for("display_console.led_delivery", terminal_id=terminal.id))
