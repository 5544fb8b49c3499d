"""Fixtures for the admin console tests: signed-in clients per role."""

from __future__ import annotations

import pytest

from content_feed.db import db
from tests.builders import PASSWORD, staff


@pytest.fixture(autouse=True)
def _console_test_app(request):
    """Most tests post forms directly (test_csrf_* turns protection back on)."""
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def people(app):
    users = staff()
    db.session.commit()
    return users


# What a guide's form needs besides its name and code (time limits, place, order).
GUIDE_BASICS = {
    "statutory_value": "20",
    "promised_value": "3",
    "visits": "1",
    "hall_id": "0",
    "window_id": "0",
    "sort_order": "0",
}


def guide_rows(table: str, *rows: dict) -> dict:
    """A guide's row table as the editor posts it: materials-0-name, materials-1-name …"""
    return {
        f"{table}-{i}-{column}": value
        for i, row in enumerate(rows)
        for column, value in row.items()
    }


def login(client, username: str, password: str = PASSWORD):
    return client.post("/admin/login", data={"username": username, "password": password})


@pytest.fixture
def as_role(app, people):
    """as_role("reviewer") → a test client signed in as that demo role."""

    clients = {}

    def make(role: str):
        if role not in clients:
            client = app.test_client()
            response = login(client, people[role].username)
            assert response.status_code == 302, response.data[:500]
            clients[role] = client
        return clients[role]

    return make
