"""Every console route, walked by a user of another hall: 404 for the other
hall's rows, 403 for city-level pages, lists without the other hall's rows, and
nothing of the other hall (or of the whole city) changed by anything posted.

Routes are taken from ``app.url_map``: a console route this file does not
classify fails the test, so a page added later is walked too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from content_feed.db import db
from tests.builders import city_world
from web import hall_scope

MARKERS = ("西城", "xicheng", "XICHENG")

# Sign-in and sign-out are not pages of a hall.
SESSION = {"admin.login", "admin.login_totp", "admin.logout", "admin.static"}
# The signed-in user's own account.
OWN = {"admin.account", "admin.account_totp", "admin.account_totp_off"}
# Which row of a hall each route's id argument names, where the name alone does not say.
NOTICE = {
    "admin.meeting_edit": "meeting",
    "admin.meeting_publish": "meeting",
    "admin.meeting_withdraw": "meeting",
    "admin.urgent_edit": "urgent",
    "admin.urgent_cancel": "urgent",
    "display_console.urgent_status": "urgent",
    "display_console.meeting_thumb": "meeting",
}
ARGUMENT = {
    "item_id": "item",
    "attachment_id": "attachment",
    "guide_id": "guide",
    "revision_id": "guide_revision",
    "import_id": "guide_import",
    "slogan_id": "slogan",
    "playlist_id": "playlist",
    "entry_id": "entry",
    "schedule_id": "schedule",
    "inquiry_id": "inquiry",
    "rating_id": "rating",
    "refused_id": "refused",
}
# Routes whose terminal is an LED strip (its controller card); the others take a wall.
LED_ROUTES = {
    "display_console.led_delivery",
    "display_console.led_ping",
    "display_console.led_pattern",
}
CITY_ONLY_ARGS = {"category_id", "hall_id", "window_id", "user_id", "grant_id"}


def console_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule == "/admin" or rule.rule.startswith("/admin/"):
            yield rule


def test_every_console_route_is_in_a_hall_scoped_blueprint(app):
    """Hall scope applies to views of blueprints marked as consoles
    (web.hall_scope.console_blueprint), not to a URL prefix: a console page
    under /admin in an unmarked blueprint would read every hall."""
    unmarked = {
        rule.endpoint
        for rule in console_rules(app)
        if not getattr(app.blueprints.get(rule.endpoint.rpartition(".")[0]), "hall_scoped", False)
    }
    assert unmarked == set()


def kind_of(app, rule) -> str:
    """session / own / city (403) / list / object: every console route is one."""
    view = app.view_functions[rule.endpoint]
    roles = set(getattr(view, "required_roles", None) or ())
    if rule.endpoint in SESSION:
        return "session"
    if rule.endpoint in OWN:
        return "own"
    if rule.endpoint in hall_scope.CITY_ONLY_ENDPOINTS or (roles and roles <= {"admin"}):
        return "city"
    args = set(rule.arguments) - {"fmt"}
    if args & CITY_ONLY_ARGS:
        return "city"
    if not args:
        return "list"
    unknown = args - set(ARGUMENT) - {"terminal_id", "notice_id", "action"}
    assert not unknown, f"{rule.rule}: classify its arguments {unknown} in this test"
    return "object"


def values_for(rule, world: dict) -> dict:
    values = {}
    for arg in rule.arguments:
        if arg == "fmt":
            values[arg] = "csv"
        elif arg == "action":
            values[arg] = "delete"
        elif arg == "terminal_id":
            values[arg] = world["led" if rule.endpoint in LED_ROUTES else "wall"]
        elif arg == "item_id" and rule.endpoint == "admin.item_edit":
            values[arg] = world["draft"]  # only a draft opens for editing
        elif arg == "notice_id":
            assert rule.endpoint in NOTICE, f"{rule.rule}: say in NOTICE which notice it takes"
            values[arg] = world[NOTICE[rule.endpoint]]
        else:
            values[arg] = world[ARGUMENT[arg]]
    return values


def url(app, rule, values) -> str:
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def outside(east_hall: int) -> dict:
    """Every scoped row that is not the user's hall's alone, as it is now."""
    db.session.expire_all()
    rows = {}
    for model in hall_scope.SCOPED:
        if model.__tablename__ == "ledger_entry":
            continue
        for row in db.session.execute(select(model)).scalars():
            if hall_scope.row_halls(row, hall_scope._now) <= {east_hall} and row_has_hall(row):
                continue
            columns = inspect(model).columns.keys()
            rows[(model.__tablename__, row.id)] = {c: repr(getattr(row, c)) for c in columns}
    return rows


def row_has_hall(row) -> bool:
    return bool(hall_scope.row_halls(row, hall_scope._now))


def hostile_form(west: dict) -> dict:
    """A form that names the other hall wherever a form can name a hall."""
    return {
        "hall_id": west["hall"],
        "hall_ids": [west["hall"]],
        "target": f"t:{west['wall']}",
        "playlist_id": west["playlist"],
        "group_ids": [west["group"]],
        "name": "东城新建",
        "code": "dongcheng-new",
        "kind": "wall",
        "title": "东城新建",
        "text": "东城新建",
        "note": "东城",
        "reason": "东城",
        "ref_id": west["item"],
        "state": "published",
        "scope": "all",
        "guide": [west["guide"]],
        "revision": [west["guide_revision"]],
    }


def assert_clean(response, what):
    assert response.status_code < 500, (what, response.status_code)
    body = response.get_data().decode("utf-8", "replace")  # PNG previews too
    leaked = [body[max(0, body.find(m) - 200) : body.find(m) + 20] for m in MARKERS if m in body]
    assert not leaked, (what, response.status_code, leaked)


def test_every_console_route_keeps_a_hall_user_in_their_hall(app, halls, east_client, clock):
    sweep(app, halls, east_client, clock)


def sweep(app, halls, east_client, clock, rules=None):
    """Walk ``rules`` (every console route unless told)."""
    east, west = halls["east"], halls["west"]
    city = city_world(clock.now())
    from content_feed.models import Attachment

    # The files exist, so that an attachment route answers for what it is asked.
    folder = Path(app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    for att in db.session.execute(select(Attachment)).scalars():
        (folder / att.stored_name).write_bytes(b"%PDF-1.4")
    before = outside(east["hall"])
    assert len(before) > 20  # the other hall's world is there to be protected

    kinds: dict[str, list[str]] = {}
    walked_city_wide = 0
    for rule in console_rules(app) if rules is None else rules:
        kind = kind_of(app, rule)
        kinds.setdefault(kind, []).append(rule.endpoint)
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        if kind == "session":
            continue
        if kind == "city":
            values = values_for(rule, west) if set(rule.arguments) <= set(ARGUMENT) else {}
            values = {a: values.get(a, west["hall"]) for a in rule.arguments if a != "fmt"}
            if "fmt" in rule.arguments:
                values["fmt"] = "csv"
            for method in methods:
                response = east_client.open(url(app, rule, values), method=method)
                assert response.status_code == 403, (method, rule.rule, response.status_code)
            continue
        if kind in ("list", "own"):
            target = url(app, rule, {"fmt": "csv"} if "fmt" in rule.arguments else {})
            for method in methods:
                db.session.expunge_all()  # each request reads afresh, as in a server
                data = hostile_form(west) if method == "POST" else None
                response = east_client.open(target, method=method, data=data)
                assert_clean(response, (method, rule.rule))
                if method == "GET":
                    assert response.status_code in (200, 302), (rule.rule, response.status_code)
            continue
        # An object route: the other hall's row does not exist for this user.
        for method in methods:
            db.session.expunge_all()
            data = hostile_form(west) if method == "POST" else None
            response = east_client.open(
                url(app, rule, values_for(rule, west)), method=method, data=data
            )
            assert response.status_code == 404, (method, rule.rule, response.status_code)
            assert_clean(response, (method, rule.rule))
        # A row for every hall: read, perhaps, but whatever is posted changes nothing
        # (checked with everything else at the end).
        if set(rule.arguments) - {"fmt", "action"} <= {
            a for a, k in ARGUMENT.items() if k in city
        } | ({"notice_id"} if NOTICE.get(rule.endpoint) in city else set()):
            for method in methods:
                db.session.expunge_all()
                data = hostile_form(west) | {"hall_id": east["hall"], "hall_ids": [east["hall"]]}
                response = east_client.open(
                    url(app, rule, values_for(rule, city)), method=method, data=data
                )
                assert response.status_code in (200, 302, 400, 403, 422), (
                    method,
                    rule.rule,
                    response.status_code,
                )
                assert_clean(response, (method, "city-wide", rule.rule))
                walked_city_wide += 1
        if "GET" in methods:
            # The user's own row opens, without anything of the other hall on it.
            db.session.expunge_all()
            response = east_client.get(url(app, rule, values_for(rule, east)))
            # (302: a published notice or slogan is not edited, it says so on its list)
            assert response.status_code in (200, 302), (rule.rule, response.status_code)
            assert_clean(response, ("GET own", rule.rule))

    assert outside(east["hall"]) == before
    # Every kind of route was walked, not only a few.
    assert walked_city_wide > 20
    assert len(kinds["object"]) > 40 and len(kinds["list"]) > 20 and len(kinds["city"]) > 10


@pytest.fixture(params=["leaks", "unclassified"])
def later_route(request, app):
    """A page added later: one that reads around the rule (as raw access would), or
    one whose argument the sweep does not know."""
    from admin.auth import role_required
    from content_feed.models import Inquiry

    if request.param == "leaks":

        @app.get("/admin/later-export")
        @role_required("handler")
        def later_export():
            rows = db.session.execute(select(Inquiry.text).execution_options(all_halls=True))
            return "\n".join(rows.scalars())

        return "西城问询"

    @app.get("/admin/later/<int:thing_id>")
    @role_required("handler")
    def later_thing(thing_id: int):
        return "?"

    return "classify its arguments"


def test_the_sweep_fails_a_page_that_leaks_or_that_it_cannot_classify(
    app, halls, later_route, east_client, clock
):
    # The routes the whole sweep walks, less those known to pass (the test above):
    # the page added later is among them, and fails.
    later = [rule for rule in console_rules(app) if rule.rule.startswith("/admin/later")]
    with pytest.raises(AssertionError) as failed:
        sweep(app, halls, east_client, clock, rules=later)
    assert "/admin/later" in str(failed.value) and later_route in str(failed.value)
