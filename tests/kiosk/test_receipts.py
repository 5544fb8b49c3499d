"""Receipt numbers as typed and read: one normaliser, grouping, the 暂存号 of a queued submission."""

from __future__ import annotations

from inquiries.receipts import find_by_typed, group_receipt_no, normalize, pending_code
from inquiries.submissions import RECEIPT_ALPHABET, RECEIPT_PREFIX
from tests.kiosk.conftest import question, rating


def test_the_alphabet_has_no_lookalikes():
    letters = RECEIPT_ALPHABET + "".join(RECEIPT_PREFIX.values())
    assert not set("0O1I") & set(RECEIPT_ALPHABET)
    assert not set("OI") & set(letters)


def test_typed_numbers_are_normalised():
    assert normalize(" wx 7kxm-4pqr 9htw ") == "WX-7KXM-4PQR-9HTW"
    assert (
        normalize("ＷＸ７ＫＸＭ４ＰＱＲ９ＨＴＷ") == "WX-7KXM-4PQR-9HTW"
    )  # full-width from an IME
    assert normalize("") is None
    assert normalize("<script>") is None
    assert normalize("A" * 500) is None


def test_numbers_are_grouped_for_reading():
    assert group_receipt_no("WX-7KXM-4PQR-9HTW") == "WX 7KXM 4PQR 9HTW"
    assert normalize(group_receipt_no("WX-7KXM-4PQR-9HTW")) == "WX-7KXM-4PQR-9HTW"


def test_pending_code_comes_from_a_kiosk_key():
    assert pending_code("k-ABCDEFGH23456789ABCDEFGH23") == "ABCDEFGH"
    assert pending_code("k-0123456789abcdef") == ""  # old hex keys have none
    assert pending_code("test-key-1") == ""


def test_lookup_by_grouped_number_and_by_pending_code(demo_app, kiosk_client):
    from content_feed.db import db

    key = "k-QRSTUVWX23456789ABCDEFGH23"
    sent = kiosk_client.post("/api/v1/inquiries", json=question(idempotency_key=key)).get_json()
    assert sent["receipt_display"] == group_receipt_no(sent["receipt_no"])
    typed = sent["receipt_display"].lower()
    body = kiosk_client.get(f"/api/v1/inquiries/{typed}").get_json()
    assert body["receipt_no"] == sent["receipt_no"]
    assert body["state_label"]
    # The 暂存号 shown while it was queued finds it too, on the kiosk and on a phone.
    assert find_by_typed(db.session, "qrst uvwx").receipt_no == sent["receipt_no"]
    by_code = kiosk_client.get("/api/v1/inquiries/QRST-UVWX").get_json()
    assert by_code["receipt_no"] == sent["receipt_no"]
    assert kiosk_client.get("/kiosk/receipts/QRSTUVWX").status_code == 200
    assert kiosk_client.get("/api/v1/inquiries/ZZZZZZZZ").status_code == 404
    problem = kiosk_client.get("/api/v1/inquiries/%20%20").get_json()
    assert problem["status"] == 404 and "没有找到" in problem["detail"]


def test_bad_rating_receipt_says_whether_a_call_can_be_made(demo_app, kiosk_client):
    with_phone = kiosk_client.post("/api/v1/ratings", json=rating(level=1, phone="13812345678"))
    without = kiosk_client.post("/api/v1/ratings", json=rating(level=1))
    assert with_phone.get_json()["has_phone"] is True
    assert without.get_json()["has_phone"] is False
    assert without.get_json()["follow_up"] is True
