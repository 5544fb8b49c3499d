"""Fixtures for queue calling: one small hall world per test module (the app is
built once; each test starts with no calls), the default voice clips made once
per session, events sent as a queue system sends them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from calling.models import (
    Announcement,
    CallCase,
    CallEvent,
    CallingHall,
    CallingWindow,
    VoiceClip,
)
from content_feed.clock import FixedClock
from content_feed.db import db
from content_feed.models import Hall, Rating, Window
from content_feed.terminals import hash_token
from tests.builders import PASSWORD, make_hall, make_terminal, staff
from tests.conftest import FIXED_NOW, build_app

QUEUE_TOKEN = "queue-system-token"
QUEUE = {"X-Queue-Token": QUEUE_TOKEN}
WALL = {"X-Terminal-Token": "wall-token"}
WINDOWS = [
    ("1", "企业开办综合受理"),
    ("2", "个体工商户登记"),
    ("3", "“烦心事”窗口"),
    ("4", "一次办专区"),
    ("5", "不动产登记"),
    ("12", "税务"),
]


@pytest.fixture(scope="session")
def clip_folder(tmp_path_factory):
    """The default clips (espeak-ng), made once for every test of the session."""
    from calling.voice import ensure_default_clips

    return ensure_default_clips(tmp_path_factory.mktemp("calling-clips"))


def make_world(app, clip_folder) -> None:
    app.config["CALLING_CLIPS"] = str(clip_folder)
    app.config["WTF_CSRF_ENABLED"] = False
    hall = make_hall("hall-1", "测试大厅")
    for order, (number, name) in enumerate(WINDOWS):
        hall.windows.append(Window(number=number, name=name, sort_order=order))
    other = make_hall("hall-2", "东区分厅")
    other.windows.append(Window(number="1", name="综合受理窗口"))
    make_terminal("wall-1", "wall", hall, token="wall-token")
    make_terminal("kiosk-1", "kiosk", hall, token="kiosk-token")
    make_terminal("wall-2", "wall", other, token="wall-2-token")
    staff()
    db.session.commit()


@pytest.fixture(scope="module")
def world(tmp_path_factory, clip_folder):
    """(app, clock): a hall of six windows, a second hall, a wall, a kiosk, staff."""
    clock = FixedClock(FIXED_NOW)
    app = build_app(tmp_path_factory.mktemp("calling"), clock)
    with app.app_context():
        make_world(app, clip_folder)
        yield app, clock
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(world):
    """The module's app, with no calls, cases, ratings or calling settings left."""
    app, clock = world
    clock.set(FIXED_NOW)
    db.session.rollback()
    for model in (CallingWindow, Announcement, CallEvent, CallCase, VoiceClip, CallingHall, Rating):
        db.session.execute(delete(model))
    db.session.commit()
    db.session.remove()
    app.extensions["sunlight"].answers.clear()  # the rows went without moving a topic
    return app


@pytest.fixture
def clock(world):
    return world[1]


@pytest.fixture
def hall(app) -> Hall:
    """hall-1, its queue system connected."""
    found = db.session.execute(select(Hall).where(Hall.code == "hall-1")).scalar_one()
    db.session.add(CallingHall(hall_id=found.id, token_hash=hash_token(QUEUE_TOKEN)))
    db.session.commit()
    return found


class Events:
    """Events as the queue system sends them, numbered, a second apart."""

    def __init__(self, client, clock, hall_code: str = "hall-1"):
        self.client, self.clock, self.hall_code = client, clock, hall_code
        self.n = 0

    def send(
        self, type: str, window: str = "1", *, at=None, event_id=None, headers=QUEUE, **fields
    ):
        self.n += 1
        body = {
            "event_id": event_id or f"qs-{self.n:05d}",
            "type": type,
            "window": window,
            "occurred_at": (at or self.clock.now() + timedelta(seconds=self.n)).isoformat(),
            **fields,
        }
        return self.client.post(
            f"/api/v1/calling/{self.hall_code}/events", json=body, headers=headers
        )


@pytest.fixture
def events(hall, client, clock):
    return Events(client, clock)


@pytest.fixture
def operator(app):
    """A client signed in as an operator."""
    client = app.test_client()
    response = client.post("/admin/login", data={"username": "operator", "password": PASSWORD})
    assert response.status_code == 302
    return client
