"""The kiosk's API: submissions, status, public answers, search, heartbeat, bundle, pages."""

import io

import zxingcpp
from flask import current_app
from openapi_spec_validator import validate
from PIL import Image
from sqlalchemy import func, select

from content_feed.api.openapi import document
from content_feed.db import db
from content_feed.models import Inquiry, Terminal
from content_feed.presence import flush_now
from tests.builders import make_terminal
from tests.conftest import build_app
from tests.kiosk.conftest import question, rating

PROBLEM = "application/problem+json"


def test_submit_then_retry_then_check_status_masked(kiosk_client):
    payload = question()
    first = kiosk_client.post("/api/v1/inquiries", json=payload)
    assert first.status_code == 201
    body = first.get_json()
    assert body["kind_label"] == "问询"
    # The citizen's word (已受理), as the kiosk and the phone page say it; 待办 is staff's.
    assert body["state_label"] == "已受理"
    assert body["due_on"] == "2026-11-20"
    retry = kiosk_client.post("/api/v1/inquiries", json=payload)
    assert retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["receipt_no"] == body["receipt_no"]
    assert db.session.execute(select(func.count(Inquiry.id))).scalar() == 1

    status = kiosk_client.get(f"/api/v1/inquiries/{body['receipt_no']}").get_json()
    # The receipt's holder sees progress, never the asker's name (issue 20).
    assert "name" not in status and "张" not in str(status)
    assert status["phone"] == "138****5678"
    assert status["reply"] == ""


def test_refusals_are_problem_documents_in_chinese(kiosk_client):
    r = kiosk_client.post("/api/v1/inquiries", json=question(text=""))
    assert r.status_code == 422
    assert r.mimetype == PROBLEM
    assert r.get_json()["errors"] == {"text": "请填写您想说的内容"}
    r = kiosk_client.post("/api/v1/inquiries", json=question(terminal="nobody"))
    assert r.status_code == 401
    assert (
        r.get_json()["detail"]
        == "本终端未通过认证，请联系大厅工作人员用登记时发放的令牌重新配置本机"
    )
    r = kiosk_client.post("/api/v1/inquiries", data="text", content_type="text/plain")
    assert r.status_code == 415 and r.mimetype == PROBLEM
    r = kiosk_client.get("/api/v1/inquiries/WX-AAAA-BBBB-CCCC")
    assert r.status_code == 404 and "没有找到这个回执号" in r.get_json()["detail"]
    r = kiosk_client.get("/api/v1/search?q=")
    assert r.status_code == 400 and r.get_json()["detail"] == "请输入要查找的内容"


def test_rate_limit_is_per_terminal_with_a_clear_message(tmp_path):
    from app import load_demo
    from content_feed.clock import FixedClock
    from tests.conftest import FIXED_NOW

    app = build_app(tmp_path, FixedClock(FIXED_NOW), feedback={"rate_limit_per_minute": 3})
    with app.app_context():
        load_demo(db.session, FIXED_NOW)
        make_terminal("kiosk-2", "kiosk", width=1920, height=1080, token="kiosk-2-token")
        db.session.commit()
        client = app.test_client()
        client.environ_base["HTTP_X_TERMINAL_TOKEN"] = "demo-kiosk-token"
        codes = [client.post("/api/v1/inquiries", json=question()).status_code for _ in range(3)]
        assert codes == [201, 201, 201]
        refused = client.post("/api/v1/ratings", json=rating())
        assert refused.status_code == 429
        assert refused.mimetype == PROBLEM
        assert (
            refused.get_json()["detail"]
            == "本终端提交过于频繁，请稍等一分钟再提交；您填写的内容已保留"
        )
        assert int(refused.headers["Retry-After"]) in range(1, 61)
        other = client.post(
            "/api/v1/inquiries",
            json=question(terminal="kiosk-2"),
            headers={"X-Terminal-Token": "kiosk-2-token"},
        )
        assert other.status_code == 201
        db.engine.dispose()


def test_public_answers_only_with_personal_data_masked(kiosk_client, clock):
    asked = kiosk_client.post(
        "/api/v1/inquiries",
        json=question(text="我的电话139 0000 1111，座机0571-88886666，我是张三，请回电"),
    ).get_json()
    private = kiosk_client.post("/api/v1/inquiries", json=question(text="私下问题")).get_json()
    for number, public in ((asked["receipt_no"], True), (private["receipt_no"], False)):
        inq = db.session.execute(select(Inquiry).where(Inquiry.receipt_no == number)).scalar_one()
        inq.reply = "请携带身份证原件和不动产权证书到5号窗口办理。"
        inq.reply_public = public
        inq.replied_at = clock.now()
        inq.state = "done"
    db.session.commit()
    answers = kiosk_client.get("/api/v1/answers?hall=hall-1").get_json()["answers"]
    assert [a["question"] for a in answers] == [
        "我的电话139 **** 1111，座机057*-****6666，我是张*，请回电"
    ]
    bundle = kiosk_client.get("/kiosk/kiosk-1/bundle.json")
    assert [a["question"] for a in bundle.get_json()["answers"]] == [answers[0]["question"]]
    # Nothing on a public list leads back to the asker (issue 20).
    for public in (kiosk_client.get("/api/v1/answers?hall=hall-1"), bundle):
        assert asked["receipt_no"] not in public.text and private["receipt_no"] not in public.text
        assert "receipt_no" not in public.text and "asker" not in public.text
        assert "0000 1111" not in public.text and "88886666" not in public.text


def test_search_endpoint_ranks_and_highlights(kiosk_client):
    r = kiosk_client.get("/api/v1/search?q=bdc&hall=hall-1&surface=kiosk")
    assert r.status_code == 200 and r.headers["ETag"]
    first = r.get_json()["results"][0]
    assert first["kind"] == "guide"
    assert first["title"].startswith("不动产登记")
    assert first["title_spans"] == [[0, 3]]
    again = kiosk_client.get(
        "/api/v1/search?q=bdc&hall=hall-1&surface=kiosk",
        headers={"If-None-Match": r.headers["ETag"]},
    )
    assert again.status_code == 304


def test_heartbeat_records_page_and_version(kiosk_client, clock):
    r = kiosk_client.post(
        "/api/v1/heartbeat", json={"terminal": "kiosk-1", "page": "#/guide/3", "version": '"7-0-1"'}
    )
    assert r.status_code == 200
    flush_now(current_app)
    t = db.session.execute(select(Terminal).where(Terminal.code == "kiosk-1")).scalar_one()
    db.session.refresh(t)
    assert t.last_seen_at == clock.now()
    assert (t.last_page, t.last_version) == ("#/guide/3", '"7-0-1"')


def test_bundle_holds_public_content_only(kiosk_client):
    from demo.items import ITEMS

    r = kiosk_client.get("/kiosk/kiosk-1/bundle.json")
    bundle = r.get_json()
    titles = {i["title"] for i in bundle["items"]}
    internal = {
        t for _c, t, _tl, _s, _b, extra in ITEMS if extra.get("scope", "public") != "public"
    }
    assert internal and not titles & internal
    assert len(bundle["guides"]) == 9
    assert bundle["items"][0]["py"]
    assert (
        kiosk_client.get(
            "/kiosk/kiosk-1/bundle.json", headers={"If-None-Match": r.headers["ETag"]}
        ).status_code
        == 304
    )


def test_a_halls_kiosks_share_its_content_and_keep_their_own_name_and_notices(kiosk_client, clock):
    """kiosk/bundle.py: what every kiosk of a hall shows is read once for all of them;
    each kiosk's name and urgent notices (one group's notice, say) stay its own."""
    from content_feed.models import TerminalGroup
    from kiosk.bundle import hall_parts
    from tests.builders import make_urgent

    first = db.session.execute(select(Terminal).where(Terminal.code == "kiosk-1")).scalar_one()
    second = make_terminal("kiosk-2", "kiosk", first.hall, token="second-kiosk")
    upstairs = TerminalGroup(name="二楼", hall_id=first.hall_id)
    second.groups.append(upstairs)
    db.session.commit()
    make_urgent(clock.now(), title="二楼暂停办理", group_id=upstairs.id)

    one = kiosk_client.get("/kiosk/kiosk-1/bundle.json").get_json()
    two = kiosk_client.get(
        "/kiosk/kiosk-2/bundle.json", headers={"X-Terminal-Token": "second-kiosk"}
    ).get_json()
    assert len(hall_parts().values()) == 1  # built once for the hall
    assert one["terminal"]["code"] == "kiosk-1" and two["terminal"]["code"] == "kiosk-2"
    titles = lambda b: [n["title"] for n in b["urgent_notices"]]  # noqa: E731
    assert "二楼暂停办理" in titles(two) and "二楼暂停办理" not in titles(one)
    assert one["items"] == two["items"] and one["guides"] == two["guides"]


def test_unknown_kiosk_gets_a_clear_page(kiosk_client):
    r = kiosk_client.get("/kiosk/nowhere-9")
    assert r.status_code == 404
    assert "此触摸查询机尚未登记" in r.text and "nowhere-9" in r.text
    shell = kiosk_client.get("/kiosk/kiosk-1?idle=5")
    assert shell.status_code == 200
    assert '"idleSeconds": 5' in shell.text


def test_receipt_qr_points_to_the_progress_page(kiosk_client):
    number = kiosk_client.post("/api/v1/inquiries", json=question()).get_json()["receipt_no"]
    png = kiosk_client.get(f"/kiosk/qr/receipts/{number}.png").data
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded[0].text == f"http://hall.example.test/kiosk/receipts/{number}"
    page = kiosk_client.get(f"/kiosk/receipts/{number}")
    assert page.status_code == 200
    assert "已受理" in page.text and "待办" not in page.text
    assert "答复期限" in page.text and "138****5678" in page.text and "13812345678" not in page.text


def test_openapi_describes_every_route_and_validates(app):
    doc = document()
    validate(doc)
    for path in (
        "/api/v1/inquiries",
        "/api/v1/ratings",
        "/api/v1/inquiries/{receipt_no}",
        "/api/v1/answers",
        "/api/v1/search",
        "/api/v1/heartbeat",
    ):
        assert path in doc["paths"], path
