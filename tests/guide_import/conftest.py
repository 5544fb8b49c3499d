"""Fixtures for the guide import tests: signed-in clients per role, and a way to
wait for the background worker."""

from __future__ import annotations

import time

from content_feed.db import db
from content_feed.models import GuideImport


def wait_for(import_id: int, *states: str, timeout: float = 60) -> GuideImport:
    """Poll the job (as another request would) until it reaches one of ``states``."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        job = db.session.get(GuideImport, import_id)
        if job.state in states:
            return job
        assert time.monotonic() < deadline, f"import {import_id} stuck in {job.state}"
        time.sleep(0.05)
