"""Every change made in the display console is on the audit ledger (issue #12), with the
helper the rest of the console uses, and the ledger names it in Chinese with a link."""

from __future__ import annotations

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import LedgerEntry, Playlist, RotationSchedule, Terminal
from tests.display.conftest import signed_in

TERMINAL = {
    "code": "led-9",
    "name": "九号条屏",
    "kind": "led",
    "hall_id": "1",
    "width": "192",
    "height": "32",
    "color_mode": "mono",
    "led_color": "red",
    "font_size": "16",
    "scroll_speed": "32",
    "active": "1",
}


def entries(action):
    return (
        db.session.execute(select(LedgerEntry).where(LedgerEntry.action == action)).scalars().all()
    )


def test_terminal_register_token_deactivate_are_ledgered(console_app, operator):
    assert operator.post("/admin/display/terminals/new", data=TERMINAL).status_code == 200
    terminal = db.session.execute(select(Terminal).where(Terminal.code == "led-9")).scalar_one()
    created = entries("terminal.create")
    assert len(created) == 1 and created[0].actor_name and created[0].after["name"] == "九号条屏"
    operator.post(f"/admin/display/terminals/{terminal.id}/token")
    token = entries("terminal.token")
    assert len(token) == 1 and terminal.token_hash not in str(token[0].after)
    off = {k: v for k, v in TERMINAL.items() if k != "active"}
    operator.post(f"/admin/display/terminals/{terminal.id}", data=off)
    gone = entries("terminal.deactivate")
    assert gone and gone[0].before == {"active": True} and gone[0].after == {"active": False}
    # Saving without a change writes nothing.
    operator.post(f"/admin/display/terminals/{terminal.id}", data=off)
    assert len(entries("terminal.update")) == 0


def test_playlist_and_schedule_changes_are_ledgered(console_app, operator):
    operator.post("/admin/display/playlists", data={"name": "周末节目单"})
    playlist = db.session.execute(
        select(Playlist).where(Playlist.name == "周末节目单")
    ).scalar_one()
    operator.post(
        f"/admin/display/playlists/{playlist.id}/entries",
        data={"kind": "rule", "rule": "slogans", "duration_seconds": "8"},
    )
    assert entries("playlist.create") and entries("playlist.update")
    data = {
        "name": "周末时段",
        "playlist_id": str(playlist.id),
        # A wall: rotation schedules drive walls and LED strips (kiosks have none).
        "target": f"t:{db.session.execute(select(Terminal.id).where(Terminal.code == 'wall-1')).scalar_one()}",
        "days": "weekend",
        "start_time": "09:00",
        "end_time": "17:00",
        "priority": "5",
        "active": "1",
    }
    r = operator.post("/admin/display/schedules/new", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    schedule = db.session.execute(
        select(RotationSchedule).where(RotationSchedule.name == "周末时段")
    ).scalar_one()
    operator.post(f"/admin/display/schedules/{schedule.id}", data={**data, "priority": "6"})
    updated = entries("schedule.update")
    assert updated and updated[0].after == {"priority": 6}
    operator.post(f"/admin/display/schedules/{schedule.id}/delete")
    assert entries("schedule.delete")


def test_the_ledger_shows_these_in_chinese_with_titles_and_links(console_app, operator):
    operator.post("/admin/display/terminals/new", data=TERMINAL)
    terminal = db.session.execute(select(Terminal).where(Terminal.code == "led-9")).scalar_one()
    approver = signed_in(console_app, "approver")
    page = approver.get("/admin/ledger").get_data(as_text=True)
    assert "登记终端" in page and "终端：九号条屏" in page
    assert "terminal.create" not in page.split("<tbody>")[1]
    assert "审计日志" in page and "受理情况登记表（审计" not in page
    admin = signed_in(console_app, "admin")
    page = admin.get("/admin/ledger").get_data(as_text=True)
    assert f'href="/admin/display/terminals/{terminal.id}"' in page
    csv_text = admin.get("/admin/ledger.csv").get_data(as_text=True)
    assert "登记终端" in csv_text and "终端：九号条屏" in csv_text
