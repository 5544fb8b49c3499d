"""Logs an operator can read: a timestamp on every line, and an outage in a few lines.

Every process (``run.py``) logs to stderr, which systemd's journal or the
file of ``make scaled`` keeps, with the time, level and logger. When the
database goes away every request fails the same way: the first failure is
logged with its cause in one line (no traceback), the same failure again only
as a count once a minute, and its end as one line when a request succeeds.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REPEAT_SECONDS = 60.0


def _outage_cause(exc: BaseException | None) -> str | None:
    """A short name for a failure to reach a shared service, else None."""
    seen = 0
    while exc is not None and seen < 5:
        module = type(exc).__module__
        name = type(exc).__name__
        if name in ("OperationalError", "InterfaceError") and module.startswith(
            ("sqlalchemy", "psycopg", "sqlite3")
        ):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else name
            return f"database unreachable: {first[:200]}"
        if module.startswith("redis") and name in ("ConnectionError", "TimeoutError"):
            return f"redis unreachable: {str(exc)[:200]}"
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


class OutageFilter(logging.Filter):
    """One line per outage cause, then a count a minute, instead of a traceback per request."""

    def __init__(self, repeat_seconds: float = REPEAT_SECONDS):
        super().__init__()
        self.repeat_seconds = repeat_seconds
        self._lock = threading.Lock()
        self._causes: dict[str, list] = {}  # cause -> [last logged at, suppressed]

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        cause = _outage_cause(exc)
        if cause is None:
            return True
        now = time.monotonic()
        with self._lock:
            seen = self._causes.get(cause)
            if seen is not None and now - seen[0] < self.repeat_seconds:
                seen[1] += 1
                return False
            suppressed = seen[1] if seen else 0
            self._causes[cause] = [now, 0]
        record.msg = cause if not suppressed else f"{cause} (again {suppressed} times since)"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        return True

    def recovered(self) -> list[str]:
        """Forget the causes seen (the service answers again); their names."""
        with self._lock:
            causes, self._causes = list(self._causes), {}
        return causes


_filter = OutageFilter()


def setup(level: int = logging.INFO) -> None:
    """Timestamps on every line of this process's log, outages folded (once)."""
    root = logging.getLogger()
    if any(getattr(h, "sunlight", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.sunlight = True
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(_filter)
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic names each of its plugins at INFO on every start: noise.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def note_success() -> None:
    """A request succeeded: an outage logged before is over (one line)."""
    if _filter._causes:
        for cause in _filter.recovered():
            logging.getLogger("sunlight").warning("recovered from %s", cause)
