"""QR codes pointing at a loopback address while the server listens on every interface."""

from __future__ import annotations

import pytest

from content_feed.reach import loopback_qr_warning
from tests.conftest import reconfigure


def settings(base="http://127.0.0.1:8080", host="0.0.0.0"):
    return {"hall": {"public_base_url": base}, "server": {"host": host, "port": 8080}}


def test_loopback_base_on_every_interface_is_warned_about():
    warning = loopback_qr_warning(settings())
    assert "hall.public_base_url" in warning and "SUNLIGHT_HALL_PUBLIC_BASE_URL=http://" in warning
    assert "127.0.0.1:8080" in warning
    assert loopback_qr_warning(settings(base="http://localhost:8080"))
    assert "http://192.168.5.5:8080" in loopback_qr_warning(settings(host="192.168.5.5"))


def test_no_warning_when_phones_can_reach_it_or_nothing_else_can():
    assert loopback_qr_warning(settings(base="http://192.168.1.10:8080")) is None
    assert loopback_qr_warning(settings(base="https://hall.example.gov.cn")) is None
    assert loopback_qr_warning(settings(host="127.0.0.1")) is None


@pytest.fixture
def as_role_any(app):
    from content_feed.db import db
    from tests.builders import PASSWORD, staff

    staff()
    db.session.commit()

    def make(role):
        client = app.test_client()
        client.post("/admin/login", data={"username": role, "password": PASSWORD})
        return client

    app.config["WTF_CSRF_ENABLED"] = False
    return make


def test_the_dashboard_says_so_to_admins_and_operators(app, as_role_any):
    # The tests' base is a made-up name; a hall left at the default points at loopback.
    reconfigure(app, hall={"public_base_url": "http://127.0.0.1:8080"})
    page = as_role_any("admin").get("/admin/").get_data(as_text=True)
    assert "qr-warning" in page and "hall.public_base_url" in page
    assert "qr-warning" not in as_role_any("drafter").get("/admin/").get_data(as_text=True)
    reconfigure(app, hall={"public_base_url": "http://192.168.1.10:8080"})
    assert "qr-warning" not in as_role_any("admin").get("/admin/").get_data(as_text=True)
