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


@pytest.fixture
def kiosk_client(demo_app):
    return demo_app.test_client()
