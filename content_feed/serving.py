"""Waitress, as Sunlight serves with it.

Waitress 3.0.2 closes the connection after every HTTP/1.1 answer that has no
Content-Length, including those that never have a body (304, 204, 1xx):
every "nothing new" poll would cost a terminal a new TCP connection, and
nginx its upstream keepalive. Such an answer's length is known (none), so
the connection stays open here unless the client asked to close it.

And waitress waits on its sockets with select() unless told otherwise, which
cannot watch a descriptor above 1023: past about a thousand terminals the
whole server stops with "filedescriptor out of range in select()". It uses
poll() here.
"""

from __future__ import annotations

import waitress.server
from waitress.channel import HTTPChannel
from waitress.task import WSGITask


class KeepAliveTask(WSGITask):
    def build_response_header(self):
        if self.has_body or self.version != "1.1":
            return super().build_response_header()
        closing = self.close_on_finish
        # Waitress closes when it finds no Content-Length unless already closing.
        self.close_on_finish = True
        try:
            return super().build_response_header()
        finally:
            asked = self.request.headers.get("CONNECTION", "").lower() == "close"
            self.close_on_finish = closing or asked


class KeepAliveChannel(HTTPChannel):
    task_class = KeepAliveTask


def create_server(app, **settings):
    """A waitress server for ``app``; ``settings`` are waitress' own (threads, port …)."""
    settings.setdefault("asyncore_use_poll", True)
    server = waitress.server.create_server(app, **settings)
    listeners = (
        [s for s in server.map.values() if isinstance(s, waitress.server.BaseWSGIServer)]
        if isinstance(server, waitress.server.MultiSocketServer)
        else [server]
    )
    for listener in listeners:
        listener.channel_class = KeepAliveChannel
    return server
