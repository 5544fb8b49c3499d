"""Fixtures for the admin console tests: signed-in clients per role."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _console_test_app(request):
    """Most tests post forms directly (test_csrf_* turns protection back on)."""
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    app.config["WTF_CSRF_ENABLED"] = False


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
