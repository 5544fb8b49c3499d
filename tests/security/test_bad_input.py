"""No input gives a 500: lone surrogates, deep nesting, odd bodies, CRLF in ?next=,
and a property test over every JSON endpoint."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content_feed.db import db
from tests.conftest import build_app, login
from tests.kiosk.conftest import question, rating
from tests.security.conftest import KIOSK_TOKEN, WALL_TOKEN

# (path, headers, a valid body to start from)
JSON_ENDPOINTS = [
    ("/api/v1/inquiries", KIOSK_TOKEN, question),
    ("/api/v1/ratings", KIOSK_TOKEN, rating),
    ("/api/v1/heartbeat", KIOSK_TOKEN, lambda: {"terminal": "kiosk-1", "page": "#/"}),
    ("/display/wall-1/heartbeat", WALL_TOKEN, lambda: {"version": "1", "entry": "x"}),
    ("/display/wall-1/ack", WALL_TOKEN, lambda: {"notice_id": 1}),
    ("/display/wall-1/plays", WALL_TOKEN, lambda: {"batch_key": "batch-0001", "plays": []}),
]
IDS = [e[0] for e in JSON_ENDPOINTS]


def _post(client, path, headers, raw: bytes | str):
    return client.post(path, data=raw, content_type="application/json", headers=headers)


@pytest.mark.parametrize(("path", "headers", "body"), JSON_ENDPOINTS, ids=IDS)
def test_lone_surrogates_are_a_problem_not_a_crash(demo_app, client, path, headers, body):
    raw = json.dumps(body())[:-1] + ', "note": "\\ud800"}'

    r = _post(client, path, headers, raw)
    assert r.status_code == 400, r.get_data(as_text=True)[:200]
    assert r.mimetype == "application/problem+json"
    assert "代理项" in r.get_json()["detail"]


@pytest.mark.parametrize(("path", "headers", "body"), JSON_ENDPOINTS, ids=IDS)
def test_deep_nesting_is_a_problem_not_a_crash(demo_app, client, path, headers, body):
    deep = "[" * 1000 + "]" * 1000
    raw = json.dumps(body())[:-1] + f', "x": {deep}}}'
    r = _post(client, path, headers, raw)
    assert r.status_code == 400
    assert r.mimetype == "application/problem+json"
    assert "嵌套" in r.get_json()["detail"]
    brackets = '{"a":' * 100_000 + "1" + "}" * 100_000
    assert _post(client, path, headers, brackets).status_code in (400, 413)


@pytest.mark.parametrize(("path", "headers", "body"), JSON_ENDPOINTS, ids=IDS)
def test_broken_bodies_are_problems(demo_app, client, path, headers, body):
    for raw in (b"\xff\xfe", b'{"a": ', b"[]", b'"text"', b"\xed\xa0\x80"):
        r = _post(client, path, headers, raw)
        assert r.status_code == 400, raw
        assert r.mimetype == "application/problem+json"
    r = client.post(path, data="a=b", headers=headers)
    assert r.status_code == 415


def test_control_characters_in_a_stored_submission_are_removed(demo_app, client):
    r = client.post(
        "/api/v1/inquiries", json=question(text="请问\x01\x0b材料\t清单\n谢谢"), headers=KIOSK_TOKEN
    )
    assert r.status_code == 201
    from content_feed.models import Inquiry

    assert db.session.execute(db.select(Inquiry.text)).scalar_one() == "请问材料\t清单\n谢谢"


@pytest.mark.parametrize(
    "target", ["/admin/%0d%0aX", "/admin/%0aSet-Cookie:x=1", "/\\evil.example", "/admin/\x7f"]
)
def test_next_with_control_characters_goes_home_when_signed_in(demo_app, target):
    client = demo_app.test_client()
    assert login(client, "admin", "sunlight-demo").status_code == 302
    r = client.get(f"/admin/login?next={target}")
    assert r.status_code == 302
    assert r.headers["Location"].endswith("/admin/")


# -- the property test ------------------------------------------------------------

# Any code point, lone surrogates and control characters included.
TEXT = st.text(st.characters(exclude_categories=()), max_size=40)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    from app import load_demo
    from content_feed.clock import FixedClock
    from tests.conftest import FIXED_NOW

    app = build_app(
        tmp_path_factory.mktemp("fuzz"),
        FixedClock(FIXED_NOW),
        feedback={"rate_limit_per_minute": 1_000_000},
    )
    with app.app_context():
        load_demo(db.session, FIXED_NOW)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(("path", "headers", "body"), JSON_ENDPOINTS, ids=IDS)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=4), data=st.data())
def test_any_json_gets_an_answer_below_500(fuzz_app, path, headers, body, changes, data):
    fields = body()
    # Some of the known fields get odd values too.
    for key in data.draw(st.lists(st.sampled_from(sorted(fields)), max_size=3)):
        if key != "terminal":
            fields[key] = data.draw(JSON_VALUES)
    fields.update({k: v for k, v in changes.items() if k != "terminal"})
    # NaN and Infinity are not JSON, but some clients send them: answered too.
    raw = json.dumps(fields)
    r = _post(fuzz_app.test_client(), path, headers, raw)
    assert r.status_code < 500, (path, raw[:300], r.get_data(as_text=True)[:300])


@pytest.mark.parametrize(("path", "headers", "body"), JSON_ENDPOINTS, ids=IDS)
@settings(max_examples=40, deadline=None)
@given(raw=st.binary(max_size=200) | st.text(max_size=200))
def test_any_bytes_get_an_answer_below_500(fuzz_app, path, headers, body, raw):
    r = _post(fuzz_app.test_client(), path, headers, raw)
    assert r.status_code < 500, (path, raw, r.get_data(as_text=True)[:300])
