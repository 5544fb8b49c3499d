"""The program JSON of a screen: tokens, ETags and 304, public-only content, takeover."""

from datetime import timedelta

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Item, Playlist, PlaylistEntry, RotationSchedule, Terminal
from tests.builders import make_terminal, make_urgent, publish_item

WALL = "/display/wall-1/program.json?token=demo-wall-token"


def test_unknown_terminal_or_wrong_token_gets_an_empty_404(demo_app, client):
    for url in (
        "/display/wall-1/program.json?token=wrong",
        "/display/wall-1/program.json",
        "/display/nobody/program.json?token=demo-wall-token",
        "/display/wall-1?token=wrong",
        "/display/led/led-1.png?token=demo-wall-token",
        "/display/led/wall-1.png?token=demo-wall-token",
    ):
        r = client.get(url)
        assert r.status_code == 404 and r.data == b"", url
    r = client.get("/display/wall-1/program.json", headers={"X-Terminal-Token": "demo-wall-token"})
    assert r.status_code == 200


def test_wrong_token_gets_no_304_either(demo_app, client):
    etag = client.get(WALL).headers["ETag"]
    r = client.get("/display/wall-1/program.json?token=x", headers={"If-None-Match": etag})
    assert r.status_code == 404


def test_etag_and_304_without_rebuilding(demo_app, client, monkeypatch):
    first = client.get(WALL)
    assert first.status_code == 200
    assert "max-age=" in first.headers["Cache-Control"]
    import display.program as program

    def boom(*a, **k):
        raise AssertionError("rebuilt on a matching If-None-Match")

    monkeypatch.setattr(program, "build_program", boom)
    again = client.get(WALL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_etag_moves_with_content(demo_app, client, clock):
    before = client.get(WALL).headers["ETag"]
    publish_item(clock.now() - timedelta(minutes=1), "新公开的党费使用情况")
    r = client.get(WALL, headers={"If-None-Match": before})
    assert r.status_code == 200 and r.headers["ETag"] != before
    titles = [e["title"] for e in r.get_json()["entries"]]
    assert "新公开的党费使用情况" in titles


def test_etag_moves_at_a_daypart_edge(demo_app, client, clock):
    # 10:00 in the hall: the weekday noon daypart (12:00–14:00) is the next edge.
    morning = client.get(WALL)
    assert morning.get_json()["playlist"]["name"] == "大屏日常轮播"
    clock.advance(hours=2)
    noon = client.get(WALL, headers={"If-None-Match": morning.headers["ETag"]})
    assert noon.status_code == 200
    assert noon.get_json()["playlist"]["name"] == "午间办事指南"
    assert noon.get_json()["mode"] == "scheduled"


def test_only_public_content_plays(demo_app, client, clock):
    internal = publish_item(clock.now() - timedelta(minutes=1), "党内通报事项", scope="party")
    wall = db.session.execute(select(Terminal).where(Terminal.code == "wall-1")).scalar_one()
    playlist = Playlist(name="测试", hall_id=wall.hall_id)
    playlist.entries.append(PlaylistEntry(kind="item_headline", params={"item_id": internal.id}))
    playlist.entries.append(PlaylistEntry(kind="rule", params={"rule": "newest_items"}))
    db.session.add(playlist)
    db.session.flush()
    db.session.add(RotationSchedule(playlist_id=playlist.id, terminal_id=wall.id, priority=99))
    db.session.commit()
    program = client.get(WALL).get_json()
    assert program["playlist"]["name"] == "测试"
    titles = [e["title"] for e in program["entries"]]
    assert titles and "党内通报事项" not in titles
    public = {i.title for i in db.session.execute(select(Item)).scalars() if i.scope == "public"}
    assert set(titles) <= public


def test_urgent_notice_takes_over_and_leaves(demo_app, client, clock):
    before = client.get(WALL)
    notice = make_urgent(clock.now(), "大厅临时停电，暂停办理", hours=1)
    during = client.get(WALL, headers={"If-None-Match": before.headers["ETag"]}).get_json()
    assert during["mode"] == "urgent" and during["urgent"] == [notice.id]
    assert during["entries"][0]["title"] == "大厅临时停电，暂停办理"
    clock.advance(hours=1)
    after = client.get(WALL).get_json()
    assert after["mode"] == "default" and after["urgent"] == []


def test_urgent_notice_for_another_group_or_surface_does_not_take_over(demo_app, client, clock):
    make_urgent(clock.now(), "只在条屏", on_wall=False)
    assert client.get(WALL).get_json()["mode"] != "urgent"
    led = client.get("/display/led/led-1.json?token=demo-led-token").get_json()
    assert "只在条屏" in led["text"]


def test_terminal_changes_move_its_etag(demo_app, client):
    before = client.get(WALL).headers["ETag"]
    wall = db.session.execute(select(Terminal).where(Terminal.code == "wall-1")).scalar_one()
    wall.groups = []
    db.session.commit()
    after = client.get(WALL, headers={"If-None-Match": before})
    assert after.status_code == 200


def test_wall_page_fits_and_carries_no_token_in_links(demo_app, client):
    r = client.get("/display/wall-1?token=demo-wall-token")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "player.js" in html
    assert "demo-wall-token" not in html
    assert "http://" not in html and "https://" not in html


def test_a_kiosk_code_is_not_a_screen(demo_app, client):
    make_terminal("kiosk-9", "kiosk", token="k")
    assert client.get("/display/kiosk-9/program.json?token=k").status_code == 404
