"""Background jobs (APScheduler), started once per serving process."""

from __future__ import annotations


def start_scheduler(app) -> None:
    """Placeholder until the console's jobs land (archive, stale flags, backups)."""
