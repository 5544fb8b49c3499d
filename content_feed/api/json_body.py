"""Reading a JSON request body without letting odd input reach the server as a 500.

Every JSON endpoint (kiosk submissions and heartbeats, the screens' heartbeats,
acknowledgements and proof of play) reads its body here:

- not JSON, or not a JSON object: 415 / 400;
- larger than ``MAX_BODY_BYTES``: 413 (nothing a terminal sends is that big);
- nested deeper than ``MAX_DEPTH``: 400, decided by a scan before parsing, so
  Python's recursion limit is never reached;
- a lone surrogate (``"\\ud800"``), which no database or encoder accepts: 400;
- control characters in strings are removed (see ``text_hygiene``).
"""

from __future__ import annotations

import json
import re

from flask import request

from content_feed.api.problems import Problem
from content_feed.text_hygiene import clean_text

MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 16
# What a JSON endpoint may answer besides its own: not JSON, an unknown terminal,
# too big, not an object.
BODY_PROBLEMS = (400, 401, 413, 415)

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _depth(raw: bytes) -> int:
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b"", raw)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _clean(value):
    """Strings cleaned of control characters; a lone surrogate refuses the body."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise Problem(400, "提交内容含有无效的字符（孤立的代理项），请检查后重新提交")
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _parse() -> dict:
    if not request.is_json:
        raise Problem(415, "请以 JSON 对象提交（Content-Type: application/json）")
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise Problem(413, f"提交内容超过 {MAX_BODY_BYTES // 1024} KB 的上限")
    raw = request.stream.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise Problem(413, f"提交内容超过 {MAX_BODY_BYTES // 1024} KB 的上限")
    if _depth(raw) > MAX_DEPTH:
        raise Problem(400, f"提交内容嵌套超过 {MAX_DEPTH} 层，请以简单的 JSON 对象提交")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Problem(400, "提交内容不是有效的 JSON，请检查后重新提交") from None
    if not isinstance(data, dict):
        raise Problem(400, "请以 JSON 对象提交（Content-Type: application/json）")
    return _clean(data)


def checked_strings(data: dict) -> dict | None:
    """``data`` (already parsed elsewhere, e.g. by the WSGI fast path) cleaned as
    here, or None when it holds something refused (a lone surrogate, deep nesting)."""
    try:
        return _clean(data)
    except (Problem, RecursionError):
        return None


def json_object() -> dict:
    """The request's JSON object, checked and cleaned (parsed once per request)."""
    key = "sunlight.json_body"
    if key not in request.environ:
        request.environ[key] = _parse()
    return request.environ[key]
