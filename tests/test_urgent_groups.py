"""An urgent notice for one terminal group, on every surface: set in the console,
shown to that group's wall and kiosk only (program, bundle, the kiosk's urgent
poll, its confirmation), never to the public API, which no terminal asks."""

from __future__ import annotations

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Terminal, TerminalGroup, UrgentNotice
from demo import DEMO_PASSWORD
from tests.conftest import login
from tests.test_dependencies import KIOSK, WALL

TITLE = "二楼临时停电，请到一楼办理"


def _titles(data: dict) -> list[str]:
    return [n["title"] for n in data["urgent_notices"]]


def _terminal(code: str) -> Terminal:
    return db.session.execute(select(Terminal).filter_by(code=code)).scalar_one()


def _surfaces(client, notice_id: int) -> dict:
    program = client.get("/display/wall-1/program.json", headers=WALL).get_json()
    return {
        "wall": TITLE in str(program),
        "bundle": TITLE in _titles(client.get("/kiosk/kiosk-1/bundle.json", headers=KIOSK).json),
        "kiosk urgent": TITLE
        in _titles(client.get("/kiosk/kiosk-1/urgent.json", headers=KIOSK).json),
        "kiosk ack": client.post(
            "/kiosk/kiosk-1/ack", json={"notice_id": notice_id}, headers=KIOSK
        ).status_code
        == 200,
        "public api": TITLE
        in _titles(client.get("/api/v1/urgent-notices?hall=hall-1&surface=kiosk").json),
    }


def demo_operator(app):
    client = app.test_client()
    assert login(client, "operator", DEMO_PASSWORD).status_code == 302
    return client


def test_a_group_notice_set_in_the_console_reaches_that_group_only(demo_app, csrf_off):
    wall = _terminal("wall-1")
    floor_two = TerminalGroup(name="二楼屏幕", hall_id=wall.hall_id)
    db.session.add(floor_two)
    wall.groups.append(floor_two)
    db.session.commit()

    operator = demo_operator(demo_app)
    form = operator.get("/admin/urgent/new").get_data(as_text=True)
    assert "终端分组" in form and "二楼屏幕" in form
    response = operator.post(
        "/admin/urgent/new",
        data={
            "title": TITLE,
            "body": "",
            "starts_at": "2026-11-17T09:00",
            "ends_at": "2026-11-17T18:00",
            "hall_id": str(floor_two.hall_id),
            "group_id": str(floor_two.id),
            "on_kiosk": "y",
            "on_wall": "y",
            "on_led": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-4000:]
    notice = db.session.execute(select(UrgentNotice).filter_by(title=TITLE)).scalar_one()
    assert notice.group_id == floor_two.id
    assert "仅分组：二楼屏幕" in operator.get("/admin/urgent").get_data(as_text=True)

    client = demo_app.test_client()
    assert _surfaces(client, notice.id) == {
        "wall": True,
        "bundle": False,
        "kiosk urgent": False,
        "kiosk ack": False,
        "public api": False,
    }

    # The kiosk joins the group: now it shows the notice on each of its surfaces.
    kiosk = _terminal("kiosk-1")
    kiosk.groups.append(db.session.get(TerminalGroup, floor_two.id))
    db.session.commit()
    assert _surfaces(client, notice.id) == {
        "wall": True,
        "bundle": True,
        "kiosk urgent": True,
        "kiosk ack": True,
        "public api": False,
    }


def test_a_group_of_another_hall_is_refused_beside_the_field(demo_app, csrf_off):
    from tests.builders import make_hall

    elsewhere = make_hall("hall-x", "别的大厅")
    group = TerminalGroup(name="别处分组", hall_id=elsewhere.id)
    db.session.add(group)
    db.session.commit()
    response = demo_operator(demo_app).post(
        "/admin/urgent/new",
        data={
            "title": TITLE,
            "starts_at": "2026-11-17T09:00",
            "ends_at": "2026-11-17T18:00",
            "hall_id": str(_terminal("wall-1").hall_id),
            "group_id": str(group.id),
            "on_wall": "y",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "所选分组不属于所选大厅" in page and TITLE in page  # what was typed is kept
    assert db.session.execute(select(UrgentNotice).filter_by(title=TITLE)).first() is None
