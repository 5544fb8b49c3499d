"""One declaration per route: what it takes and what it answers.

``@declare(...)`` sits on the view, under its route and ``@conditional``. It
names the route's query model, body model and answer model; the view's query
is validated by that model (api/caching.py), its answer is produced from its
model, and the OpenAPI document (api/openapi.py) is generated from these
declarations and the URL map, so a route without one is in no document — the
test of every route says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class Reply:
    """A documented answer other than the main one (e.g. a replayed submission)."""

    description: str
    schema: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"


@dataclass(frozen=True)
class Route:
    summary: str
    response: Any = None
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    description: str = ""
    status: int = 200
    status_description: str = "成功"
    problems: tuple[int, ...] = (400, 404)
    token: bool = False
    # The screens' token may come as ``?token=`` too (LED cards that only pull a URL).
    token_in_url: bool = False
    replies: dict[int, Reply] = field(default_factory=dict)
    media_type: str = "application/json"
    # An answer in several media types (an LED strip's frame, GIF, text, JSON):
    # media type → its model, ``str`` for text, None for bytes (no schema).
    # When given, it replaces ``media_type``/``response``.
    content: dict[str, Any] = field(default_factory=dict)
    # Headers of the main answer beyond the conditional GET's: name → description.
    headers: dict[str, str] = field(default_factory=dict)
    # Path parameters' schema and description beyond their type: name → fields.
    path: dict[str, dict] = field(default_factory=dict)
    # A body that is not JSON (a pushed CAP document): media type → its description.
    request_media: dict[str, str] = field(default_factory=dict)
    # Authenticated by ``Authorization: Bearer`` (a CAP feed's push token).
    bearer: bool = False


def declare(summary: str, **details) -> Any:
    route = Route(summary, **details)

    def decorate(view):
        view.api_route = route
        return view

    return decorate


def route_of(view) -> Route | None:
    return getattr(view, "api_route", None)
