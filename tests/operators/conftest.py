"""Fixtures of the operators' tests: console clients signed in by role."""

from __future__ import annotations

import pytest

from tests.display.conftest import signed_in


@pytest.fixture
def operator(demo_app, csrf_off):
    return signed_in(demo_app, "operator")


class Receiver:
    """A webhook receiver (企业微信 / 钉钉 robots, or any JSON endpoint): keeps what is posted."""

    def __init__(self):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.posts: list[tuple[str, dict]] = []
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                size = int(self.headers.get("Content-Length", "0"))
                posts.append((self.path, json.loads(self.rfile.read(size))))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode":0}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture(scope="module")
def hall_server(tmp_path_factory):
    """The demo hall on waitress (real clock), shared by a module's browser walks;
    a terminal shows offline after three seconds of silence."""
    from app import load_demo
    from content_feed.clock import SystemClock
    from content_feed.db import db
    from tests.conftest import LiveServer, build_app

    tmp = tmp_path_factory.mktemp("operators")
    app = build_app(tmp, SystemClock(), display={"offline_after_polls": 3, "poll_seconds": 1})
    with app.app_context():
        load_demo(db.session, SystemClock().now())
    server = LiveServer(app).start()
    yield server
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def console(browser, hall_server):
    """A console tab signed in as the demo operator."""
    from demo import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{hall_server.url}/admin/login")
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin**")
    yield page
    context.close()
