"""Fixtures for the guide import tests: signed-in clients per role, and a way to
wait for the background worker."""

from __future__ import annotations

import time

import pytest

from content_feed.db import db
from content_feed.models import GuideImport
from tests.builders import PASSWORD, staff


@pytest.fixture
def people(app):
    users = staff()
    db.session.commit()
    return users


@pytest.fixture
def as_role(app, people):
    """as_role("approver") → a test client signed in as that role (CSRF off)."""
    app.config["WTF_CSRF_ENABLED"] = False
    clients = {}

    def make(role: str):
        if role not in clients:
            client = app.test_client()
            response = client.post(
                "/admin/login", data={"username": people[role].username, "password": PASSWORD}
            )
            assert response.status_code == 302, response.data[:500]
            clients[role] = client
        return clients[role]

    return make


def wait_for(import_id: int, *states: str, timeout: float = 60) -> GuideImport:
    """Poll the job (as another request would) until it reaches one of ``states``."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        job = db.session.get(GuideImport, import_id)
        if job.state in states:
            return job
        assert time.monotonic() < deadline, f"import {import_id} stuck in {job.state}"
        time.sleep(0.05)
