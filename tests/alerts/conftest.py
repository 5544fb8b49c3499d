"""Fixtures of the alert tests: the demo hall placed in 西城区 (110102), a feed with
a push token, an operator signed in, and the three screens' answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from alerts import lifecycle
from alerts.models import AlertFeed, AlertHallArea
from content_feed.clock import FixedClock
from content_feed.db import db
from content_feed.models import Hall
from content_feed.terminals import hash_token
from tests.alerts import documents as doc
from tests.conftest import FIXED_NOW, build_app

FEED_TOKEN = "feed-token-xicheng"
WALL = "/display/wall-1/program.json?token=demo-wall-token"
LED = "/display/led/led-1.json?token=demo-led-token"
BUNDLE = "/kiosk/kiosk-1/bundle.json"


@pytest.fixture(scope="session")
def alert_world(tmp_path_factory) -> Path:
    """The demo hall in 西城区 with a feed, built once: each test gets a copy of the file."""
    from app import load_demo

    folder = tmp_path_factory.mktemp("alert-world")
    app = build_app(folder, FixedClock(FIXED_NOW))
    with app.app_context():
        load_demo(db.session, FIXED_NOW)
        hall = db.session.execute(select(Hall).where(Hall.code == "hall-1")).scalar_one()
        db.session.add(AlertHallArea(hall_id=hall.id, division_code=doc.HERE))
        db.session.add(AlertFeed(name="西城区预警发布", push_token_hash=hash_token(FEED_TOKEN)))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return folder / "sunlight.db"


def copy_world(world: Path, folder: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        source = world.with_name(world.name + suffix)
        if source.exists():
            shutil.copy(source, folder / source.name)


@pytest.fixture
def alert_app(alert_world, tmp_path, clock):
    copy_world(alert_world, tmp_path)
    app = build_app(tmp_path, clock)
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def feed(alert_app) -> AlertFeed:
    return db.session.execute(select(AlertFeed)).scalar_one()


@pytest.fixture
def receive(feed, clock):
    """Take a document as a push would, committed; the receipt back."""

    def take(text: str):
        receipt = lifecycle.receive(db.session, feed, text.encode(), via="push", now=clock.now())
        db.session.commit()
        return receipt

    return take


@pytest.fixture
def operator(alert_app):
    from demo import DEMO_PASSWORD

    client = alert_app.test_client()
    r = client.post("/admin/login", data={"username": "operator", "password": DEMO_PASSWORD})
    assert r.status_code == 302
    return client


@pytest.fixture
def screens(alert_app):
    """What the wall, the LED strip and the kiosk are given now."""
    client = alert_app.test_client()

    def read(*which: str) -> dict:
        urls = {"wall": WALL, "led": LED, "kiosk": BUNDLE}
        # The kiosk's token travels in a header only; the screens' in the address.
        kiosk = {"X-Terminal-Token": "demo-kiosk-token"}
        return {
            name: client.get(urls[name], headers=kiosk if name == "kiosk" else {}).get_json()
            for name in which or urls
        }

    return read


def urgent_titles(seen: dict) -> dict[str, list[str]]:
    """The urgent notices' titles on each surface read."""
    read = {
        "wall": lambda s: [e["title"] for e in s["entries"] if e["kind"] == "urgent"],
        "led": lambda s: [s["text"]] if "预警" in s["text"] else [],
        "kiosk": lambda s: [n["title"] for n in s["urgent_notices"]],
    }
    return {name: read[name](answer) for name, answer in seen.items()}


@pytest.fixture(scope="session")
def feed_server():
    from tests.alerts.feed_server import FeedServer

    server = FeedServer().start()
    yield server
    server.stop()
