"""The feed API: every endpoint, filters, problems, ETags, 304s and version bumps."""

from datetime import timedelta

import pytest

from content_feed.db import db
from content_feed.models import FeedState, Item
from tests.builders import (
    make_guide,
    make_hall,
    make_meeting,
    make_slogan,
    make_urgent,
    publish_item,
)


def version():
    db.session.expire_all()
    return db.session.get(FeedState, 1).version


def titles(client, url="/api/v1/items", **params):
    response = client.get(url, query_string=params)
    assert response.status_code == 200, response.get_json()
    return [i["title"] for i in response.get_json()["items"]]


def test_items_list_shows_only_public_now(client, clock):
    now = clock.now()
    publish_item(now, "公开事项")
    publish_item(now, "党内事项", scope="party")
    publish_item(now, "将来事项", valid_from=now + timedelta(days=1))
    assert titles(client) == ["公开事项"]


def test_item_detail_and_internal_item_is_404(client, clock):
    item = publish_item(clock.now(), "党费收缴", body="## 标题\n\n<script>alert(1)</script>正文")
    hidden = publish_item(clock.now(), "党内", scope="unit")
    data = client.get(f"/api/v1/items/{item.id}").get_json()
    assert data["title"] == "党费收缴"
    assert data["index_number"].startswith("000014349/2026-")
    assert "<h2>标题</h2>" in data["body_html"]
    assert "<script>" not in data["body_html"]
    assert data["online_url"] == f"http://hall.example.test/p/items/{item.id}"
    response = client.get(f"/api/v1/items/{hidden.id}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["title"] == "未找到"


def test_filters_category_domain_hall_surface(client, clock):
    now = clock.now()
    east = make_hall("east")
    publish_item(now, "党费", category_code="party-dues")
    publish_item(now, "任前公示", category_code="cadre-selection-1", on_led=True)
    publish_item(now, "东厅专有", category_code="gov-info-1", halls=[east], on_wall=False)
    assert titles(client, category="cadre-selection") == ["任前公示"]  # includes children
    assert titles(client, domain="政务公开") == ["东厅专有"]
    assert titles(client, surface="led") == ["任前公示"]
    assert sorted(titles(client, surface="wall")) == ["任前公示", "党费"]
    make_hall("west")
    assert "东厅专有" not in titles(client, hall="west")
    assert "东厅专有" in titles(client, hall="east")


def test_pagination(client, clock):
    for n in range(5):
        publish_item(clock.now() - timedelta(days=n), f"事项{n}")
    page = client.get("/api/v1/items?per_page=2&page=2").get_json()
    assert page["total"] == 5 and page["pages"] == 3 and page["page"] == 2
    assert [i["title"] for i in page["items"]] == ["事项2", "事项3"]


@pytest.mark.parametrize(
    ("url", "status", "field"),
    [
        ("/api/v1/items?page=0", 400, "page"),
        ("/api/v1/items?page=abc", 400, "page"),
        ("/api/v1/items?per_page=1000", 400, "per_page"),
        ("/api/v1/items?surface=tv", 400, "surface"),
        ("/api/v1/items?domain=火星", 400, "domain"),
        ("/api/v1/items?category=nope", 404, "category"),
        ("/api/v1/items?hall=nope", 404, "hall"),
    ],
)
def test_bad_parameters_are_problems(client, url, status, field):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and field in body["errors"]


def test_unknown_api_route_and_method_are_problems(client):
    assert client.get("/api/v1/nothing").mimetype == "application/problem+json"
    response = client.delete("/api/v1/items")
    assert response.status_code == 405
    assert response.get_json()["title"] == "不支持该请求方法"


def test_catalogue_counts_public_items_up_the_tree(client, clock):
    publish_item(clock.now(), "任前公示", category_code="cadre-selection-1")
    publish_item(clock.now(), "党内", category_code="cadre-selection-1", scope="party")
    tree = client.get("/api/v1/catalogue").get_json()["categories"]
    cadre = next(c for c in tree if c["code"] == "cadre-selection")
    assert cadre["name"] == "干部选任" and cadre["count"] == 1
    assert cadre["children"][0]["count"] == 1


def test_guides_meetings_slogans_urgent_halls(client, clock):
    now = clock.now()
    hall = make_hall()
    guide = make_guide(now, hall=hall)
    make_guide(now, name="草稿指南", code="T-2", state="draft")
    make_meeting(now)
    make_slogan()
    make_urgent(now)
    guides = client.get("/api/v1/guides").get_json()["guides"]
    assert [g["name"] for g in guides] == ["不动产登记"]
    detail = client.get(f"/api/v1/guides/{guide.id}").get_json()
    assert detail["materials"][0]["form_label"] == "原件"
    assert detail["statutory_limit"] == "20个工作日" and detail["promised_limit"] == "3个工作日"
    assert client.get("/api/v1/guides/999").status_code == 404
    assert len(client.get("/api/v1/meetings").get_json()["meetings"]) == 1
    assert client.get("/api/v1/slogans").get_json()["slogans"][0]["text"]
    assert client.get("/api/v1/urgent-notices").get_json()["urgent_notices"][0]["title"]
    halls = client.get("/api/v1/halls").get_json()
    assert halls["halls"][0]["code"] == "hall-1" and halls["timezone"] == "Asia/Shanghai"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/items",
        "/api/v1/catalogue",
        "/api/v1/guides",
        "/api/v1/meetings",
        "/api/v1/slogans",
        "/api/v1/urgent-notices",
        "/api/v1/halls",
        "/feed.atom",
    ],
)
def test_every_feed_get_has_etag_cache_control_and_304(client, clock, url):
    publish_item(clock.now(), "事项")
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert "max-age=" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag


def test_304_does_not_rebuild_the_body(client, clock, app, monkeypatch):
    publish_item(clock.now(), "事项")
    etag = client.get("/api/v1/items").headers["ETag"]
    calls = []
    from content_feed import serialize

    monkeypatch.setattr(serialize, "item_summary", lambda i: calls.append(i) or {})
    assert client.get("/api/v1/items", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/api/v1/items").status_code == 200  # served from the body cache
    assert calls == []


def test_a_content_change_bumps_the_version_in_the_same_transaction(client, clock):
    item = publish_item(clock.now(), "事项")
    before = version()
    etag = client.get("/api/v1/items").headers["ETag"]
    item = db.session.get(Item, item.id)
    item.title = "改过的标题"
    db.session.rollback()
    assert version() == before  # rolled back: no bump
    item = db.session.get(Item, item.id)
    item.title = "改过的标题"
    db.session.commit()
    assert version() == before + 1
    response = client.get("/api/v1/items", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.get_json()["items"][0]["title"] == "改过的标题"


def test_a_heartbeat_does_not_bump_the_version(client, clock):
    from tests.builders import make_terminal

    terminal = make_terminal("k1", "kiosk")
    before = version()
    terminal.last_seen_at = clock.now()
    db.session.commit()
    assert version() == before


def test_cached_answer_expires_at_the_next_window_boundary(client, clock):
    now = clock.now()
    publish_item(now, "长期")
    publish_item(now, "明天开始", valid_from=now + timedelta(hours=3))
    first = client.get("/api/v1/items")
    assert [i["title"] for i in first.get_json()["items"]] == ["长期"]
    clock.advance(hours=2, minutes=59, seconds=58)
    # Never cached past the boundary: max-age shrinks to the seconds left.
    assert "max-age=2," in client.get("/api/v1/items").headers["Cache-Control"]
    assert (
        client.get("/api/v1/items", headers={"If-None-Match": first.headers["ETag"]}).status_code
        == 304
    )
    clock.advance(seconds=2)
    later = client.get("/api/v1/items", headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 200
    assert sorted(i["title"] for i in later.get_json()["items"]) == ["明天开始", "长期"]


def test_expiry_also_moves_the_etag(client, clock):
    now = clock.now()
    publish_item(now, "今天到期", valid_until=now + timedelta(minutes=30))
    first = client.get("/api/v1/items")
    clock.advance(minutes=31)
    later = client.get("/api/v1/items", headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 200 and later.get_json()["items"] == []


def test_version_written_by_another_process_is_seen_after_the_ttl(tmp_path, clock):
    """Two apps on one database stand for two server processes."""
    from tests.conftest import build_app

    one = build_app(tmp_path, clock, feed={"version_ttl_seconds": 0.0})
    two = build_app(tmp_path, clock, feed={"version_ttl_seconds": 0.0})
    with one.app_context():
        etag = one.test_client().get("/api/v1/items").headers["ETag"]
    with two.app_context():
        publish_item(clock.now(), "另一进程发布的事项")
    with one.app_context():
        response = one.test_client().get("/api/v1/items", headers={"If-None-Match": etag})
        assert response.status_code == 200
        assert [i["title"] for i in response.get_json()["items"]] == ["另一进程发布的事项"]
        db.session.remove()
        db.engine.dispose()
    with two.app_context():
        db.engine.dispose()


def test_a_node_shown_a_newer_etag_reads_again_instead_of_stepping_back(
    tmp_path, clock, monkeypatch
):
    """Behind one cache, node two must not answer its older answer to a client
    that already has node one's newer one (nginx revalidates with it)."""
    from content_feed import versioning
    from tests.conftest import build_app

    monkeypatch.setattr(versioning, "DOUBT_SECONDS", 0.0)
    one = build_app(tmp_path, clock, feed={"version_ttl_seconds": 600.0})
    two = build_app(tmp_path, clock, feed={"version_ttl_seconds": 600.0})
    with two.app_context():
        older = two.test_client().get("/api/v1/items").headers["ETag"]
    # Another process: one's commits are not told to two's memory.
    versioning.Versions.instances.discard(two.extensions["sunlight"].versions)
    with one.app_context():
        publish_item(clock.now(), "节点一发布的事项")
        newer = one.test_client().get("/api/v1/items").headers["ETag"]
        db.session.remove()
    assert newer != older
    with two.app_context():
        client = two.test_client()
        # Its own ETag it still answers from memory, within the TTL ...
        assert client.get("/api/v1/items", headers={"If-None-Match": older}).status_code == 304
        # ... but the newer one makes it read: it has it too.
        response = client.get("/api/v1/items", headers={"If-None-Match": newer})
        assert response.status_code == 304 and response.headers["ETag"] == newer
        db.session.remove()
        db.engine.dispose()
    with one.app_context():
        db.engine.dispose()


def test_doubt_re_reads_at_most_once_in_a_while(app):
    from content_feed.versioning import STALE, versions

    state = versions()
    state.sync()
    state.doubt()  # just read: no re-read yet
    assert state._read_at != STALE
    state._read_at -= 1.0
    state.doubt()
    assert state._read_at == STALE


def test_public_pages_for_phones(client, clock):
    item = publish_item(clock.now(), "党费收缴使用情况")
    hidden = publish_item(clock.now(), "党内", scope="party")
    page = client.get(f"/p/items/{item.id}")
    assert page.status_code == 200 and "党费收缴使用情况" in page.get_data(as_text=True)
    assert client.get(f"/p/items/{hidden.id}").status_code == 404
    guide = make_guide(clock.now())
    assert "申请材料" in client.get(f"/p/guides/{guide.id}").get_data(as_text=True)


def test_every_api_get_has_etag_cache_control_and_answers_304(demo_app, client, clock):
    """Every GET under /api/v1, feed or not, can be polled conditionally."""
    from content_feed.models import Terminal
    from inquiries.submissions import submit_inquiry

    payload = {"idempotency_key": "etag-test-0001", "kind": "question", "text": "问"}
    receipt = submit_inquiry(
        db.session,
        payload,
        db.session.execute(db.select(Terminal).filter_by(code="kiosk-1")).scalar_one(),
        demo_app.config["SUNLIGHT"]["feedback"],
        clock.now(),
    )
    db.session.commit()
    samples = {"item_id": "1", "guide_id": "1", "receipt_no": receipt.record.receipt_no}
    for rule in demo_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or "GET" not in rule.methods:
            continue
        url = rule.rule
        for name, value in samples.items():
            url = url.replace(f"<int:{name}>", value).replace(f"<{name}>", value)
        if "search" in url:
            url += "?q=党费"
        first = client.get(url)
        assert first.status_code == 200, url
        assert first.headers.get("ETag") and first.headers.get("Cache-Control"), url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, url


def test_forget_rereads_on_a_machine_booted_moments_ago(tmp_path, clock, monkeypatch):
    """``time.monotonic()`` counts from boot: a hall server started at boot asks
    within seconds of it. "Forget" must re-read there too (it once marked stale
    with 0.0, which looked fresh for the first TTL seconds after a boot)."""
    from types import SimpleNamespace

    from content_feed import versioning
    from tests.conftest import build_app

    monkeypatch.setattr(versioning, "time", SimpleNamespace(monotonic=lambda: 5.0))
    one = build_app(tmp_path, clock, feed={"version_ttl_seconds": 600.0})
    two = build_app(tmp_path, clock, feed={"version_ttl_seconds": 600.0})
    versions = two.extensions["sunlight"].versions
    versioning.Versions.instances.discard(versions)  # another process
    with two.app_context():
        before = versions.sync()
    with one.app_context():
        publish_item(clock.now(), "开机后发布的事项")
        db.session.remove()
    with two.app_context():
        assert versions.sync() == before  # within the TTL: from memory
        versions.forget()
        assert versions.sync() > before
        db.engine.dispose()
    with one.app_context():
        db.engine.dispose()
