"""Odd input never reaches the database as an error: numbers too large for an
INTEGER column (in paths, query strings, JSON bodies and console forms), and
JSON infinities, get a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import login

HUGE = "9" * 30  # far past SQLite's INTEGER and PostgreSQL's int4
BIG = str(2**40)  # fits SQLite, not a PostgreSQL integer id


# These tests post console forms directly (CSRF has its own tests).
pytestmark = pytest.mark.usefixtures("csrf_off")


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        if (
            "int" in str(rule)
            and rule.arguments - {"fmt", "action"}
            and "static" not in rule.endpoint
        ):
            yield rule


def _build(app, rule, value: str) -> str:
    args = {a: ("png" if a == "fmt" else "up" if a == "action" else value) for a in rule.arguments}
    url = str(rule.rule)
    for name, v in args.items():
        url = url.replace(f"<int:{name}>", v).replace(f"<{name}>", v)
    return url


@pytest.mark.parametrize("value", [HUGE, BIG])
def test_huge_ids_in_paths_are_not_found_for_everyone(demo_app, value):
    client = demo_app.test_client()
    staff_client = demo_app.test_client()
    assert login(staff_client, "admin", "sunlight-demo").status_code == 302
    checked = 0
    for rule in _int_rules(demo_app):
        url = _build(demo_app, rule, value)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who in (client, staff_client):
                response = who.open(url, method=method)
                assert response.status_code < 500, (method, url, response.status_code)
                checked += 1
    assert checked > 60


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/items?page={HUGE}",
        f"/api/v1/answers?page={HUGE}",
        f"/api/v1/items?page={BIG}",
    ],
)
def test_huge_page_numbers_are_a_problem_not_a_crash(demo_app, client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"]["page"]


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/api/v1/inquiries", {"kind": "comment", "item_id": "HUGE"}),
        ("/api/v1/inquiries", {"kind": "comment", "item_id": "INF"}),
        ("/api/v1/ratings", {"level": "INF"}),
        ("/api/v1/ratings", {"level": 4, "target": "guide", "guide_id": "HUGE"}),
        ("/api/v1/ratings", {"level": 4, "target": "guide", "guide_id": "INF"}),
        ("/api/v1/ratings", {"level": 4, "target": "window", "window_id": "HUGE"}),
        ("/api/v1/ratings", {"level": 4, "target": "window", "window_id": "INF"}),
    ],
)
def test_submissions_with_out_of_range_numbers_are_refused(demo_app, client, path, fields):
    body = {"terminal": "kiosk-1", "idempotency_key": "sec-test-0001", "text": "你好"} | fields
    raw = demo_app.json.dumps(body)
    raw = raw.replace('"HUGE"', HUGE).replace('"INF"', "1e999")
    response = client.post(
        path,
        data=raw,
        content_type="application/json",
        headers={"X-Terminal-Token": "demo-kiosk-token"},
    )
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    (field,) = [k for k, v in fields.items() if v in ("HUGE", "INF")]
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/items?page={v}",
        "/admin/items?category_id={v}",
        "/admin/items/1/preview?rev={v}",
        "/admin/ledger?page={v}",
        "/admin/feedback/?page={v}",
        "/admin/display/proof-of-play?terminal={v}",
        "/admin/display/proof-of-play.csv?terminal={v}",
    ],
)
def test_console_query_numbers_out_of_range_do_not_crash(demo_app, url):
    client = demo_app.test_client()
    assert login(client, "admin", "sunlight-demo").status_code == 302
    response = client.get(url.format(v=HUGE))
    assert response.status_code < 500, response.status_code


def test_console_sort_order_out_of_range_is_a_form_error(demo_app):
    client = demo_app.test_client()
    assert login(client, "admin", "sunlight-demo").status_code == 302
    response = client.post(
        "/admin/halls/1/windows/new", data={"number": "99", "name": "新窗口", "sort_order": HUGE}
    )
    assert response.status_code == 200  # the form again, with its error
    assert "排序" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/kiosk/kiosk-1?idle=" + "9" * 5000,
        "/kiosk/kiosk-1?poll=²",
        "/qr/items/1.png?box=" + "9" * 5000,
        "/qr/guides/1.svg?box=²",
    ],
)
def test_digit_strings_python_cannot_convert_do_not_crash(demo_app, client, url):
    assert client.get(url).status_code in (200, 400, 404)


def test_a_code_with_a_control_character_is_checked_as_it_will_be_stored(demo_app):
    """The flush hook removes control characters; the form does first, so "hall-1\\x00"
    is the taken code "hall-1" (a form error), not a new one that fails at the database."""
    from sqlalchemy import func, select

    from content_feed.db import db
    from content_feed.models import Hall

    client = demo_app.test_client()
    assert login(client, "admin", "sunlight-demo").status_code == 302
    taken = db.session.execute(select(Hall.code).order_by(Hall.id)).scalars().first()
    before = db.session.execute(select(func.count(Hall.id))).scalar()
    response = client.post("/admin/halls/new", data={"code": taken + "\x00", "name": "新大厅"})
    assert response.status_code == 200
    assert "大厅代码已存在" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Hall.id))).scalar() == before


def test_a_console_form_posted_as_json_is_a_form_not_a_crash(demo_app):
    client = demo_app.test_client()
    assert login(client, "admin", "sunlight-demo").status_code == 302
    for body in ("[1, 2]", '"text"', '{"name": ["a", "b"]}'):
        response = client.post("/admin/slogans/new", data=body, content_type="application/json")
        assert response.status_code == 200, (body, response.status_code)
        assert "此项必填" in response.get_data(as_text=True)
