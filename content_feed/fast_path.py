"""A WSGI layer in front of Flask for what terminals ask all day.

Thousands of terminals poll every few seconds, an LED strip pulls a frame
every second, and almost every answer is one already built. Such a request
needs no routing hooks, session, rate limiter or database: when the URL is a
view marked with ``fast_answer`` (api/caching.py ``conditional``, the
display and kiosk answers) and its answer for the current versions is in
memory, it is written here — a 304 when If-None-Match names it. Terminals
authenticate against the in-memory table (terminals.TerminalDirectory).

Heartbeats and urgent confirmations (views marked with ``fast_post``) are
noted in the presence book here as well. Anything else, and anything unusual (an unknown terminal,
a bad body, an answer not built yet), goes to Flask, which answers it the
same way through the same functions.
"""

from __future__ import annotations

import io
import json

from werkzeug.exceptions import HTTPException

from content_feed.answers import TERMINAL_VARY, cache_key, doubt_held, respond
from content_feed.services import services
from content_feed.terminals import TerminalAccess

_MAX_REMEMBERED_PATHS = 8192
_MAX_HEARTBEAT_BYTES = 16 * 1024
_STATUS = {200: "200 OK", 304: "304 NOT MODIFIED"}


def address_of(environ) -> str:
    # Behind nginx, ProxyFix (outside this layer) has already set the client's.
    return (environ.get("REMOTE_ADDR") or "")[:60]


class FastPath:
    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self._routes: dict[tuple[str, str], tuple | None] = {}
        held = services(app)
        self.versions = held.versions
        self.answers = held.answers
        self.directory = held.terminals
        self.presence = held.presence
        self.clock = held.clock
        self.feed = app.config["SUNLIGHT"]["feed"]

    def _route(self, method: str, path: str):
        """(spec, view args) for a view the fast path answers, else None."""
        key = (method, path)
        try:
            return self._routes[key]
        except KeyError:
            pass
        found = None
        try:
            endpoint, args = self.app.url_map.bind("localhost").match(path, method=method)
            view = self.app.view_functions.get(endpoint)
            spec = getattr(view, "fast_post" if method == "POST" else "fast_answer", None)
            if spec is not None:
                found = (spec, args)
        except HTTPException:
            found = None
        if len(self._routes) < _MAX_REMEMBERED_PATHS:
            self._routes[key] = found
        return found

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            return self._get(environ, start_response, method)
        if method == "POST":
            return self._post(environ, start_response)
        return self.wsgi_app(environ, start_response)

    def _get(self, environ, start_response, method):
        path = environ.get("PATH_INFO", "")
        route = self._route("GET", path)
        if route is None:
            return self.wsgi_app(environ, start_response)
        spec, args = route
        card = None
        if spec.access is not None:
            card = spec.access.card(self.directory, args.get("code"), environ)
            if card is None:
                return self._answer_in_flask(environ, start_response)
        self.versions.wanted(environ.get("HTTP_X_SUNLIGHT_VERSION"))
        at = self.clock.now()
        key = cache_key(path, environ.get("QUERY_STRING", ""))
        if spec.key is not None:
            if key != path:  # parameters the view does not take: Flask refuses them
                return self._answer_in_flask(environ, start_response)
            key = spec.key(args)
        inm = environ.get("HTTP_IF_NONE_MATCH")
        if spec.respond is None:  # (an LED frame's ETag is not its answer's)
            doubt_held(self.answers.peek(key), inm, self.versions)
        answer = self.answers.current(key, self.versions, at)
        if answer is None:
            return self._answer_in_flask(environ, start_response)
        if spec.respond is not None:
            result = spec.respond(answer, inm, self.feed, at, args)
            if result is None:
                return self._answer_in_flask(environ, start_response)
            status, headers, body = result
        else:
            status, headers, body = respond(answer, inm, self.feed, at)
        if spec.seen is not None and card is not None:
            note_seen(self.presence, card, answer, at, address_of(environ), spec.seen)
        start_response(_STATUS.get(status, f"{status} "), headers)
        return [b"" if method == "HEAD" else body]

    def _answer_in_flask(self, environ, start_response):
        """An answer this layer serves, built by Flask this time. Its Vary must be
        the same as when written here: Flask adds ``Cookie`` (the login extension
        reads the session on every response), which no terminal answer depends on,
        and a cache in front keeps one variant per Vary (deploy/nginx-scaled.conf)."""

        def start(status, headers, exc_info=None):
            headers = [_terminal_vary(h) for h in headers]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)

    def _post(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        route = self._route("POST", path)
        if route is None:
            return self.wsgi_app(environ, start_response)
        spec, args = route
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self.wsgi_app(environ, start_response)
        if length <= 0 or length > _MAX_HEARTBEAT_BYTES:
            return self.wsgi_app(environ, start_response)
        raw = environ["wsgi.input"].read(length)
        # Whatever happens next, Flask can still read the body.
        environ["wsgi.input"] = io.BytesIO(raw)
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            return self.wsgi_app(environ, start_response)
        if not isinstance(data, dict):
            return self.wsgi_app(environ, start_response)
        code = data.get("terminal") if spec.code_in_body else args.get("code")
        card = spec.access.card(self.directory, code, environ)
        if card is None:
            return self.wsgi_app(environ, start_response)
        reply = spec.note(self.app, card, data, address_of(environ), self.clock.now())
        if reply is None:
            return self.wsgi_app(environ, start_response)
        body = json.dumps(reply, ensure_ascii=False).encode()
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]


def _terminal_vary(header: tuple[str, str]) -> tuple[str, str]:
    name, value = header
    if name.lower() == "vary" and TERMINAL_VARY[1] in value:
        return TERMINAL_VARY
    return header


def note_seen(presence, card, answer, at, address: str, reported: dict) -> None:
    """A terminal fetched ``answer``: it is alive, and it shows the urgent notices in it
    (``answer.extra.urgent``: an LED strip has no other way to confirm them)."""
    presence.seen(card.id, at, address, last_version=answer.etag.strip('"'), **reported)
    for notice_id in answer.extra.urgent if answer.extra is not None else ():
        presence.confirmed(notice_id, card.id, at)


class FastPost:
    """A POST the fast path may answer (a heartbeat, a confirmation).

    ``note(app, card, data, address, at)`` records it in memory and returns
    the reply, or None to leave the request to Flask (which refuses it with
    the right error, or decides with the database). Flask's view calls the
    same ``note``: one implementation either way.
    """

    def __init__(self, access: TerminalAccess, note, *, code_in_body: bool = False):
        # The same declaration as the Flask view's: kiosks only in the header,
        # screens also ?token=.
        self.access = access
        self.note = note
        self.code_in_body = code_in_body


def fast_post(spec: FastPost):
    def decorate(view):
        view.fast_post = spec
        return view

    return decorate


__all__ = ["FastPath", "FastPost", "fast_post", "address_of"]
