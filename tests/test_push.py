"""Push without nginx: which channels an answer names, what a commit publishes
(to a real HTTP listener standing in for Nchan's publisher location), and the
headers that let a cache in front keep terminals apart.

The real nginx + Nchan path is tested in tests/scaled/.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from content_feed import topics
from content_feed.db import db
from content_feed.models import Item, UrgentNotice
from operations import push
from tests.conftest import build_app, wait_until

WALL = {"X-Terminal-Token": "demo-wall-token"}
KIOSK = {"X-Terminal-Token": "demo-kiosk-token"}


class Publisher(ThreadingHTTPServer):
    """Records what is POSTed to /_push/pub/<channel>, as Nchan's location would take it."""

    daemon_threads = True

    def __init__(self, status: int = 201):
        self.received: list[tuple[str, dict]] = []
        self.status = status
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.received.append((self.path, json.loads(body)))
                self.send_response(server.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/_push/pub"

    def channels(self) -> set[str]:
        return {path.rsplit("/", 1)[1] for path, _ in self.received}


@pytest.fixture
def nchan():
    server = Publisher()
    yield server
    server.shutdown()


@pytest.fixture
def push_app(tmp_path, clock, nchan):
    from app import load_demo

    app = build_app(tmp_path, clock, push={"publish_url": nchan.url, "boundaries": False})
    with app.app_context():
        load_demo(db.session, clock.now())
        app.extensions["sunlight.push"].drain(5)
        nchan.received.clear()
        yield app
        app.extensions["sunlight.push"].stop()
        db.session.remove()
        db.engine.dispose()


def test_channels_are_the_topics_an_answer_reads():
    assert push.channel_of(topics.urgent(3)) == "urgent-3"
    assert push.channel_of(topics.content(None)) == "content-all"
    assert push.channel_of(topics.terminal(12)) == "terminal-12"
    assert push.channel_of(topics.CATALOGUE) == "catalogue"
    # Nothing subscribes to a whole family or to the table of all terminals.
    assert push.channel_of(topics.family(topics.CONTENT)) is None
    assert push.channel_of(topics.TERMINALS) is None
    settings = {"push": {"publish_url": "http://127.0.0.1:1/p", "subscribe_path": "/push/sub/"}}
    assert (
        push.subscription(settings, [topics.urgent(3), topics.content(3), topics.urgent(3)])
        == "/push/sub/content-3,urgent-3"
    )
    assert push.subscription({"push": {"publish_url": "", "subscribe_path": "/x"}}, ["a:1"]) == ""


def test_without_push_pages_name_no_subscription(demo_app):
    client = demo_app.test_client()
    program = client.get("/display/wall-1/program.json", headers=WALL).get_json()
    assert program["push"] == ""
    assert kiosk_config(client)["push"] == ""


def kiosk_config(client) -> dict:
    """The configuration the kiosk's page hands its script."""
    from lxml import html

    page = html.fromstring(client.get("/kiosk/kiosk-1").data)
    return json.loads(page.get_element_by_id("kiosk-config").text)


def test_the_program_names_exactly_the_channels_of_its_topics(push_app):
    client = push_app.test_client()
    program = client.get("/display/wall-1/program.json", headers=WALL).get_json()
    channels = program["push"].rsplit("/", 1)[1].split(",")
    from content_feed.models import Terminal
    from display.program import decide, program_topics

    wall = db.session.query(Terminal).filter_by(code="wall-1").one()
    decision, _ = decide(db.session, wall, push_app.extensions["sunlight"].clock.now())
    assert channels == push.channels_of(program_topics(wall, decision))
    assert any(c.startswith("urgent-") for c in channels)
    assert any(c.startswith("terminal-") for c in channels)
    # The kiosk's page names the channels of what its bundle reads.
    from kiosk.bundle import bundle_topics

    kiosk = db.session.query(Terminal).filter_by(code="kiosk-1").one()
    kiosk_channels = kiosk_config(client)["push"].rsplit("/", 1)[1].split(",")
    assert kiosk_channels == push.channels_of(bundle_topics(kiosk))


def test_a_commit_publishes_its_moved_channels_urgent_first(push_app, nchan, clock):
    notice = UrgentNotice(
        title="停电通知",
        body="",
        starts_at=clock.now(),
        ends_at=clock.now() + timedelta(hours=1),
        hall_id=None,
    )
    db.session.add(notice)
    item = db.session.query(Item).filter_by(state="published", scope="public").first()
    item.title = item.title + "（修订）"
    db.session.commit()
    assert wait_until(lambda: "urgent-all" in nchan.channels())
    assert wait_until(lambda: any(c.startswith("content-") for c in nchan.channels()))
    order = [path.rsplit("/", 1)[1] for path, _ in nchan.received]
    assert order[0].startswith("urgent-"), order
    versions = {body["v"] for _, body in nchan.received}
    assert len(versions) == 1 and versions.pop() >= 1
    assert all(body["c"] == path.rsplit("/", 1)[1] for path, body in nchan.received)


def test_an_internal_item_publishes_nothing(push_app, nchan, clock):
    from tests.builders import publish_item

    publish_item(clock.now(), "党内：支部委员会会议纪要", scope="party")
    time.sleep(0.3)
    assert nchan.received == []


def test_publishing_never_waits_for_nginx_and_retries_until_it_answers(push_app, nchan, clock):
    nchan.status = 503  # nginx restarting
    started = time.monotonic()
    db.session.add(
        UrgentNotice(
            title="临时闭厅",
            body="",
            starts_at=clock.now(),
            ends_at=clock.now() + timedelta(hours=1),
        )
    )
    db.session.commit()
    assert time.monotonic() - started < 0.5  # the commit did not wait for the publisher
    assert wait_until(lambda: len(nchan.received) >= 2)  # refused, and tried again
    nchan.status = 201
    count = len(nchan.received)
    assert wait_until(lambda: len(nchan.received) > count + 0)
    assert push_app.extensions["sunlight.push"].drain(5)


def test_a_pushed_version_makes_a_node_read_before_answering(push_app):
    from content_feed.versioning import STALE

    state = push_app.extensions["sunlight"].versions
    state.sync()
    state._read_at = time.monotonic() + 3600  # as if the TTL were long
    seq = state.seq
    state.wanted(str(seq))  # not newer: nothing to do
    assert state._read_at > time.monotonic()
    state.wanted("not-a-number")
    state.wanted(str(seq + 1))
    assert state._read_at == STALE


def test_terminal_answers_vary_on_the_token_alone_from_flask_and_from_memory(demo_app):
    client = demo_app.test_client()
    for path, headers in (
        ("/display/wall-1/program.json", WALL),
        ("/kiosk/kiosk-1/bundle.json", KIOSK),
        ("/display/led/led-1.txt", {"X-Terminal-Token": "demo-led-token"}),
    ):
        first = client.get(path, headers=headers)  # built by Flask
        again = client.get(path, headers=headers)  # written from memory
        assert first.status_code == again.status_code == 200, path
        assert first.headers["Vary"] == again.headers["Vary"] == "X-Terminal-Token", path
