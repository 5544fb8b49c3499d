"""Every /api/v1 route, called over HTTP on a real waitress server, answers what the
OpenAPI document says it answers: the status is documented and the body validates
against the documented schema (formats checked). A route with no call here, or
missing from the document, fails the test."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from jsonschema import Draft202012Validator
from sqlalchemy import select

from content_feed.clock import SystemClock
from content_feed.db import db
from content_feed.models import (
    Inquiry,
    Playlist,
    PlaylistEntry,
    RotationSchedule,
    Terminal,
    TerminalGroup,
)
from content_feed.public_now import public_guides, public_items, public_slogans
from inquiries.handling import reply
from tests.builders import ONE_PIXEL_PNG, make_meeting, make_terminal, make_urgent, staff

KIOSK = {"X-Terminal-Token": "demo-kiosk-token"}
WALL = {"headers": {"X-Terminal-Token": "demo-wall-token"}}
LED = {"headers": {"X-Terminal-Token": "demo-led-token"}}
WALL_2 = {"headers": {"X-Terminal-Token": "wall-2-token"}}
PNG_WALL = {"headers": {"X-Terminal-Token": "demo-wall-token", "Content-Type": "image/png"}}
SHOT = ONE_PIXEL_PNG  # what a wall uploads on a 截图 command, only larger
# No header at all (requests drops a None header): the token in the URL only.
NO_HEADER = {"headers": {"X-Terminal-Token": None}}
PLAY = {"key": "e1-0", "title": "标题", "started_at": "2026-11-17T01:00:00Z", "duration": 10}


def key() -> str:
    return f"k-{uuid.uuid4().hex[:20]}"


def question(**fields) -> dict:
    return {
        "terminal": "kiosk-1",
        "idempotency_key": key(),
        "kind": "question",
        "text": "请问办理不动产登记要带什么材料？电话13812345678",
        "name": "张三",
        "phone": "13812345678",
        **fields,
    }


def rating(**fields) -> dict:
    return {
        "terminal": "kiosk-1",
        "idempotency_key": key(),
        "level": 1,
        "phone": "13812345678",
        **fields,
    }


def terminal(code: str) -> Terminal:
    return db.session.execute(select(Terminal).where(Terminal.code == code)).scalar_one()


def urgent_for_some(at) -> None:
    """An urgent notice for wall-1 and kiosk-1 only: wall-2 plays its default
    playlist meanwhile, so a wall's program is seen in both modes."""
    wall, kiosk = terminal("wall-1"), terminal("kiosk-1")
    group = TerminalGroup(name="紧急通知对象", hall_id=wall.hall_id)
    wall.groups.append(group)
    kiosk.groups.append(group)
    db.session.commit()
    make_urgent(at, group_id=group.id)
    other = make_terminal("wall-2", "wall", hall=wall.hall, token="wall-2-token")
    daily = db.session.execute(select(Playlist).where(Playlist.name == "大屏日常轮播")).scalar()
    db.session.add(RotationSchedule(playlist_id=daily.id, terminal_id=other.id, is_default=True))
    db.session.commit()


def every_entry_kind(at, meeting) -> None:
    """The LED strip plays a playlist with an entry of every kind (the demo's have
    no full item page, image or slogan entry)."""
    led = terminal("led-1")
    hall = led.hall_id
    item = db.session.execute(public_items(at, hall_id=hall, surface="led").limit(1)).scalar()
    guide = db.session.execute(public_guides(at, hall_id=hall).limit(1)).scalar()
    slogan = db.session.execute(public_slogans(at, hall_id=hall).limit(1)).scalar()
    playlist = Playlist(name="各类条目", hall_id=hall)
    for kind, params in (
        ("item_headline", {"item_id": item.id}),
        ("item_page", {"item_id": item.id}),
        ("guide", {"guide_id": guide.id}),
        ("slogan", {"slogan_id": slogan.id}),
        ("meeting", {"meeting_id": meeting.id}),
        ("qr_card", {"url": "https://example.test/x", "title": "扫码"}),
        ("image", {"url": "/static/hall.png", "title": "大厅"}),
        ("rule", {"rule": "slogans", "limit": 2}),
    ):
        # Approved, as an operator's QR card or picture must be before it plays.
        playlist.entries.append(
            PlaylistEntry(kind=kind, params=params, duration_seconds=5, published_at=at)
        )
    db.session.add(playlist)
    db.session.flush()
    db.session.add(RotationSchedule(playlist_id=playlist.id, terminal_id=led.id, priority=99))
    db.session.commit()


@pytest.fixture
def world(live_server):
    """The demo hall with what the demo lacks: an urgent notice (for some terminals
    only, so both modes of a program are seen), a meeting, a public answer, a bad
    rating under follow-up, a playlist with every kind of entry."""
    app, url = live_server.app, live_server.url
    at = SystemClock().now()
    with app.app_context():
        urgent_for_some(at)
        every_entry_kind(at, make_meeting(at))
        connect_queue_system()
    # One answer in the asker's words (with consent), one rewritten by the handler.
    asked = requests.post(
        f"{url}/api/v1/inquiries", json=question(public_consent=True), headers=KIOSK
    ).json()
    private = requests.post(f"{url}/api/v1/inquiries", json=question(), headers=KIOSK).json()
    rated = requests.post(f"{url}/api/v1/ratings", json=rating(), headers=KIOSK).json()
    with app.app_context():
        for number, rewritten in ((asked["receipt_no"], ""), (private["receipt_no"], "所需材料？")):
            inq = db.session.execute(
                select(Inquiry).where(Inquiry.receipt_no == number)
            ).scalar_one()
            reply(
                db.session,
                inq,
                staff()["handler"],
                at,
                text="请带身份证原件。",
                public=True,
                public_question=rewritten,
            )
        db.session.commit()
    return live_server, asked["receipt_no"], rated["receipt_no"]


def connect_queue_system() -> None:
    """The demo hall's queue system (calling/) gets its token."""
    from calling.models import CallingHall
    from content_feed.models import Hall
    from content_feed.terminals import hash_token

    hall = db.session.execute(select(Hall).where(Hall.code == "hall-1")).scalar_one()
    db.session.add(CallingHall(hall_id=hall.id, token_hash=hash_token("queue-token")))
    db.session.commit()


def queue_event(**fields) -> dict:
    event = {"event_id": key(), "type": "call", "window": "3", "ticket": "A001"}
    return {**event, "occurred_at": "2026-11-17T02:00:05Z", **fields}


QUEUE = {"headers": {"X-Queue-Token": "queue-token"}}
PUSH = {"Authorization": "Bearer wrong", "Content-Type": "application/cap+xml"}


def calls(url: str, inquiry_no: str, rating_no: str, first: dict) -> dict:
    """(method, documented path) → the requests that exercise it: (url, options)."""
    api = f"{url}/api/v1"
    return {
        ("GET", "/api/v1/catalogue"): [
            (f"{api}/catalogue", {}),
            (f"{api}/catalogue?surface=x", {}),
        ],
        ("GET", "/api/v1/halls"): [(f"{api}/halls", {}), (f"{api}/halls?page=1", {})],
        ("GET", "/api/v1/items"): [
            (f"{api}/items?hall=hall-1&surface=kiosk&per_page=5", {}),
            (f"{api}/items?page=0", {}),
            (f"{api}/items?hall=nowhere", {}),
        ],
        ("GET", "/api/v1/items/{item_id}"): [
            (f"{api}/items/{first['item']}", {}),
            (f"{api}/items/999999", {}),
        ],
        ("GET", "/api/v1/guides"): [(f"{api}/guides?hall=hall-1", {})],
        ("GET", "/api/v1/guides/{guide_id}"): [(f"{api}/guides/{first['guide']}", {})],
        ("GET", "/api/v1/meetings"): [(f"{api}/meetings", {})],
        ("GET", "/api/v1/slogans"): [(f"{api}/slogans?hall=hall-1", {})],
        ("GET", "/api/v1/urgent-notices"): [(f"{api}/urgent-notices?surface=wall", {})],
        ("GET", "/api/v1/answers"): [
            (f"{api}/answers?hall=hall-1&per_page=10", {}),
            (f"{api}/answers?per_page=101", {}),
        ],
        ("GET", "/api/v1/search"): [
            # Guides, windows and items: every kind of hit.
            (f"{api}/search?q=bdc&per_page=50", {}),
            (f"{api}/search?q=窗口", {}),
            (f"{api}/search?q=党费&page=2&per_page=1", {}),
            (f"{api}/search?q=", {}),
            (f"{api}/search?q=党&page=51", {}),
        ],
        ("GET", "/api/v1/inquiries/{receipt_no}"): [
            (f"{api}/inquiries/{inquiry_no}", {}),
            (f"{api}/inquiries/{rating_no.lower()}", {}),
            (f"{api}/inquiries/WX-AAAA-BBBB-CCCC", {}),
        ],
        ("GET", "/api/v1/ledger-summary"): [(f"{api}/ledger-summary", {})],
        ("GET", "/api/v1/openapi.json"): [(f"{api}/openapi.json", {})],
        # The demo has no alert feed: a push is refused (tests/alerts push for real).
        ("POST", "/alerts/feeds/{feed_id}/cap"): [
            (f"{url}/alerts/feeds/1/cap", {"data": "<alert/>", "headers": PUSH})
        ],
        ("POST", "/api/v1/inquiries"): [
            (f"{api}/inquiries", {"json": question()}),
            (f"{api}/inquiries", {"json": question(text=["不是文字"], kind="gossip")}),
            (f"{api}/inquiries", {"data": "text", "headers": {"Content-Type": "text/plain"}}),
        ],
        ("POST", "/api/v1/ratings"): [
            (f"{api}/ratings", {"json": rating(level=5, target="hall")}),
            (f"{api}/ratings", {"json": rating(level=True)}),
        ],
        ("POST", "/api/v1/refused-submissions"): [
            (
                f"{api}/refused-submissions",
                {
                    "json": {
                        "terminal": "kiosk-1",
                        "kind": "inquiries",
                        "body": question(),
                        "errors": {"item_id": "该事项不在征求意见期内"},
                        "queued_at": "2026-11-17T01:00:00Z",
                    }
                },
            ),
            (f"{api}/refused-submissions", {"json": {"terminal": "kiosk-1", "kind": "x"}}),
        ],
        ("POST", "/display/{code}/heartbeat"): [
            (
                f"{url}/display/wall-1/heartbeat",
                {"json": {"version": "1", "program": "大屏日常轮播", "entry": "item-1"}, **WALL},
            ),
            (f"{url}/display/wall-1/heartbeat", {"json": {"entry": {"x": 1}}, **WALL}),
            (f"{url}/display/wall-1/heartbeat", {"json": {}, "headers": {"X-Terminal-Token": "x"}}),
        ],
        ("POST", "/display/{code}/ack"): [
            (f"{url}/display/wall-1/ack", {"json": {"notice_id": first["urgent"]}, **WALL}),
            (f"{url}/display/wall-1/ack", {"json": {"notice_id": "1"}, **WALL}),
            (f"{url}/display/wall-1/ack", {"json": {"notice_id": 999999}, **WALL}),
        ],
        ("POST", "/display/{code}/screenshot"): [
            (f"{url}/display/wall-1/screenshot", {"data": SHOT, **PNG_WALL}),
            (f"{url}/display/wall-1/screenshot", {"data": SHOT[:40], **PNG_WALL}),
            (f"{url}/display/wall-1/screenshot", {"data": b"GIF89a", **PNG_WALL}),
        ],
        ("POST", "/display/{code}/plays"): [
            (
                f"{url}/display/wall-1/plays",
                {"json": {"batch_key": key(), "plays": [PLAY, {**PLAY, "duration": 3.5}]}, **WALL},
            ),
            (f"{url}/display/wall-1/plays", {"json": {"batch_key": "x", "plays": [{}]}, **WALL}),
            (
                f"{url}/display/wall-1/plays",
                {"json": {"batch_key": key(), "plays": [{**PLAY, "started_at": "昨天"}]}, **WALL},
            ),
        ],
        ("POST", "/kiosk/{code}/ack"): [
            (f"{url}/kiosk/kiosk-1/ack", {"json": {"notice_id": first["urgent"]}}),
            (f"{url}/kiosk/kiosk-1/ack", {"json": {"notice_id": True}}),
            (f"{url}/kiosk/kiosk-1/ack", {"json": {"notice_id": 999999}}),
        ],
        ("GET", "/display/{code}/program.json"): [
            (f"{url}/display/wall-1/program.json", WALL),  # urgent mode
            (f"{url}/display/wall-2/program.json", WALL_2),  # its default playlist
            (f"{url}/display/led-1/program.json", LED),  # scheduled: every entry kind
            (f"{url}/display/led-1/program.json?token=demo-led-token", NO_HEADER),
            (f"{url}/display/wall-1/program.json", {"headers": {"X-Terminal-Token": "x"}}),
            (f"{url}/display/led-1/program.json", WALL),  # another screen's token
            (f"{url}/display/wall-1/program.json?page=1", WALL),
        ],
        ("GET", "/display/led/{code}.{fmt}"): [
            (f"{url}/display/led/led-1.txt", LED),
            (f"{url}/display/led/led-1.json", LED),
            (f"{url}/display/led/led-1.png?token=demo-led-token", NO_HEADER),
            (f"{url}/display/led/led-1.bmp", LED),
            (f"{url}/display/led/led-1.gif", LED),
            (f"{url}/display/led/led-1.txt", WALL),  # a wall is no strip
            (f"{url}/display/led/led-1.jpg", LED),
            (f"{url}/display/led/led-1.txt?x=1", LED),
        ],
        ("GET", "/kiosk/{code}/bundle.json"): [
            (f"{url}/kiosk/kiosk-1/bundle.json", {}),
            (f"{url}/kiosk/kiosk-1/bundle.json", {"headers": {"X-Terminal-Token": "x"}}),
            (f"{url}/kiosk/kiosk-1/bundle.json", WALL),
            (f"{url}/kiosk/kiosk-1/bundle.json?x=1", {}),
        ],
        ("GET", "/kiosk/{code}/urgent.json"): [
            (f"{url}/kiosk/kiosk-1/urgent.json", {}),
            (f"{url}/kiosk/kiosk-1/urgent.json", {"headers": {"X-Terminal-Token": "x"}}),
            (f"{url}/kiosk/kiosk-1/urgent.json", WALL),
            (f"{url}/kiosk/kiosk-1/urgent.json?x=1", {}),
        ],
        ("POST", "/api/v1/calling/{hall}/events"): [
            (f"{api}/calling/hall-1/events", {"json": queue_event(), **QUEUE}),
            (f"{api}/calling/hall-1/events", {"json": queue_event(window="99"), **QUEUE}),
            (f"{api}/calling/hall-1/events", {"json": queue_event(type="x"), **QUEUE}),
            (f"{api}/calling/hall-1/events", {"json": queue_event()}),
            (f"{api}/calling/hall-1/events", {"data": "x", **QUEUE}),
        ],
        ("GET", "/calling/screens/{code}/calls.json"): [
            (f"{url}/calling/screens/wall-1/calls.json", WALL),
            (f"{url}/calling/screens/kiosk-1/calls.json", {}),
            (f"{url}/calling/screens/wall-1/calls.json", {"headers": {"X-Terminal-Token": "x"}}),
            (f"{url}/calling/screens/wall-1/calls.json?x=1", WALL),
        ],
        ("POST", "/api/v1/heartbeat"): [
            (f"{api}/heartbeat", {"json": {"terminal": "kiosk-1", "page": "#/", "version": "1"}}),
            (f"{api}/heartbeat", {"json": {"terminal": "kiosk-1", "page": ["#/"]}}),
            (f"{api}/heartbeat", {"json": {"terminal": "nobody"}}),
        ],
    }


def response_schema(doc: dict, operation: dict, status: int, media: str) -> dict:
    answer = operation["responses"].get(str(status))
    assert answer is not None, f"status {status} is not documented"
    if "$ref" in answer:
        answer = doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    assert media in answer.get("content", {}), f"{media} is not documented for {status}"
    # None: bytes (an LED frame), documented by their media type alone.
    return answer["content"][media].get("schema")


def validator(doc: dict, schema: dict) -> Draft202012Validator:
    # The document's components travel along, so every $ref resolves.
    return Draft202012Validator(
        {**schema, "components": doc["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def documented_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_every_route_answers_its_documented_schema(world):
    server, inquiry_no, rating_no = world
    url = server.url
    doc = requests.get(f"{url}/api/v1/openapi.json").json()
    first = {
        "item": requests.get(f"{url}/api/v1/items").json()["items"][0]["id"],
        "guide": requests.get(f"{url}/api/v1/guides").json()["guides"][0]["id"],
        # The world's notice is for a group (wall-1, kiosk-1): the public list has none.
        "urgent": requests.get(f"{url}/kiosk/kiosk-1/urgent.json", headers=KIOSK).json()[
            "urgent_notices"
        ][0]["id"],
    }
    table = calls(url, inquiry_no, rating_no, first)
    # Every /api/v1 route, and the terminal routes the document describes.
    routes = {
        (method, documented_path(rule.rule))
        for rule in server.app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") or documented_path(rule.rule) in doc["paths"]
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - set(table) == set(), "routes with no call in this test"
    assert set(table) - routes == set(), "calls of routes that do not exist"
    seen_statuses = set()
    bodies: dict[tuple, list] = {}
    for method, path in sorted(routes):
        assert path in doc["paths"], f"{path} is not in the OpenAPI document"
        operation = doc["paths"][path].get(method.lower())
        assert operation is not None, f"{method} {path} is not documented"
        for address, options in table[(method, path)]:
            options = {**options, "headers": {**KIOSK, **options.get("headers", {})}}
            r = requests.request(method, address, timeout=10, **options)
            where = f"{method} {address} → {r.status_code}"
            seen_statuses.add((method, path, r.status_code))
            if not r.content:  # a terminal refused: an empty answer, documented so
                assert r.status_code == 404 and "content" not in operation["responses"]["404"]
                continue
            media = r.headers["Content-Type"].split(";")[0]
            schema = response_schema(doc, operation, r.status_code, media)
            if media.startswith("image/"):
                assert schema is None, f"{where}: {media} is bytes, no JSON schema"
                body = r.content
            else:
                body = r.text if media.startswith("text/") else r.json()
                errors = sorted(validator(doc, schema).iter_errors(body), key=str)
                assert not errors, f"{where}: {errors[0].message[:300]} at {list(errors[0].path)}"
            bodies.setdefault((method, path, r.status_code), []).append((r, body))
            if media == "application/problem+json":
                assert r.json()["title"] and not r.json()["title"].isascii(), where
            if "json" in options and r.status_code < 300:
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                assert not list(validator(doc, body).iter_errors(options["json"])), where
            etag = r.headers.get("ETag")
            if (
                method == "GET"
                and etag
                and "ETag" in operation["responses"]["200"].get("headers", {})
            ):
                again = requests.get(
                    address, headers={**options["headers"], "If-None-Match": etag}, timeout=10
                )
                assert "304" in operation["responses"], where
                # (An LED frame's ETag is the frame's: the loop may have moved on.)
                if not (again.status_code == 200 and "X-Frame-Index" in again.headers):
                    assert again.status_code == 304, where
    # Every kind of answer came back at least once: receipts of both kinds, problems.
    assert ("POST", "/api/v1/inquiries", 201) in seen_statuses
    assert ("POST", "/api/v1/inquiries", 422) in seen_statuses
    assert ("POST", "/api/v1/refused-submissions", 201) in seen_statuses
    assert ("POST", "/api/v1/heartbeat", 401) in seen_statuses
    assert ("POST", "/display/{code}/heartbeat", 422) in seen_statuses
    assert {("POST", "/display/{code}/ack", s) for s in (200, 400, 409)} <= seen_statuses
    assert {("POST", "/kiosk/{code}/ack", s) for s in (200, 400, 409)} <= seen_statuses
    program, led, bundle = (
        ("GET", "/display/{code}/program.json"),
        ("GET", "/display/led/{code}.{fmt}"),
        ("GET", "/kiosk/{code}/bundle.json"),
    )
    assert {(*program, s) for s in (200, 400, 404)} <= seen_statuses
    assert {(*led, s) for s in (200, 400, 404)} <= seen_statuses
    assert {(*bundle, s) for s in (200, 400, 401)} <= seen_statuses
    # Both modes of a program, every documented kind of entry, the version as ETag.
    programs = [body for _, body in bodies[(*program, 200)]]
    assert {(p["terminal"]["kind"], p["mode"]) for p in programs} == {
        ("wall", "urgent"),
        ("wall", "default"),
        ("led", "scheduled"),
    }
    mapping = doc["components"]["schemas"]["Program"]["properties"]["entries"]["items"]
    kinds = set(mapping["discriminator"]["mapping"])
    assert {e["kind"] for p in programs for e in p["entries"]} == kinds
    for r, body in bodies[(*program, 200)]:
        assert r.headers["ETag"] == f'"{body["version"]}"'
    media = {r.headers["Content-Type"].split(";")[0] for r, _ in bodies[(*led, 200)]}
    assert media == {"image/png", "image/bmp", "image/gif", "text/plain", "application/json"}


def test_the_validation_here_catches_a_wrong_answer(world):
    """The check above can fail: a body off its schema does not validate."""
    server, inquiry_no, _ = world
    doc = requests.get(f"{server.url}/api/v1/openapi.json").json()
    progress = requests.get(f"{server.url}/api/v1/inquiries/{inquiry_no}").json()
    schema = response_schema(
        doc, doc["paths"]["/api/v1/inquiries/{receipt_no}"]["get"], 200, "application/json"
    )
    assert not list(validator(doc, schema).iter_errors(progress))
    for broken in (
        {k: v for k, v in progress.items() if k != "state_label"},
        {**progress, "received_at": "yesterday"},
        {**progress, "kind": "rating"},
        {**progress, "surplus": 1},
    ):
        assert list(validator(doc, schema).iter_errors(broken)), broken
    halls = requests.get(f"{server.url}/api/v1/halls").json()
    schema = response_schema(doc, doc["paths"]["/api/v1/halls"]["get"], 200, "application/json")
    assert not list(validator(doc, schema).iter_errors(halls))
    halls["halls"][0]["windows"][0]["number"] = 7
    assert list(validator(doc, schema).iter_errors(halls))
    # A screen's program: a key nobody declared, in it or in an entry, is refused.
    program = requests.get(f"{server.url}/display/wall-1/program.json", **WALL).json()
    operation = doc["paths"]["/display/{code}/program.json"]["get"]
    schema = response_schema(doc, operation, 200, "application/json")
    assert not list(validator(doc, schema).iter_errors(program))
    entry = program["entries"][0]
    for broken in (
        {**program, "surplus": 1},
        {**program, "entries": [{**entry, "surplus": 1}]},
        {**program, "entries": [{**entry, "kind": "video"}]},
        {**program, "entries": [{k: v for k, v in entry.items() if k != "notice_id"}]},
        {**program, "mode": "maybe"},
    ):
        assert list(validator(doc, schema).iter_errors(broken)), broken


def test_a_rating_receipt_reads_the_same_on_the_api_and_the_kiosk_page(world):
    """One progress view: the state the API labels is the state the page shows."""
    server, _, rating_no = world
    body = requests.get(f"{server.url}/api/v1/inquiries/{rating_no}").json()
    assert (body["kind"], body["state"], body["state_label"]) == (
        "rating",
        "follow_up",
        "回访整改中",
    )
    assert body["phone"] == "138****5678"
    page = requests.get(f"{server.url}/kiosk/receipts/{rating_no}").text
    assert "回访整改中" in page and "非常不满意" in page and "13812345678" not in page
