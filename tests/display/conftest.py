"""Fixtures of the display tests: clients signed in to the console by role."""

from __future__ import annotations

import pytest

from demo import DEMO_PASSWORD


@pytest.fixture
def console_app(demo_app, csrf_off):
    """The demo app with console forms posted directly (CSRF is the admin tests' concern)."""
    return demo_app


def signed_in(app, username: str):
    client = app.test_client()
    r = client.post("/admin/login", data={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 302, r.data[:300]
    return client


@pytest.fixture
def operator(console_app):
    return signed_in(console_app, "operator")


@pytest.fixture
def drafter(console_app):
    return signed_in(console_app, "drafter")
