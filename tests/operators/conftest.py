"""Fixtures of the operators' tests: console clients signed in by role."""

from __future__ import annotations

import pytest

from tests.display.conftest import signed_in


@pytest.fixture
def operator(demo_app, csrf_off):
    return signed_in(demo_app, "operator")
