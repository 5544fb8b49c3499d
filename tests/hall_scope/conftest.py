"""Two halls with content of every kind, and a user of the first."""

import pytest

from content_feed.db import db
from tests.builders import hall_world, make_hall_user
from tests.conftest import login

ALL_HALL_ROLES = "drafter reviewer approver operator handler"


@pytest.fixture(autouse=True)
def _csrf_off(request):
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def halls(app, clock):
    """{"east": ids, "west": ids}: 东城 is the user's hall, 西城 the other."""
    east = hall_world(clock.now(), "dongcheng", "东城")
    west = hall_world(clock.now(), "xicheng", "西城")
    db.session.commit()
    return {"east": east, "west": west}


@pytest.fixture
def east_user(app, halls):
    from content_feed.models import Hall

    user = make_hall_user(
        "east-staff", {db.session.get(Hall, halls["east"]["hall"]): ALL_HALL_ROLES}
    )
    return user


@pytest.fixture
def east_client(app, east_user):
    client = app.test_client()
    assert login(client, "east-staff").status_code == 302
    return client
