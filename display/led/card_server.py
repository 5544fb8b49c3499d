"""What every simulated card shares: a threaded TCP server on a free port, the open
connections (a restart cuts them), faults counted down, and waiting for news."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sim = self.server.sim
        with sim.tracked(self.request):
            sim._serve(self.request)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, sim):
        self.sim = sim
        super().__init__(address, _Handler)


class CardServer:
    """Subclasses set ``faults`` and ``state`` and answer one connection in ``_serve``."""

    def __init__(self, host: str, port: int):
        self._lock = threading.Condition()
        self._open: set[socket.socket] = set()
        self._server = _Server((host, port), self)
        self.host, self.port = self._server.server_address[:2]
        self._thread: threading.Thread | None = None

    def _serve(self, sock: socket.socket) -> None:
        raise NotImplementedError

    def start(self):
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._cut()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @contextlib.contextmanager
    def tracked(self, sock: socket.socket):
        with self._lock:
            self._open.add(sock)
        try:
            yield
        except OSError:
            pass  # the client went away, or a restart cut the line
        finally:
            with self._lock:
                self._open.discard(sock)

    def _cut(self) -> None:
        """Every open connection closed from the card's side (a restart, a stop)."""
        with self._lock:
            for sock in list(self._open):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _take(self, name: str) -> bool:
        """One of the ``faults.name`` counter strikes now."""
        with self._lock:
            left = getattr(self.faults, name)
            if left > 0:
                setattr(self.faults, name, left - 1)
                return True
            return False

    def wait_for(self, predicate, timeout: float = 5.0) -> bool:
        """Block until ``predicate(state)`` is true (checked at every change)."""
        with self._lock:
            return self._lock.wait_for(lambda: predicate(self.state), timeout)
