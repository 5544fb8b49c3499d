"""The console's change recording: what admin/, display/console/ and feedback/ write
to the ledger when a person changes something — who (the signed-in user), when (the
app's clock), and the fields that changed (content_feed.ledger.record_change)."""

from __future__ import annotations

from flask_login import current_user

from content_feed import clock, ledger
from content_feed.db import db
from content_feed.ledger import snapshot

__all__ = ["record", "snapshot"]


def record(action: str, obj, before: dict | None, after: dict, summary: str = "") -> bool:
    """Record ``action`` on ``obj`` in the caller's transaction (it commits with it).

    Only the changed fields go on the row (all of them for a new object, ``before``
    None); False, and no row, when nothing changed."""
    return ledger.record_change(
        db.session,
        action,
        obj,
        before,
        after,
        actor=current_user._get_current_object(),
        at=clock.now(),
        summary=summary,
    )
