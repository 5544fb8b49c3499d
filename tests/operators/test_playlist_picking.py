"""Playlists built by picking content by title: the search answers titles of the
playlist's hall only, a typed title of another hall or of nothing is refused
beside the field with what was typed kept, and entries read as kind and title."""

from __future__ import annotations

import re

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Item, Playlist, PlaylistEntry
from demo import DEMO_HALL2_ITEM

OWN_TITLE = "机关党委及各党支部组织设置情况"


def first_playlist() -> Playlist:
    return db.session.execute(select(Playlist).order_by(Playlist.id)).scalars().first()


def error_of(page: str) -> str:
    found = re.search(
        r'id="ref_title"[^>]*>\s*(?:<div class="hint">[^<]*</div>\s*)?'
        r'<div class="field-error">([^<]+)</div>',
        page,
    )
    return found.group(1) if found else ""


def test_search_finds_titles_of_the_playlists_hall_only(operator):
    playlist = first_playlist()
    url = f"/admin/display/playlists/{playlist.id}/search"
    found = operator.get(url, query_string={"kind": "item_headline", "q": "组织设置"}).json
    assert [r["title"] for r in found["results"]] == [OWN_TITLE]
    thumb = operator.get(found["results"][0]["thumb"])
    assert thumb.status_code == 200 and thumb.mimetype == "image/png"
    other = operator.get(url, query_string={"kind": "item_headline", "q": "东区"}).json
    assert other["results"] == []


def test_picking_by_title_adds_the_entry_and_lists_it_by_kind_and_title(operator):
    playlist = first_playlist()
    before = len(playlist.entries)
    r = operator.post(
        f"/admin/display/playlists/{playlist.id}/entries",
        data={"kind": "item_headline", "ref_title": OWN_TITLE, "duration_seconds": "9"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    entry = first_playlist().entries[-1]
    assert len(first_playlist().entries) == before + 1 and entry.duration_seconds == 9
    page = operator.get(f"/admin/display/playlists/{playlist.id}").get_data(as_text=True)
    assert "公开事项标题" in page and OWN_TITLE in page
    assert "item_id" not in page and "\\u" not in page and "{&#34;" not in page


def test_another_halls_title_and_a_missing_title_are_refused_and_kept(operator):
    playlist = first_playlist()
    count = len(playlist.entries)
    other = db.session.execute(select(Item).where(Item.title == DEMO_HALL2_ITEM)).scalar_one()
    for data, message in (
        ({"ref_title": DEMO_HALL2_ITEM}, "属于其他大厅"),
        ({"ref_title": DEMO_HALL2_ITEM, "ref_id": str(other.id)}, "属于其他大厅"),
        ({"ref_title": "不存在的标题"}, "没有标题为“不存在的标题”的公开事项"),
    ):
        r = operator.post(
            f"/admin/display/playlists/{playlist.id}/entries",
            data={"kind": "item_headline", "duration_seconds": "7", **data},
        )
        page = r.get_data(as_text=True)
        assert r.status_code == 422
        assert message in error_of(page), page[page.find("ref_title") - 200 :][:800]
        assert f'value="{data["ref_title"]}"' in page and 'value="7"' in page
    db.session.expire_all()
    assert len(first_playlist().entries) == count


def test_an_entry_whose_content_was_archived_says_so(operator):
    playlist = first_playlist()
    item = db.session.execute(select(Item).where(Item.title == OWN_TITLE)).scalar_one()
    playlist.entries.append(PlaylistEntry(kind="item_headline", params={"item_id": item.id}))
    item.state = "archived"
    db.session.commit()
    page = operator.get(f"/admin/display/playlists/{playlist.id}").get_data(as_text=True)
    assert "已归档，不会播放" in page


def test_dragged_order_is_saved_and_a_stale_order_refused(operator):
    playlist = first_playlist()
    ids = [e.id for e in playlist.entries]
    assert len(ids) >= 2
    url = f"/admin/display/playlists/{playlist.id}/order"
    operator.post(url, data={"order": ",".join(map(str, reversed(ids)))})
    db.session.expire_all()
    assert [e.id for e in first_playlist().entries] == ids[::-1]
    r = operator.post(url, data={"order": "1,x"}, follow_redirects=True)
    assert "节目顺序没有保存" in r.get_data(as_text=True)
