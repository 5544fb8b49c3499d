"""Fixtures of the kiosk tests: the demo kiosk terminal and submission payloads."""

from __future__ import annotations

import itertools

import pytest

_keys = itertools.count(1)


def new_key() -> str:
    return f"test-key-{next(_keys):06d}"


def question(**fields) -> dict:
    body = {
        "terminal": "kiosk-1",
        "idempotency_key": new_key(),
        "kind": "question",
        "topic": "办事服务",
        "text": "请问不动产登记需要带哪些材料？",
        "name": "张三",
        "phone": "13812345678",
    }
    body.update(fields)
    return body


def rating(**fields) -> dict:
    body = {"terminal": "kiosk-1", "idempotency_key": new_key(), "level": 5, "target": "hall"}
    body.update(fields)
    return body


# The demo kiosk's token, sent by the kiosk page as X-Terminal-Token.
KIOSK_TOKEN = {"X-Terminal-Token": "demo-kiosk-token"}


@pytest.fixture
def kiosk_client(demo_app):
    """A client that presents the demo kiosk's token, as the kiosk page does."""
    client = demo_app.test_client()
    client.environ_base["HTTP_X_TERMINAL_TOKEN"] = KIOSK_TOKEN["X-Terminal-Token"]
    return client
