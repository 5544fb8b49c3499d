"""The API as its generated OpenAPI document describes it (issue 20, item 7):
schemathesis sends documented and undocumented inputs to every operation and
checks every answer against the document: no 5xx, only documented statuses,
headers and bodies, 405 with ``Allow``, and documented inputs accepted."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from content_feed.db import db
from tests.conftest import FIXED_NOW, build_app

EXAMPLES = 5
TOKENS = {"X-Terminal-Token": "demo-kiosk-token"}


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    from app import load_demo
    from content_feed.clock import FixedClock

    app = build_app(tmp_path_factory.mktemp("conformance"), FixedClock(FIXED_NOW))
    with app.app_context():
        load_demo(db.session, FIXED_NOW)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_every_operation_conforms(hall):
    """Every operation, EXAMPLES generated cases each (derandomized: the same cases
    every run), every check schemathesis has; the failures of all operations are
    collected and shown together."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", hall)
    failures = {}
    for result, mode in itertools.product(schema.get_all_operations(), GenerationMode):
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def conforms(case):
            with hall.app_context():
                case.call_and_validate(headers=TOKENS)

        try:
            conforms()
        except Unsatisfiable:
            continue  # no invalid input exists for this operation in this mode
        except (Exception, BaseExceptionGroup) as exc:  # every failure is reported below
            failures[f"{operation.label} ({mode.value})"] = str(exc)[:2000]
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
