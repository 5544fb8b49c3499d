"""Commands on several nodes: a command queued on node A reaches a wall that polls
node B, and B's acknowledgement shows on A; a screen switched off on A is dark on
B too. Two apps on one database file, as two serving processes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import create_app
from content_feed.db import db
from content_feed.models import Terminal
from tests.conftest import settings_for

TOKEN = {"X-Terminal-Token": "demo-wall-token"}


@pytest.fixture
def node_b(demo_app, clock, tmp_path):
    """A second process on node A's (the demo app's) database file."""
    settings = settings_for(tmp_path / "b")
    settings["database"]["url"] = demo_app.config["SUNLIGHT"]["database"]["url"]
    app = create_app(settings, clock=clock, environ={}, instance_path=str(tmp_path / "b"))
    app.config["TESTING"] = True
    return app.test_client()


def beat(client, **body) -> dict:
    r = client.post("/display/wall-1/heartbeat", json={"entry": "x", **body}, headers=TOKEN)
    assert r.status_code == 200, r.data
    return r.json


def wall_id() -> int:
    return db.session.execute(select(Terminal.id).where(Terminal.code == "wall-1")).scalar_one()


def test_a_command_queued_on_a_reaches_a_wall_on_b_and_its_ack_shows_on_a(
    demo_app, client, operator, node_b
):
    assert "commands" not in beat(node_b) and "commands" not in beat(client)
    r = operator.post(
        "/admin/monitoring/commands", data={"action": "reload", "terminal_ids": [wall_id()]}
    )
    assert r.status_code == 302
    (command,) = beat(node_b)["commands"]  # B never saw the form: it read the database
    assert command["action"] == "reload"
    assert "commands" not in beat(node_b, done=[command["id"]])
    assert "commands" not in beat(client)  # A does not hand it out again
    page = operator.get("/admin/monitoring").get_data(as_text=True)
    assert "已执行" in page and "等待屏幕执行" not in page


def test_a_wall_switched_off_on_a_is_dark_on_b_until_switched_on(operator, client, node_b):
    assert beat(node_b)["power"] == "on"
    operator.post("/admin/monitoring/commands", data={"action": "off", "terminal_ids": [wall_id()]})
    assert beat(node_b)["power"] == "off" and beat(client)["power"] == "off"
    operator.post("/admin/monitoring/commands", data={"action": "on", "terminal_ids": [wall_id()]})
    assert beat(node_b)["power"] == "on"
