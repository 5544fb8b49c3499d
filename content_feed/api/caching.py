"""Conditional GET for feed and terminal answers, declared next to each view.

``@conditional(depends=…)`` says what a view's answer reads (its topics); the
view's ``@declare`` (api/declare.py) says which query parameters it takes, and
they reach the view validated, as ``query``. The answer is built once per
state of those topics (content_feed/answers.py) and served from memory until
one moves; the WSGI fast path answers repeat requests before Flask runs.
A parameter the view does not take is refused (400), so a made-up query
string can neither multiply the cache nor force a cold build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, has_request_context, request
from pydantic import BaseModel

from content_feed.answers import (
    CREDENTIALS,
    Answer,
    AnswerCache,
    bytes_answer,
    cache_key,
    doubt_held,
    json_answer,
    required_seq,
    respond,
)
from content_feed.api.declare import route_of
from content_feed.api.problems import Problem
from content_feed.api.validation import checked_query
from content_feed.clock import now
from content_feed.schemas import dump
from content_feed.services import services
from content_feed.terminals import TerminalAccess
from content_feed.versioning import versions


@dataclass(frozen=True)
class FastAnswer:
    """What the WSGI fast path needs to answer a view's repeat requests.

    ``access``: the terminals whose token the view takes (its ``code``
    argument, content_feed.terminals.TerminalAccess), or None for a public
    feed answer. ``respond``: how to answer
    from the cached Answer, when it is not the Answer's own body (LED frames).
    ``seen``: when a request counts as the terminal being seen, what else it
    reports (e.g. ``{"last_program": "LED"}``).
    ``key``: the answer's cache key from the view arguments, when it is not
    the URL (one LED answer serves every format of a strip).
    """

    access: TerminalAccess | None = None
    respond: Callable | None = None
    seen: dict | None = None
    key: Callable | None = None


def fast_answer(spec: FastAnswer):
    """Marks a view, beside its route, as one the fast path answers from memory."""

    def decorate(view):
        view.fast_answer = spec
        return view

    return decorate


def answer_cache() -> AnswerCache:
    return services().answers


def refuse_unknown_params(allowed: Iterable[str]) -> None:
    allowed = set(allowed) | set(CREDENTIALS)
    unknown = sorted(set(request.args) - allowed)
    if unknown:
        names = "、".join(unknown)
        takes = "、".join(sorted(set(allowed) - set(CREDENTIALS))) or "无"
        raise Problem(
            400,
            f"不支持的参数：{names}（可用参数：{takes}）",
            errors={name: "不支持的参数" for name in unknown},
        )


def request_key() -> str:
    return cache_key(request.path, request.query_string.decode("latin-1"))


def to_response(answer: Answer) -> Response:
    status, headers, body = respond(
        answer,
        request.headers.get("If-None-Match"),
        current_app.config["SUNLIGHT"]["feed"],
        now(),
    )
    response = Response(body if request.method != "HEAD" else b"", status=status)
    for name, value in headers:
        response.headers[name] = value
    return response


def obtain(
    key: str, build: Callable[[int, object], Answer], *, revalidated: bool = False
) -> Answer:
    """The current answer for ``key``. ``revalidated``: the request's
    If-None-Match names this answer's ETag (not, say, an LED frame's)."""
    state = versions()
    cache = answer_cache()
    at_least = 0
    if has_request_context():
        at_least = required_seq(state, request.headers)
        if revalidated and doubt_held(cache.peek(key), request.headers.get("If-None-Match"), state):
            at_least = None
    return cache.obtain(key, state, now(), build, at_least)


def conditional(
    *,
    depends: Callable[[], Iterable[str]],
    shared: bool = True,
    mimetype: str = "application/json",
    fast: FastAnswer | None = None,
):
    """Decorate a view returning its answer model (or JSON-able data, or bytes of
    ``mimetype``) that reads only ``depends()``."""

    def decorate(view):
        route = route_of(view)
        model = route.query if route is not None else None
        allowed = tuple(model.model_fields) if model is not None else ()

        @wraps(view)
        def wrapper(*args, **kwargs):
            refuse_unknown_params(allowed)
            if model is not None:
                kwargs["query"] = checked_query(model, request.args)

            def build(seq, boundary):
                payload = view(*args, **kwargs)
                if isinstance(payload, BaseModel):
                    payload = dump(payload)
                if isinstance(payload, bytes):
                    return bytes_answer(payload, mimetype, depends(), seq, boundary, shared=shared)
                return json_answer(payload, depends(), seq, boundary, shared=shared)

            return to_response(obtain(request_key(), build, revalidated=True))

        wrapper.fast_answer = fast or FastAnswer()
        return wrapper

    return decorate


def content_etag(response: Response, cache_control: str) -> Response:
    """For answers not tied to the topics: the ETag is a hash of the body,
    and a matching If-None-Match gets a 304 (the body is still built)."""
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    response.headers["Cache-Control"] = cache_control
    return response.make_conditional(request)
