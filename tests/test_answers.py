"""Caches that cannot be multiplied or defeated: refused parameters, one build
per key at a time, bounded memory, and answers that outlive no change."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from content_feed.answers import AnswerCache, bytes_answer, cache_key

PROBLEM = "application/problem+json"
WALL = {"X-Terminal-Token": "demo-wall-token"}
LED = {"X-Terminal-Token": "demo-led-token"}


@pytest.mark.parametrize(
    "url, headers",
    [
        ("/kiosk/kiosk-1/bundle.json?r=1", {"X-Terminal-Token": "demo-kiosk-token"}),
        ("/display/wall-1/program.json?r=2", WALL),
        ("/display/led/led-1.png?r=3", LED),
        ("/api/v1/items?r=4", {}),
        ("/api/v1/urgent-notices?hall=hall-1&nocache=5", {}),
        ("/feed.atom?x=6", {}),
    ],
)
def test_unknown_parameters_are_refused_and_cached_nowhere(demo_app, client, url, headers):
    answers = demo_app.extensions["sunlight"].answers
    before = len(answers)
    r = client.get(url, headers=headers)
    assert r.status_code == 400 and r.mimetype == PROBLEM
    body = r.get_json()
    assert "不支持的参数" in body["detail"]
    assert set(body["errors"]) <= {"r", "nocache", "x"}
    assert len(answers) == before


def test_the_token_is_no_part_of_the_key(demo_app, client):
    """A token in the address never makes a second copy (nor a different answer)."""
    by_header = client.get("/display/wall-1/program.json", headers=WALL)
    by_query = client.get("/display/wall-1/program.json?token=demo-wall-token")
    assert by_header.headers["ETag"] == by_query.headers["ETag"]
    assert cache_key("/a", "token=secret&page=2") == "/a?page=2"
    assert cache_key("/a", "page=2&hall=h") == cache_key("/a", "hall=h&page=2")


class FakeVersions:
    def __init__(self):
        self.seq = 1
        self.moved = 0

    def sync(self):
        return self.seq

    def stamp(self, topics):
        return self.moved

    def next_boundary(self):
        return None


NOW = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)


def test_one_cold_build_per_key_at_a_time():
    cache, versions = AnswerCache(), FakeVersions()
    builds = []
    release = threading.Event()

    def build(seq, boundary):
        builds.append(threading.current_thread().name)
        release.wait(5)
        return bytes_answer(b"body", "text/plain", ["content:1"], seq, boundary)

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.obtain("k", versions, NOW, build)))
        for _ in range(16)
    ]
    for t in threads:
        t.start()
    time.sleep(0.3)
    release.set()
    for t in threads:
        t.join(5)
    assert len(builds) == 1
    assert len(results) == 16 and {r.body for r in results} == {b"body"}


def rebuilding():
    """A cache whose answer "old" went stale, and a build of "new" in flight until released."""
    cache, versions = AnswerCache(), FakeVersions()
    cache.obtain("k", versions, NOW, lambda s, b: bytes_answer(b"old", "text/plain", ["t"], s, b))
    versions.moved, versions.seq = 2, 2  # "t" moved: the answer is stale
    started, release = threading.Event(), threading.Event()

    def slow(seq, boundary):
        started.set()
        release.wait(5)
        return bytes_answer(b"new", "text/plain", ["t"], seq, boundary)

    leader = threading.Thread(target=lambda: cache.obtain("k", versions, NOW, slow))
    leader.start()
    started.wait(5)
    return cache, versions, slow, release, leader


def test_while_one_rebuilds_the_others_get_the_previous_answer():
    cache, versions, slow, release, leader = rebuilding()
    waiter = cache.obtain("k", versions, NOW, slow)
    assert waiter.body == b"old"  # not a second build, not a wait
    release.set()
    leader.join(5)
    assert cache.obtain("k", versions, NOW, slow).body == b"new"


def test_a_request_told_of_a_newer_version_waits_for_the_build_not_the_previous():
    """After a push (X-Sunlight-Version), no screen and no cache in front is given
    the answer of before: it waits for the build in flight."""
    cache, versions, slow, release, leader = rebuilding()
    got = []
    told = threading.Thread(target=lambda: got.append(cache.obtain("k", versions, NOW, slow, 2)))
    doubting = threading.Thread(
        target=lambda: got.append(cache.obtain("k", versions, NOW, slow, None))
    )
    told.start(), doubting.start()
    time.sleep(0.2)
    assert got == []  # both wait
    release.set()
    for t in (leader, told, doubting):
        t.join(5)
    assert [a.body for a in got] == [b"new", b"new"]
    assert cache.builds == 2  # the waiters built nothing themselves


def test_memory_is_bounded_by_count_and_bytes():
    versions = FakeVersions()
    by_count = AnswerCache(max_entries=10)
    by_bytes = AnswerCache(max_bytes=10_000)
    for n in range(100):
        body = bytes(1000)
        make = lambda s, b, body=body: bytes_answer(body, "x", [], s, b)  # noqa: E731
        by_count.obtain(f"k{n}", versions, NOW, make)
        by_bytes.obtain(f"k{n}", versions, NOW, make)
    assert len(by_count) == 10 and by_count.peek("k99") and not by_count.peek("k0")
    assert by_bytes.bytes <= 10_000 and by_bytes.peek("k99")


def test_the_least_recently_used_answer_goes_first():
    """A busy key read on every poll outlives keys built later but never read again."""
    versions = FakeVersions()
    cache = AnswerCache(max_entries=3)
    make = lambda s, b: bytes_answer(b"x", "x", [], s, b)  # noqa: E731
    cache.obtain("busy", versions, NOW, make)
    for n in range(5):
        cache.obtain(f"once{n}", versions, NOW, make)
        assert cache.current("busy", versions, NOW) is not None
    assert cache.peek("busy") and cache.peek("once4") and not cache.peek("once2")


def test_an_answer_lapses_at_its_boundary_and_when_a_topic_moves():
    versions = FakeVersions()
    answer = bytes_answer(b"x", "x", ["t"], 1, NOW + timedelta(minutes=5))
    assert answer.current(versions, NOW)
    assert not answer.current(versions, NOW + timedelta(minutes=5))
    versions.moved = 2
    assert not answer.current(versions, NOW)


def test_a_rebuild_with_nothing_visible_changed_keeps_the_etag(demo_app, client):
    from tests.builders import publish_item

    client.environ_base["HTTP_X_TERMINAL_TOKEN"] = "demo-kiosk-token"
    first = client.get("/kiosk/kiosk-1/bundle.json")
    assert first.status_code == 200
    publish_item(demo_app.extensions["sunlight"].clock.now(), "党内通报", scope="party")
    demo_app.extensions["sunlight"].answers.clear()  # rebuilt from scratch
    again = client.get(
        "/kiosk/kiosk-1/bundle.json", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_if_none_match_star_is_no_304_for_what_does_not_exist(demo_app, client):
    assert client.get("/api/v1/items/99999", headers={"If-None-Match": "*"}).status_code == 404
    assert client.get("/api/v1/items", headers={"If-None-Match": "*"}).status_code == 304
    gone = client.get("/display/no-such/program.json", headers={**WALL, "If-None-Match": "*"})
    assert gone.status_code == 404


def test_a_shared_list_is_spliced_in_byte_for_byte():
    """Walls playing one playlist share its entries encoded once (answers.Serialized):
    the answer is the same bytes, and the same ETag, as one encoded whole."""
    from content_feed.answers import Serialized, json_answer

    entries = [{"title": "办事指南\u2028第一条", "qr": None, "n": 1.5, "tags": ["甲", '"乙"']}] * 3
    ticker = ["欢迎光临", "请\\保持安静"]
    program = {"version": "", "generated_at": "t", "terminal": {"code": "w"}, "urgent": [2]}
    plain = json_answer({**program, "entries": entries, "ticker": ticker}, [], 1, None)
    spliced = json_answer(
        {**program, "entries": Serialized(entries), "ticker": Serialized(ticker)}, [], 1, None
    )
    assert spliced.body == plain.body and spliced.etag == plain.etag
    assert json.loads(spliced.body)["entries"] == entries
    # Anything changed in the shared part is another ETag.
    other = json_answer(
        {**program, "entries": Serialized(entries[:2]), "ticker": Serialized(ticker)}, [], 1, None
    )
    assert other.etag != plain.etag


def test_the_walls_of_one_playlist_share_its_encoded_entries(demo_app, client):
    """The wall's program served through Flask is what build_program gives encoded whole."""
    from content_feed.answers import Serialized
    from display.program import shared_parts

    r = client.get("/display/wall-1/program.json", headers=WALL)
    assert r.status_code == 200
    held = shared_parts().values()
    assert held and all(isinstance(part, Serialized) for pair in held for part in pair)
    assert json.loads(r.data)["entries"] == list(held[0][0])
