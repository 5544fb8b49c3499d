"""LED controller cards: how each LED terminal is fed (pull or push), and how pushing goes."""

from __future__ import annotations

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
from display.led.onbon.commands import DEVICE_TYPES, MAX_AREAS

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
]


def device_choices() -> dict[str, list[tuple[int, str]]]:
    """Per generation: (value, label) with the wildcard first."""
    return {
        gen: [(ANY_DEVICE, "通配 0xFFFE（不指定型号）")]
        + [(value, f"{name}（0x{value:04X}）") for value, name in types.items()]
        for gen, types in DEVICE_TYPES.items()
    }


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


@console_bp.post("/terminals/<int:terminal_id>/delivery/ping")
@role_required("operator")
def led_ping(terminal_id: int):
    """测试连接: one ping now (short timeout), its answer shown and kept as the status."""
    terminal = _led_terminal(terminal_id)
    controller = controller_of(terminal)
    registry = drivers()
    if controller is None or controller.protocol not in registry or not controller.host:
        flash("请先选择推送方式并填写控制卡地址，保存后再测试连接", "error")
        return redirect(url_for("display_console.led_delivery", terminal_id=terminal.id))
    driver = registry[controller.protocol]
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
