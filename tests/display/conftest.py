"""Fixtures of the display tests: sign-in for console pages, demo terminals."""

from __future__ import annotations

import pytest
from flask_login import FlaskLoginClient

from content_feed.db import db
from tests.builders import staff


def login_client(app, user):
    """A test client signed in as ``user`` (flask-login's own test client)."""
    app.test_client_class = FlaskLoginClient
    return app.test_client(user=user)


@pytest.fixture
def operator(demo_app):
    people = staff()
    db.session.commit()
    return login_client(demo_app, people["operator"])


@pytest.fixture
def drafter(demo_app):
    people = staff()
    db.session.commit()
    return login_client(demo_app, people["drafter"])
