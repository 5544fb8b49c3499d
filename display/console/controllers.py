"""LED controller cards: how each LED terminal is fed (pull or push), and how pushing goes."""

from __future__ import annotations

import ipaddress
import re

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from admin import changes
from admin.changes import snapshot
from content_feed.auth import role_required
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import LedController, Terminal
from content_feed.vocabulary import LED_DELIVERY
from display.blueprints import console_bp
from display.console.forms import FormError, checked, integer, text
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
HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
)
ANY_DEVICE = 0xFFFE


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


def _apply(controller: LedController) -> None:
    protocol = request.form.get("protocol", "pull")
    if protocol not in LED_DELIVERY:
        raise FormError("protocol", "投送方式无效")
    controller.protocol = protocol
    if protocol == "pull":
        return  # the push settings stay as they were, unused
    generation = protocol.removeprefix("onbon-")
    host = text("host", required=True, limit=255, label="控制卡地址")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not HOSTNAME.match(host):
            raise FormError("host", "控制卡地址应为 IP 地址（如 192.168.1.50）或主机名") from None
    controller.host = host
    controller.port = integer("port", low=1, high=65535, default=5005, label="端口")
    raw_type = (request.form.get("device_type") or "").strip()
    try:
        device_type = int(raw_type, 0) if raw_type else ANY_DEVICE
    except ValueError:
        raise FormError("device_type", "控制卡型号无效") from None
    if device_type != ANY_DEVICE and device_type not in DEVICE_TYPES[generation]:
        raise FormError("device_type", f"型号不属于 {generation.upper()} 系列")
    controller.device_type = device_type
    top = MAX_AREAS[generation] - 1
    controller.area_id = integer("area_id", low=0, high=top, default=0, label="动态区编号")
    controller.area_x = integer("area_x", low=0, high=8191, default=0, label="区域左上角 X")
    controller.area_y = integer("area_y", low=0, high=8191, default=0, label="区域左上角 Y")
    controller.speed_level = integer(
        "speed_level", low=0, high=255, default=4, label="移动速度等级"
    )
    controller.green_first = checked("green_first")
    raw = (request.form.get("brightness") or "").strip()
    controller.brightness = None if not raw else integer("brightness", low=0, high=15, label="亮度")


def _form(terminal, controller, error: FormError | None = None, status: int = 200):
    return (
        render_template(
            "display/console/led_delivery.html",
            terminal=terminal,
            controller=controller,
            form=request.form if request.method == "POST" else None,
            error=error,
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
    if request.method == "GET":
        return _form(terminal, controller)
    is_new = controller is None
    if is_new:
        controller = LedController(
            terminal_id=terminal.id, protocol="pull", host="", port=5005, device_type=ANY_DEVICE
        )
        controller.area_id = controller.area_x = controller.area_y = 0
        controller.speed_level = 4
        controller.green_first = False
    before = None if is_new else snapshot(controller, FIELDS)
    try:
        _apply(controller)
    except FormError as exc:
        db.session.rollback()
        return _form(terminal, controller_of(terminal), exc, 422)
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
