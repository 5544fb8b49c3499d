"""The display console's forms (WTForms): a bad choice or a too-long text is refused
beside its field with everything typed kept, never replaced or cut; nothing is saved."""

from __future__ import annotations

from sqlalchemy import func, select

from content_feed.db import db
from content_feed.models import PlaylistEntry, RotationSchedule, Terminal, TerminalGroup

TERMINAL = {
    "code": "led-7",
    "name": "七号条屏",
    "kind": "led",
    "hall_id": "1",
    "width": "192",
    "height": "32",
    "color_mode": "mono",
    "led_color": "green",
    "font_size": "16",
    "scroll_speed": "32",
    "active": "1",
}


def count(model) -> int:
    return db.session.execute(select(func.count(model.id))).scalar()


def error_after(page: str, field: str) -> str:
    """The first message shown after the field named ``field``."""
    after = page.split(f'name="{field}"', 1)[1]
    return after.split('<div class="field-error">', 1)[1].split("</div>", 1)[0]


def test_an_unknown_led_colour_is_refused_not_made_red(console_app, operator):
    before = count(Terminal)
    r = operator.post("/admin/display/terminals/new", data={**TERMINAL, "led_color": "purple"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert error_after(page, "led_color") == "单色屏颜色无效"
    assert 'value="七号条屏"' in page and 'value="led-7"' in page and 'value="192"' in page
    assert count(Terminal) == before


def test_a_too_long_name_is_refused_not_cut(console_app, operator):
    wall = db.session.execute(select(Terminal).where(Terminal.code == "wall-1")).scalar_one()
    name = "大厅" * 61  # 122 characters: the limit is 120
    data = {**TERMINAL, "kind": "wall", "name": name}
    r = operator.post(f"/admin/display/terminals/{wall.id}", data=data)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert error_after(page, "name") == "名称不能超过 120 个字符"
    assert f'value="{name}"' in page
    db.session.expire_all()
    assert db.session.get(Terminal, wall.id).name == "一楼大厅宣传大屏"


def test_an_unknown_group_is_refused_not_dropped(console_app, operator):
    operator.post("/admin/display/groups", data={"name": "二楼"})
    group = db.session.execute(
        select(TerminalGroup).where(TerminalGroup.name == "二楼")
    ).scalar_one()
    data = {**TERMINAL, "group_ids": [str(group.id), "999999"]}
    r = operator.post("/admin/display/terminals/new", data=data)
    assert (
        r.status_code == 422 and error_after(r.get_data(as_text=True), "group_ids") == "分组不存在"
    )
    r = operator.post("/admin/display/terminals/new", data={**data, "group_ids": [str(group.id)]})
    assert r.status_code == 200  # the token page
    saved = db.session.execute(select(Terminal).where(Terminal.code == "led-7")).scalar_one()
    assert [g.name for g in saved.groups] == ["二楼"] and saved.led_color == "green"


def test_a_schedule_for_a_kiosk_is_refused(console_app, operator):
    """Rotation schedules drive walls and LED strips; the form offers only those."""
    kiosk = db.session.execute(select(Terminal).where(Terminal.code == "kiosk-1")).scalar_one()
    before = count(RotationSchedule)
    data = {"name": "查询机时段", "playlist_id": "1", "target": f"t:{kiosk.id}", "active": "1"}
    r = operator.post("/admin/display/schedules/new", data=data)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert error_after(page, "target") == "请选择终端或分组"
    assert 'value="查询机时段"' in page and count(RotationSchedule) == before
    bad_date = {**data, "target": "g:1", "date_from": "2026-13-01"}
    page = operator.post("/admin/display/schedules/new", data=bad_date).get_data(as_text=True)
    assert "开始日期应为日期 YYYY-MM-DD" in page


def test_a_refused_entry_keeps_what_was_typed(console_app, operator):
    before = count(PlaylistEntry)
    data = {
        "kind": "rule",
        "rule": "newest_items",
        "category": "no-such-category",
        "limit": "5",
        "title": "本周公开",
        "duration_seconds": "12",
    }
    r = operator.post("/admin/display/playlists/1/entries", data=data)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert error_after(page, "category") == "公开目录不存在"
    assert 'value="本周公开"' in page and 'value="12"' in page and 'value="5"' in page
    too_long = {"kind": "qr_card", "url": "/p/guides/1", "caption": "扫" * 41}
    r = operator.post("/admin/display/playlists/1/entries", data=too_long)
    assert error_after(r.get_data(as_text=True), "caption") == "二维码下方文字不能超过 40 个字符"
    assert count(PlaylistEntry) == before


def test_an_entry_saves_the_params_of_its_kind(console_app, operator):
    data = {"kind": "qr_card", "url": "/p/guides/1", "title": "办事指南", "rule": "slogans"}
    assert operator.post("/admin/display/playlists/1/entries", data=data).status_code == 302
    entry = db.session.execute(select(PlaylistEntry).order_by(PlaylistEntry.id.desc())).scalars()
    saved = next(entry)
    assert saved.params == {"url": "/p/guides/1", "title": "办事指南", "text": "", "caption": ""}
    assert saved.duration_seconds == 10
