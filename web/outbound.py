"""Requests this server makes to others (alert feeds, a hall's queue system):
HTTP and HTTPS only, so a configured URL (or a redirect) to file:// or ftp:// is
refused, never read."""

from __future__ import annotations

import urllib.request


def opener(*, redirects: bool = True) -> urllib.request.OpenerDirector:
    handlers = [
        urllib.request.HTTPHandler,
        urllib.request.HTTPSHandler,
        urllib.request.HTTPDefaultErrorHandler,
        urllib.request.HTTPErrorProcessor,
        urllib.request.UnknownHandler,
    ]
    if redirects:
        handlers.append(urllib.request.HTTPRedirectHandler)
    built = urllib.request.OpenerDirector()
    for handler in handlers:
        built.add_handler(handler())
    return built
