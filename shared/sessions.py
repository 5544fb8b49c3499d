"""Console sessions end when they should.

A session carries the account's *session generation* from when it was made; the
generation moves on logout, password change, role change and deactivation, and
every session of an older generation stops working at its next request (a
copied cookie too). A session also ends after ``security.session_idle_minutes``
without a request, and ``security.session_lifetime_minutes`` after sign-in
however busy it is.
"""

from __future__ import annotations

import time

from flask import current_app, session

GENERATION, STARTED, SEEN = "sunlight.gen", "sunlight.started", "sunlight.seen"
# Seconds between writes of the last-seen time (each write re-sends the cookie).
_SEEN_RESOLUTION = 15


def wall_clock() -> float:
    """Real elapsed time, not the hall's content clock (which tests move by days
    to cross publication windows): a session's age is always real seconds."""
    return time.time()


def start(user) -> None:
    """Bind the current (fresh) session to ``user``'s current generation."""
    t = wall_clock()
    session[GENERATION] = user.session_generation
    session[STARTED] = session[SEEN] = t
    session.permanent = True


def still_valid(user) -> bool:
    """Whether the current session may go on as ``user``; refreshes its last-seen time."""
    security = current_app.config["SUNLIGHT"]["security"]
    t = wall_clock()
    started, seen = session.get(STARTED), session.get(SEEN)
    if session.get(GENERATION) != user.session_generation:
        return False
    if not isinstance(started, int | float) or not isinstance(seen, int | float):
        return False
    if t - started > security["session_lifetime_minutes"] * 60:
        return False
    if t - seen > security["session_idle_minutes"] * 60:
        return False
    if t - seen > _SEEN_RESOLUTION:
        session[SEEN] = t
    return True
