"""Wall player, LED strip renderer and rotation schedules: reads only from content_feed.

Its two blueprints, with their routes, are in display.blueprints.
"""

from __future__ import annotations


def load_demo(session, now) -> None:
    from display.demo import load_demo as load

    load(session, now)
