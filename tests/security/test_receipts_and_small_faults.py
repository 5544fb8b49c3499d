"""Receipts (more entropy, readable, rate-limited look-ups, progress only) and the
small logic faults: q=%00, per_page against the OpenAPI document, Retry-After."""

from __future__ import annotations

import re

import pytest

from inquiries.receipts import new_receipt_number, normalize
from tests.kiosk.conftest import question
from tests.security.conftest import KIOSK_TOKEN

PRIVATE_TEXT = "我家住在幸福路12号，想问低保怎么申请"


def _submit(client) -> str:
    r = client.post(
        "/api/v1/inquiries",
        json=question(text=PRIVATE_TEXT, name="张三丰", phone="13812345678"),
        headers=KIOSK_TOKEN,
    )
    assert r.status_code == 201
    return r.get_json()["receipt_no"]


def test_receipt_numbers_are_grouped_readable_and_hard_to_guess():
    numbers = {new_receipt_number("question") for _ in range(2000)}
    assert len(numbers) == 2000
    for number in numbers:
        assert re.fullmatch(r"WX-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", number)
    # 12 characters of 32: 60 random bits.
    assert len(set("".join(n[3:].replace("-", "") for n in numbers))) == 32


@pytest.mark.parametrize(
    "typed",
    ["wx-7kxm-4pqr-9htw", "WX7KXM4PQR9HTW", "wx 7kxm 4pqr 9htw", " WX-7KXM-4PQR-9HTW "],
)
def test_the_normaliser_accepts_what_people_type(typed):
    assert normalize(typed) == "WX-7KXM-4PQR-9HTW"


@pytest.mark.parametrize(
    "typed", ["", "WX-7KXM-4PQR", "XX-7KXM-4PQR-9HTW", "WX-0KXM-4PQR-9HTW", "x" * 500]
)
def test_the_normaliser_refuses_what_cannot_be_a_receipt(typed):
    assert normalize(typed) is None


def test_progress_shows_no_question_text_and_masks_the_person(demo_app, client):
    number = _submit(client)
    for url in (
        f"/api/v1/inquiries/{number.lower().replace('-', '')}",
        f"/kiosk/receipts/{number}",
    ):
        r = client.get(url)
        assert r.status_code == 200, url
        body = r.get_data(as_text=True)
        assert "幸福路" not in body and "低保" not in body
        assert "13812345678" not in body and "张三丰" not in body
    status = client.get(f"/api/v1/inquiries/{number}").get_json()
    assert status["state"] == "pending" and status["phone"] == "138****5678"
    assert "text" not in status


def test_lookups_are_rate_limited_per_address(demo_app, client):
    number = _submit(client)
    guesser = demo_app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    codes = [guesser.get(f"/api/v1/inquiries/WX-AAAA-BBBB-{n:04d}").status_code for n in range(22)]
    assert codes[:20] == [404] * 20 and codes[20:] == [429, 429]
    refused = guesser.get(f"/api/v1/inquiries/{number}")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) in range(1, 61)
    assert guesser.get(f"/kiosk/receipts/{number}").status_code == 429
    # Another address is not held up.
    assert client.get(f"/api/v1/inquiries/{number}").status_code == 200


def test_a_nul_query_matches_nothing(demo_app, client):
    r = client.get("/api/v1/search?q=%00")
    assert r.status_code == 400 and r.get_json()["errors"] == {"q": "不能为空"}
    plain = client.get("/api/v1/search?q=党费").get_json()["total"]
    assert plain > 0
    assert client.get("/api/v1/search?q=党%00费").get_json()["total"] == plain


def test_search_per_page_follows_the_openapi_document(demo_app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    params = spec["paths"]["/api/v1/search"]["get"]["parameters"]
    maximum = next(
        spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["schema"]["maximum"]
        for p in params
        if "$ref" in p and p["$ref"].endswith("per_page")
    )
    assert client.get(f"/api/v1/search?q=党&per_page={maximum}").status_code == 200
    assert client.get(f"/api/v1/search?q=党&per_page={maximum + 1}").status_code == 400


def test_every_429_says_when_to_retry(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    for _ in range(31):
        r = client.post("/admin/login", data={"username": "x", "password": "wrong-password-x"})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) in range(1, 61)
