"""Fixtures of the security regression tests."""

from __future__ import annotations

import pytest

KIOSK_TOKEN = {"X-Terminal-Token": "demo-kiosk-token"}
WALL_TOKEN = {"X-Terminal-Token": "demo-wall-token"}


@pytest.fixture(autouse=True)
def _csrf_off(request):
    """Console forms are posted directly here (CSRF has its own tests in tests/admin)."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["WTF_CSRF_ENABLED"] = False
