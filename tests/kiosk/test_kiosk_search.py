"""Search: Chinese substrings (one and two characters too), pinyin, ranking, and only public items."""

from datetime import timedelta

import pytest

from content_feed.search import search
from tests.builders import make_guide, make_hall, publish_item


@pytest.fixture(autouse=True)
def _kiosk_token(request):
    """Kiosk requests carry the demo kiosk's token, as the kiosk page sends it."""
    if "client" in request.fixturenames:
        request.getfixturevalue("client").environ_base["HTTP_X_TERMINAL_TOKEN"] = "demo-kiosk-token"


def titles(query, **kw):
    return [h.doc.title for h in search(query, **kw).hits]


def test_pinyin_initials_and_full_syllables_find_titles(app, clock):
    now = clock.now()
    publish_item(now, "不动产登记办理须知", category_code="service")
    publish_item(now, "城乡居民养老保险缴费标准", category_code="service")
    publish_item(now, "2026年党费收缴情况")
    assert titles("bdc") == ["不动产登记办理须知"]
    assert titles("ylbx") == ["城乡居民养老保险缴费标准"]
    assert titles("budongchan") == ["不动产登记办理须知"]
    assert titles("BDC") == ["不动产登记办理须知"]
    hit = search("ylbx").hits[0]
    assert hit.title_spans == [(4, 8)]  # 养老保险
    assert search("dangfei").hits[0].title_spans == [(5, 7)]


def test_full_pinyin_matches_whole_syllables_only(app, clock):
    publish_item(clock.now(), "不动产登记办理须知", category_code="service")
    # "ongchan" is inside "dongchan" but does not start on a syllable.
    assert titles("ongchan") == []


def test_one_and_two_character_queries_find_what_they_name(app, clock):
    now = clock.now()
    publish_item(now, "2026年上半年党费收缴使用情况")
    publish_item(now - timedelta(days=1), "机关党委组织设置", category_code="org-building")
    make_guide(now, "社会保障卡申领", code="G-SBK")
    assert titles("党费") == ["2026年上半年党费收缴使用情况"]
    assert set(titles("党")) == {"2026年上半年党费收缴使用情况", "机关党委组织设置"}
    # 社保 is what people say for 社会保障 / 社会保险.
    assert titles("社保") == ["社会保障卡申领"]


def test_title_matches_rank_before_body_and_recent_before_old(app, clock):
    now = clock.now()
    publish_item(now - timedelta(days=30), "养老保险政策解读（旧）", category_code="service")
    publish_item(now - timedelta(days=1), "工作简报", body="本期介绍养老保险待遇调整。")
    publish_item(now - timedelta(days=2), "养老保险政策解读（新）", category_code="service")
    results = search("养老保险")
    assert [h.doc.title for h in results.hits] == [
        "养老保险政策解读（新）",
        "养老保险政策解读（旧）",
        "工作简报",
    ]
    body_hit = results.hits[2]
    assert body_hit.tier == 2
    start, end = body_hit.snippet_spans[0]
    assert body_hit.snippet[start:end] == "养老保险"


def test_internal_items_are_never_found(app, clock):
    now = clock.now()
    for scope in ("party", "unit", "specific"):
        publish_item(now, f"党费内部通报{scope}", scope=scope)
    publish_item(now, "党费公开情况")
    assert titles("党费") == ["党费公开情况"]
    assert titles("内部") == []
    assert titles("dfnb") == []


def test_index_follows_publication_and_expiry(app, clock):
    now = clock.now()
    assert titles("换届") == []
    publish_item(now, "第二党支部换届选举结果公告", valid_until=now + timedelta(hours=1))
    assert titles("换届") == ["第二党支部换届选举结果公告"]
    clock.advance(hours=2)  # past its window: the feed state moves, the index follows
    assert titles("换届") == []


def test_hall_targeting_applies(app, clock):
    now = clock.now()
    hall1, hall2 = make_hall("hall-1"), make_hall("hall-2", "二号大厅")
    publish_item(now, "一号大厅窗口调整", halls=[hall1])
    assert titles("窗口调整", hall_id=hall1.id) == ["一号大厅窗口调整"]
    assert titles("窗口调整", hall_id=hall2.id) == []


def test_paging_and_total(app, clock):
    now = clock.now()
    for n in range(5):
        publish_item(now - timedelta(hours=n), f"党费收缴第{n}期")
    page = search("党费", offset=2, limit=2)
    assert page.total == 5
    assert [h.doc.title for h in page.hits] == ["党费收缴第2期", "党费收缴第3期"]


# -- several words, guide details, windows (issue #12) ----------------------------


def kinds_titles(query, **kw):
    return [(h.doc.kind, h.doc.title) for h in search(query, **kw).hits]


def test_several_words_in_any_order_find_documents_holding_all(demo_app):
    assert titles("党费 2025") == ["2025年度党费收缴使用情况"]
    assert titles("2025 党费") == ["2025年度党费收缴使用情况"]
    found = titles("登记 不动产")
    assert found[:2] == ["不动产登记（二手房转移登记）", "5号窗口 不动产登记"]
    assert titles("不动产 登记") == found
    assert "城乡居民基本养老保险待遇申领" in titles("社保 养老")
    assert titles("党费 没有这个词") == []


def test_guides_are_found_by_materials_steps_faq_and_window_services(demo_app):
    assert "新生儿出生“一件事”" in titles("户口簿")
    assert titles("完税凭证") == ["不动产登记（二手房转移登记）"]
    assert titles("公证") == ["不动产登记（二手房转移登记）"]
    hit = search("完税凭证").hits[0]
    assert hit.tier == 2  # ranked below title and summary matches
    start, end = hit.snippet_spans[0]
    assert hit.snippet[start:end] == "完税凭证"


def test_household_registration_finds_the_window_and_the_guides(demo_app):
    found = kinds_titles("户籍")
    assert found[0] == ("window", "10号窗口 公安户政")
    assert ("guide", "新生儿出生“一件事”") in found
    assert kinds_titles("户口")[0] == ("window", "10号窗口 公安户政")


def test_search_api_returns_windows_and_word_spans(demo_app, client):
    body = client.get("/api/v1/search?q=户政&surface=kiosk").get_json()
    assert body["results"][0]["kind"] == "window"
    assert body["results"][0]["category"] == "办理窗口"
    body = client.get("/api/v1/search?q=党费 2025").get_json()
    first = body["results"][0]
    marked = [first["title"][a:b] for a, b in first["title_spans"]]
    assert marked == ["2025", "党费"]


def test_bundle_carries_what_the_offline_search_reads(demo_app, client):
    bundle = client.get("/kiosk/kiosk-1/bundle.json").get_json()
    guide = next(g for g in bundle["guides"] if g["name"] == "不动产登记（二手房转移登记）")
    assert "完税凭证" in guide["search"][1]
    assert any(w["title"] == "10号窗口 公安户政" for w in bundle["search"]["windows"])
    assert bundle["search"]["abbreviations"]["户口"]
    item = bundle["items"][0]
    assert item["search"][0] == item["summary"]
