"""Console forms are posted directly here; CSRF itself is tested in tests/admin."""

import pytest


@pytest.fixture(autouse=True)
def _csrf_off(request):
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["WTF_CSRF_ENABLED"] = False
