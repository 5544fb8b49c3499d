"""Hall-scoped staff beyond the route sweep: city-wide rows are read-only to a
hall user, forms cannot move a row out of their halls, counts and exports hold
their halls only, roles count per hall, and city-level staff are unchanged."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from content_feed.db import db
from content_feed.models import (
    Guide,
    Hall,
    HallGrant,
    Inquiry,
    Item,
    LedgerEntry,
    Playlist,
    Slogan,
    Terminal,
    User,
)
from tests.builders import make_guide, make_hall_user, make_slogan, publish_item, staff
from tests.conftest import login


def client_of(app, username):
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


# -- city-wide rows ------------------------------------------------------------------


def test_city_wide_rows_are_read_only_for_a_hall_user(app, halls, east_client, clock):
    guide = make_guide(clock.now(), name="全市通用指南", code="CITY-0001", hall=None, state="draft")
    slogan = make_slogan("全市通用标语", published_at=None)
    playlist = Playlist(name="全市节目单")
    db.session.add(playlist)
    db.session.commit()
    ids = guide.id, slogan.id, playlist.id

    # Seen: their halls show it too.
    assert "全市通用指南" in east_client.get("/admin/guides").get_data(as_text=True)
    assert east_client.get(f"/admin/guides/{ids[0]}").status_code == 200
    assert "全市通用标语" in east_client.get("/admin/slogans").get_data(as_text=True)
    assert east_client.get(f"/admin/display/playlists/{ids[2]}").status_code == 200

    # Not changed, not even into their own hall: 403 and nothing stored.
    east = halls["east"]["hall"]
    response = east_client.post(f"/admin/slogans/{ids[1]}", data={"text": "改了", "hall_id": east})
    assert response.status_code == 403
    assert "市级工作人员" in response.get_data(as_text=True)
    response = east_client.post(
        f"/admin/display/playlists/{ids[2]}/entries",
        data={"kind": "qr_card", "url": "/", "duration_seconds": "10"},
    )
    assert response.status_code == 403
    response = east_client.post(f"/admin/guides/{ids[0]}/state", data={"state": "published"})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Slogan, ids[1]).text == "全市通用标语"
    assert db.session.get(Slogan, ids[1]).hall_id is None
    assert db.session.get(Playlist, ids[2]).entries == []
    assert db.session.get(Guide, ids[0]).state == "draft"
    # The session is clean after a refusal: the next change of their own goes through.
    own = halls["east"]["slogan"]
    assert east_client.post(f"/admin/slogans/{own}/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(Slogan, own).published_at is None


def test_a_city_wide_item_is_read_but_not_revised(app, halls, east_client, clock):
    item = publish_item(clock.now(), "全市通用事项")
    assert east_client.get(f"/admin/items/{item.id}").status_code == 200
    assert east_client.post(f"/admin/items/{item.id}/revise").status_code == 403
    db.session.expire_all()
    assert len(db.session.get(Item, item.id).revisions) == 1


def test_an_item_shared_with_another_hall_is_read_but_not_changed(app, halls, east_client, clock):
    both = [
        db.session.get(Hall, halls["east"]["hall"]),
        db.session.get(Hall, halls["west"]["hall"]),
    ]
    item = publish_item(clock.now(), "两厅共用事项", halls=both)
    page = east_client.get(f"/admin/items/{item.id}").get_data(as_text=True)
    assert "两厅共用事项" in page and "西城" not in page  # the other hall is not even named
    assert (
        east_client.post(f"/admin/items/{item.id}/archive", data={"reason": "过期"}).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(Item, item.id).state == "published"


# -- forms -------------------------------------------------------------------------


def test_forms_cannot_move_a_row_out_of_the_users_halls(app, halls, east_client):
    east, west = halls["east"], halls["west"]
    # A slogan of their own hall, into the other hall or into every hall (0).
    make_slogan("东城草稿标语", published_at=None, hall_id=east["hall"])
    draft = db.session.execute(select(Slogan).where(Slogan.text == "东城草稿标语")).scalar_one()
    for hall_id in (west["hall"], 0):
        page = east_client.post(
            f"/admin/slogans/{draft.id}", data={"text": "搬走", "hall_id": hall_id}
        )
        assert page.status_code == 200 and "field-error" in page.get_data(as_text=True)
    # Their form offers their own hall only, and no "every hall".
    form = east_client.get("/admin/slogans/new").get_data(as_text=True)
    assert "东城服务大厅" in form and "全部大厅" not in form
    # A terminal into the other hall.
    response = east_client.post(
        f"/admin/display/terminals/{east['wall']}",
        data={"name": "搬走", "kind": "wall", "hall_id": west["hall"]},
    )
    assert response.status_code == 422 and "服务大厅不存在" in response.get_data(as_text=True)
    # A new item must name a hall (none would mean every hall).
    page = east_client.get("/admin/items/new").get_data(as_text=True)
    assert "不选为全部" not in page
    db.session.expire_all()
    assert db.session.get(Slogan, draft.id).hall_id == east["hall"]
    assert db.session.get(Terminal, east["wall"]).hall_id == east["hall"]


def test_a_new_item_without_a_hall_is_refused_with_a_message(app, halls, east_client):
    from tests.builders import category

    cat = category()
    data = {
        "title": "没选大厅的事项",
        "domain": cat.domain,
        "category_id": cat.id,
        "scope": "public",
        "disclosure_mode": "proactive",
        "timeliness": "standing",
        "body": "正文",
    }
    page = east_client.post("/admin/items/new", data=data).get_data(as_text=True)
    assert "请选择服务大厅" in page
    response = east_client.post(
        "/admin/items/new", data={**data, "hall_ids": [halls["east"]["hall"]]}
    )
    assert response.status_code == 302
    item = db.session.execute(select(Item).where(Item.title == "没选大厅的事项")).scalar_one()
    # A draft belongs to its halls already, so its hall finds it.
    assert [h.id for h in item.halls] == [halls["east"]["hall"]]


def test_unique_codes_are_checked_across_the_city(app, halls, east_client):
    response = east_client.post(
        "/admin/display/terminals/new",
        data={
            "code": "xicheng-wall",
            "name": "重号",
            "kind": "wall",
            "hall_id": halls["east"]["hall"],
        },
    )
    assert response.status_code == 422 and "已存在" in response.get_data(as_text=True)


# -- counts and exports ------------------------------------------------------------


def test_counts_and_exports_hold_the_users_halls_only(app, halls, east_client):
    queue = east_client.get("/admin/feedback/?state=all").get_data(as_text=True)
    assert "东城问询" in queue and "西城问询" not in queue
    requests = rows_of(east_client.get("/admin/feedback/requests.csv"))
    assert len(requests) == 2  # the header and the one inquiry of 东城
    stats = rows_of(east_client.get("/admin/feedback/stats.csv"))
    city = rows_of(client_of(app, "handler").get("/admin/feedback/stats.csv"))
    assert stats != city  # the city's handler counts both halls
    assert "1" in stats[1] and "2" in city[1]
    guides = rows_of(east_client.get("/admin/guides/export.csv"))
    assert any("东城不动产登记" in c for r in guides for c in r)
    assert not any("西城" in c for r in guides for c in r)
    ledger = rows_of(east_client.get("/admin/ledger.csv"))
    assert len(ledger) > 1 and not any("西城" in c for r in ledger for c in r)
    city_ledger = rows_of(client_of(app, "admin").get("/admin/ledger.csv"))
    assert any("西城" in c for r in city_ledger for c in r)


def test_roles_count_in_the_hall_that_holds_them(app, halls):
    east = db.session.get(Hall, halls["east"]["hall"])
    west = db.session.get(Hall, halls["west"]["hall"])
    make_hall_user("mixed", {east: "drafter", west: "handler"})
    client = client_of(app, "mixed")
    items = client.get("/admin/items").get_data(as_text=True)
    assert "东城党费" in items and "西城" not in items
    queue = client.get("/admin/feedback/?state=all").get_data(as_text=True)
    assert "西城问询" in queue and "东城问询" not in queue
    # Handling an inquiry of the hall where they draft only: not theirs to handle.
    assert client.get(f"/admin/feedback/{halls['east']['inquiry']}").status_code == 404
    # Approving in a hall where they only draft: the route's role is not held there.
    assert (
        client.post(
            f"/admin/items/{halls['east']['item']}/archive", data={"reason": "x"}
        ).status_code
        == 403
    )


def test_city_level_staff_still_see_every_hall(app, halls):
    items = client_of(app, "drafter").get("/admin/items").get_data(as_text=True)
    assert "东城党费" in items and "西城党费" in items
    queue = client_of(app, "handler").get("/admin/feedback/?state=all").get_data(as_text=True)
    assert "东城问询" in queue and "西城问询" in queue


def test_an_account_with_no_role_and_no_grant_sees_nothing(app, halls):
    make_hall_user("nobody", {})
    client = client_of(app, "nobody")
    assert client.get("/admin/items").status_code == 403
    home = client.get("/admin/").get_data(as_text=True)
    assert "东城" not in home and "西城" not in home


# -- the grants page ---------------------------------------------------------------


def test_a_city_admin_grants_and_revokes_hall_roles_on_the_ledger(app, halls):
    admin = client_of(app, "admin")
    user = make_hall_user("new-staff", {})
    staff = client_of(app, "new-staff")
    assert staff.get("/admin/items").status_code == 403
    east = halls["east"]["hall"]
    page = admin.get("/admin/hall-grants").get_data(as_text=True)
    assert "new-staff" in page and ">drafter<" not in page  # city-level accounts are not offered
    response = admin.post(
        "/admin/hall-grants", data={"user_id": user.id, "hall_id": east, "roles": ["drafter"]}
    )
    assert response.status_code == 302
    grant = db.session.execute(select(HallGrant).where(HallGrant.user_id == user.id)).scalar_one()
    assert grant.roles == "drafter"
    entry = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "hall_grant.grant")
    ).scalar_one()
    assert entry.object_type == "hall_grant" and "new-staff" in entry.summary
    assert "按大厅授权" in admin.get("/admin/ledger").get_data(as_text=True)
    # The grant takes effect at once: the old session ended, a new one sees 东城 only.
    assert staff.get("/admin/items").status_code == 302
    staff = client_of(app, "new-staff")
    items = staff.get("/admin/items").get_data(as_text=True)
    assert "东城党费" in items and "西城" not in items
    # A city-wide role cannot be added beside hall grants.
    page = admin.post(
        f"/admin/users/{user.id}", data={"username": "new-staff", "roles": ["admin"], "active": "y"}
    ).get_data(as_text=True)
    assert "已按大厅授权" in page
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == ""
    # Revoked: gone, on the ledger.
    assert admin.post(f"/admin/hall-grants/{grant.id}/revoke").status_code == 302
    assert db.session.execute(select(HallGrant)).scalars().all() == []
    assert db.session.execute(
        select(LedgerEntry).where(LedgerEntry.action == "hall_grant.revoke")
    ).scalar_one()


def test_the_admin_role_and_city_level_accounts_are_not_granted(app, halls):
    people = staff()
    admin = client_of(app, "admin")
    east = halls["east"]["hall"]
    user = make_hall_user("someone", {})
    admin.post("/admin/hall-grants", data={"user_id": user.id, "hall_id": east, "roles": ["admin"]})
    admin.post(
        "/admin/hall-grants",
        data={"user_id": people["drafter"].id, "hall_id": east, "roles": ["reviewer"]},
    )
    assert db.session.execute(select(HallGrant)).scalars().all() == []


def test_inquiries_without_a_hall_are_city_level_work(app, halls, east_client):
    inquiry_id = halls["east"]["inquiry"]
    db.session.get(Inquiry, inquiry_id).hall_id = None
    db.session.commit()
    db.session.expunge_all()  # a request reads afresh, as in a server
    assert east_client.get(f"/admin/feedback/{inquiry_id}").status_code == 404


def test_counts_named_only_in_a_where_clause_are_filtered_too(app, halls, east_client, clock):
    from datetime import timedelta

    from content_feed.timefmt import local

    db.session.get(Inquiry, halls["west"]["inquiry"]).due_on = local(
        clock.now()
    ).date() - timedelta(days=3)
    db.session.commit()
    queue = east_client.get("/admin/feedback/").get_data(as_text=True)
    assert "已超期 0" in queue
    city = client_of(app, "handler").get("/admin/feedback/").get_data(as_text=True)
    assert "已超期 1" in city


def test_an_inquiry_is_assigned_only_to_handlers_who_work_in_its_hall(app, halls, east_user):
    west = db.session.get(Hall, halls["west"]["hall"])
    other = make_hall_user("west-handler", {west: "handler"})
    admin = client_of(app, "admin")  # the city administrator assigns
    inquiry_id = halls["east"]["inquiry"]
    page = admin.get(f"/admin/feedback/{inquiry_id}").get_data(as_text=True)
    choices = page.split('name="assignee"')[1].split("</select>")[0]
    assert "east-staff" in choices and "handler" in choices and "west-handler" not in choices
    admin.post(f"/admin/feedback/{inquiry_id}/assign", data={"assignee": other.id})
    db.session.expire_all()
    assert db.session.get(Inquiry, inquiry_id).assignee_id is None


def test_city_level_pages_are_not_offered_to_a_hall_user(app, halls, east_client):
    assert "批量导入" not in east_client.get("/admin/guides").get_data(as_text=True)
    assert "指南导入" not in east_client.get("/admin/").get_data(as_text=True)
    assert east_client.get("/admin/guides/imports").status_code == 403
    assert "批量导入" in client_of(app, "approver").get("/admin/guides").get_data(as_text=True)


def test_sessions_of_the_server_itself_see_every_hall(app, halls):
    """A hall user's request may be where the terminal directory reloads: that
    reload must keep every hall's terminals, or other halls' screens stop."""
    from flask_login import login_user
    from sqlalchemy.orm import Session

    user = make_hall_user("probe", {db.session.get(Hall, halls["east"]["hall"]): "operator"})
    with app.test_request_context("/admin/display/terminals"):
        login_user(user)
        assert len(db.session.execute(select(Terminal)).scalars().all()) == 3
        with Session(db.engine) as own:
            assert len(own.execute(select(Terminal)).scalars().all()) == 6


def test_a_schedule_form_offers_no_group_of_every_hall_to_a_hall_user(
    app, halls, east_client, clock
):
    from tests.builders import city_world

    city_world(clock.now())
    form = east_client.get("/admin/display/schedules/new").get_data(as_text=True)
    assert "东城分组" in form and "全市分组" not in form
    assert "全市分组" in client_of(app, "operator").get("/admin/display/schedules/new").get_data(
        as_text=True
    )
