"""Wall player, LED strip renderer and rotation schedules: built on the feed; never
imports kiosk/.

Its two blueprints, with their routes, are in display.blueprints.
"""

from __future__ import annotations


def load_demo(session, now) -> None:
    from display.demo import load_demo as load

    load(session, now)
