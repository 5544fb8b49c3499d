"""The console's LED controller pages: delivery settings, validation, roles, ledger, ping."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import LedController, LedgerEntry, Terminal
from display.led.onbon_sim import OnbonSimulator
from display.program import program_etag
from tests.conftest import free_port
from tests.display.conftest import signed_in


def terminal(code: str) -> Terminal:
    return db.session.execute(select(Terminal).where(Terminal.code == code)).scalar_one()


def controller(t: Terminal) -> LedController | None:
    db.session.expire_all()
    return db.session.execute(
        select(LedController).where(LedController.terminal_id == t.id)
    ).scalar_one_or_none()


GOOD = {
    "protocol": "onbon-bx5",
    "host": "192.168.1.50",
    "port": "5005",
    "device_type": str(0x0154),
    "area_id": "0",
    "area_x": "0",
    "area_y": "0",
    "speed_level": "4",
    "brightness": "",
}


def test_operator_sets_push_delivery_on_the_ledger(operator):
    led = terminal("led-1")
    listing = operator.get("/admin/display/led-controllers")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert "led-1" in page and f"/admin/display/terminals/{led.id}/delivery" in page
    assert operator.get(f"/admin/display/terminals/{led.id}/delivery").status_code == 200
    before = program_etag(led.code)
    r = operator.post(f"/admin/display/terminals/{led.id}/delivery", data=GOOD)
    assert r.status_code == 302
    assert program_etag(led.code) == before  # delivery settings are not feed content
    row = controller(led)
    assert (row.protocol, row.host, row.port, row.device_type) == (
        "onbon-bx5",
        "192.168.1.50",
        5005,
        0x0154,
    )
    entry = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "led_controller.update")
    ).scalar_one()
    assert entry.object_type == "led_controller" and "led-1" in entry.summary
    assert entry.after["host"] == "192.168.1.50" and entry.before is None
    # A change records only what changed.
    operator.post(
        f"/admin/display/terminals/{led.id}/delivery", data={**GOOD, "host": "192.168.1.51"}
    )
    entries = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "led_controller.update")
    ).scalars()
    last = list(entries)[-1]
    assert last.before == {"host": "192.168.1.50"} and last.after == {"host": "192.168.1.51"}
    # The terminals page links to it too.
    assert f"/admin/display/terminals/{led.id}/delivery" in operator.get(
        "/admin/display/terminals"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("protocol", "novastar", "投送方式无效"),
        ("host", "", "请填写控制卡地址"),
        ("host", "192.168.1.50; rm -rf /", "IP 地址"),
        ("port", "70000", "端口应在 1 到 65535 之间"),
        ("port", "eighty", "端口应为整数"),
        ("device_type", str(0x0174), "型号不属于 BX5 系列"),
        ("device_type", "abc", "控制卡型号无效"),
        ("area_id", "4", "动态区编号应在 0 到 3 之间"),
        ("area_x", "-1", "区域左上角 X应在 0 到 8191 之间"),
        ("brightness", "16", "亮度应在 0 到 15 之间"),
        ("speed_level", "9" * 40, "移动速度等级应在 0 到 255 之间"),
    ],
)
def test_bad_settings_are_refused_in_chinese(operator, field, value, message):
    led = terminal("led-1")
    r = operator.post(f"/admin/display/terminals/{led.id}/delivery", data={**GOOD, field: value})
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)
    assert controller(led) is None


def test_bx6_allows_32_areas_and_its_own_models(operator):
    led = terminal("led-1")
    data = {
        **GOOD,
        "protocol": "onbon-bx6",
        "device_type": str(0x0174),
        "area_id": "31",
        "green_first": "1",
        "brightness": "7",
    }
    r = operator.post(f"/admin/display/terminals/{led.id}/delivery", data=data)
    assert r.status_code == 302
    row = controller(led)
    assert (row.area_id, row.green_first, row.brightness) == (31, True, 7)
    page = operator.get(f"/admin/display/terminals/{led.id}/delivery").get_data(as_text=True)
    assert 'name="green_first" value="1" checked' in page


def test_roles_and_unknown_terminals(console_app, operator, drafter):
    led = terminal("led-1")
    wall = terminal("wall-1")
    for url in (
        "/admin/display/led-controllers",
        f"/admin/display/terminals/{led.id}/delivery",
    ):
        assert drafter.get(url).status_code == 403
        assert console_app.test_client().get(url).status_code == 302  # to sign in
    assert drafter.post(f"/admin/display/terminals/{led.id}/delivery", data=GOOD).status_code == 403
    assert drafter.post(f"/admin/display/terminals/{led.id}/delivery/ping").status_code == 403
    assert operator.get(f"/admin/display/terminals/{wall.id}/delivery").status_code == 404
    assert operator.get("/admin/display/terminals/99999999999/delivery").status_code == 404
    admin = signed_in(console_app, "admin")
    assert admin.get("/admin/display/led-controllers").status_code == 200


def test_test_connection_pings_the_card(operator):
    led = terminal("led-1")
    with OnbonSimulator(colour="dual") as sim:
        data = {**GOOD, "host": sim.host, "port": str(sim.port)}
        operator.post(f"/admin/display/terminals/{led.id}/delivery", data=data)
        r = operator.post(f"/admin/display/terminals/{led.id}/delivery/ping", follow_redirects=True)
        assert "连接成功" in r.get_data(as_text=True)
        assert sim.state.pings == 1
    row = controller(led)
    assert row.online is True and row.last_ping_at is not None
    # Nobody listening any more.
    operator.post(
        f"/admin/display/terminals/{led.id}/delivery", data={**data, "port": str(free_port())}
    )
    r = operator.post(f"/admin/display/terminals/{led.id}/delivery/ping", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "连接失败" in page and "连接被拒绝" in page
    assert controller(led).online is False
    assert "离线" in operator.get("/admin/display/led-controllers").get_data(as_text=True)


def test_test_connection_needs_push_settings(operator):
    led = terminal("led-1")
    r = operator.post(f"/admin/display/terminals/{led.id}/delivery/ping", follow_redirects=True)
    assert "请先选择推送方式" in r.get_data(as_text=True)


def test_terminals_page_shows_a_pushed_strip_online_from_its_card(operator):
    led = terminal("led-1")
    page = operator.get("/admin/display/terminals").get_data(as_text=True)
    row = page.split('data-code="led-1"')[1].split("</tr>")[0]
    assert "离线" in row and "推送至控制卡" not in row  # never polled
    operator.post(f"/admin/display/terminals/{led.id}/delivery", data=GOOD)
    row_obj = controller(led)
    row_obj.online = True
    db.session.commit()
    page = operator.get("/admin/display/terminals").get_data(as_text=True)
    row = page.split('data-code="led-1"')[1].split("</tr>")[0]
    assert "在线" in row and "推送至控制卡" in row
