"""The public-now rule: scopes, windows, halls and surfaces, with a fixed clock."""

from datetime import timedelta

import pytest

from content_feed.db import db
from content_feed.public_now import (
    current_urgent_notices,
    public_item,
    public_items,
    public_meetings,
    public_slogans,
)
from tests.builders import (
    make_hall,
    make_meeting,
    make_slogan,
    make_urgent,
    publish_item,
)


def visible(now, **kw):
    return [i.title for i in db.session.execute(public_items(now, **kw)).scalars()]


@pytest.mark.parametrize("scope", ["party", "unit", "specific"])
def test_internal_scopes_never_come_out(app, clock, scope):
    item = publish_item(clock.now(), "党内事项", scope=scope)
    assert item.state == "published"
    for surface in (None, "kiosk", "wall", "led"):
        assert visible(clock.now(), surface=surface) == []
    assert public_item(db.session, item.id, clock.now()) is None


def test_public_item_is_visible_inside_its_window_only(app, clock):
    now = clock.now()
    publish_item(
        now, "限时公示", valid_from=now + timedelta(days=1), valid_until=now + timedelta(days=6)
    )
    assert visible(now) == []
    assert visible(now + timedelta(days=1)) == ["限时公示"]
    assert visible(now + timedelta(days=5, hours=23)) == ["限时公示"]
    # The end is exclusive: at the closing instant the item is gone.
    assert visible(now + timedelta(days=6)) == []


def test_unpublished_and_archived_items_are_hidden(app, clock):
    from content_feed import workflow
    from tests.builders import category, staff

    people = staff()
    cat = category()
    workflow.create_draft(
        db.session,
        people["drafter"],
        clock.now(),
        title="草稿",
        domain=cat.domain,
        category_id=cat.id,
        scope="public",
        timeliness="standing",
    )
    item = publish_item(clock.now(), "已公开")
    assert visible(clock.now()) == ["已公开"]
    workflow.archive(db.session, item, people["approver"], clock.now(), "到期")
    db.session.commit()
    assert visible(clock.now()) == []


def test_hall_targeting(app, clock):
    east, west = make_hall("east", "东厅"), make_hall("west", "西厅")
    publish_item(clock.now(), "全部大厅")
    publish_item(clock.now(), "仅东厅", halls=[east])
    assert sorted(visible(clock.now(), hall_id=east.id)) == ["仅东厅", "全部大厅"]
    assert visible(clock.now(), hall_id=west.id) == ["全部大厅"]


def test_surface_targeting(app, clock):
    publish_item(clock.now(), "只上触摸屏", on_kiosk=True, on_wall=False, on_led=False)
    assert visible(clock.now(), surface="kiosk") == ["只上触摸屏"]
    assert visible(clock.now(), surface="wall") == []
    assert visible(clock.now(), surface="led") == []


def test_unknown_surface_is_an_error(app, clock):
    with pytest.raises(ValueError):
        public_items(clock.now(), surface="billboard")


def test_single_item_lookup_agrees_with_the_list(app, clock):
    now = clock.now()
    east = make_hall("east")
    items = [
        publish_item(now, "a"),
        publish_item(now, "b", scope="party"),
        publish_item(now, "c", valid_until=now + timedelta(hours=1)),
        publish_item(now, "d", valid_from=now + timedelta(hours=1)),
        publish_item(now, "e", halls=[east]),
        publish_item(now, "f", on_led=True),
    ]
    for at in (now, now + timedelta(hours=2)):
        for surface in (None, "kiosk", "led"):
            for hall_id in (None, east.id, 999):
                listed = set(visible(at, surface=surface, hall_id=hall_id))
                one_by_one = {
                    i.title
                    for i in items
                    if public_item(db.session, i.id, at, hall_id=hall_id, surface=surface)
                }
                assert listed == one_by_one, (at, surface, hall_id)


def test_meetings_show_from_publication_until_the_meeting_ends(app, clock):
    now = clock.now()
    make_meeting(now, days_ahead=10)
    assert len(db.session.execute(public_meetings(now)).all()) == 1
    assert db.session.execute(public_meetings(now - timedelta(minutes=1))).all() == []
    after = now + timedelta(days=10, hours=2)
    assert db.session.execute(public_meetings(after)).all() == []


def test_party_scope_meeting_is_not_public(app, clock):
    make_meeting(clock.now(), scope="party")
    assert db.session.execute(public_meetings(clock.now())).all() == []


def test_slogans_and_urgent_notices_follow_their_windows(app, clock):
    now = clock.now()
    make_slogan("长期标语")
    make_slogan("过期标语", valid_until=now - timedelta(days=1))
    make_slogan("停用标语", active=False)
    assert [s.text for s in db.session.execute(public_slogans(now)).scalars()] == ["长期标语"]
    make_urgent(now, hours=1, on_led=False)
    assert (
        len(db.session.execute(current_urgent_notices(now, surface="wall", group_ids=())).all())
        == 1
    )
    assert db.session.execute(current_urgent_notices(now, surface="led", group_ids=())).all() == []
    later = now + timedelta(hours=1)
    assert db.session.execute(current_urgent_notices(later, group_ids=())).all() == []
