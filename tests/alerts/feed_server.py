"""A small CAP feed server for the tests: serves documents with ETags and
Last-Modified, answers conditional requests with 304, and counts what it was asked."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FeedServer:
    def __init__(self):
        self.documents: dict[str, tuple[int, bytes]] = {}
        self.requests: list[tuple[str, str, str]] = []  # (path, If-None-Match, status)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, body = server.documents.get(self.path, (404, b"not here"))
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                asked = self.headers.get("If-None-Match", "")
                if status == 200 and asked == etag:
                    status, body = 304, b""
                server.requests.append((self.path, asked, status))
                self.send_response(status)
                if status in (200, 304):
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", "Tue, 17 Nov 2026 02:00:00 GMT")
                self.send_header("Content-Type", "application/cap+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def serve(self, path: str, text: str, status: int = 200) -> str:
        self.documents[path] = (status, text.encode())
        return self.url + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
