"""A WSGI layer in front of Flask for terminal polls.

Hundreds of terminals poll the feed every few seconds and almost every poll
is answered "nothing new". Such a request needs no routing hooks, session,
rate limiter or database: when the URL is a feed answer (a view wrapped in
``api.caching.conditional``) and its If-None-Match names the current feed
state, the 304 is written here. A 200 whose body is already in the body
cache for the current state is served here too. Everything else goes to Flask.
"""

from __future__ import annotations

from werkzeug.exceptions import HTTPException

from content_feed.api.caching import cache_control_header, etag_matches

_MAX_REMEMBERED_PATHS = 4096


class FeedFastPath:
    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.app = app
        self._is_feed_path: dict[str, bool] = {}

    def _feed_path(self, path: str) -> bool:
        known = self._is_feed_path.get(path)
        if known is None:
            try:
                endpoint, _ = self.app.url_map.bind("localhost").match(path, method="GET")
                view = self.app.view_functions.get(endpoint)
                known = bool(getattr(view, "feed_conditional", False))
            except HTTPException:
                known = False
            if len(self._is_feed_path) < _MAX_REMEMBERED_PATHS:
                self._is_feed_path[path] = known
        return known

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "")
        if method not in ("GET", "HEAD") or not self._feed_path(path):
            return self.wsgi_app(environ, start_response)
        ext = self.app.extensions
        state = ext["sunlight.feed_version"]
        etag = state.etag()
        boundary = state.next_boundary()
        feed = self.app.config["SUNLIGHT"]["feed"]
        headers = [
            ("ETag", etag),
            ("Cache-Control", cache_control_header(feed, boundary, ext["sunlight.clock"].now())),
        ]
        if etag_matches(environ.get("HTTP_IF_NONE_MATCH"), etag):
            start_response("304 NOT MODIFIED", headers)
            return [b""]
        hit = ext["sunlight.body_cache"].get_entry(
            f"{path}?{environ.get('QUERY_STRING', '')}", etag
        )
        if hit is None:
            return self.wsgi_app(environ, start_response)
        body, mimetype = hit
        start_response(
            "200 OK", [("Content-Type", mimetype), ("Content-Length", str(len(body))), *headers]
        )
        return [b"" if method == "HEAD" else body]
