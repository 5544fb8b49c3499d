"""Wall player, LED strip renderer and rotation schedules: reads only from content_feed."""

from __future__ import annotations

from flask import Flask

from display.blueprints import bp, console_bp


def init_app(app: Flask) -> None:
    from content_feed.extensions import csrf
    from display import boundaries, console, led_views, player  # noqa: F401
    from display.led.fonts import check_fonts

    # Screens authenticate with their token and carry no session cookie.
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(console_bp)
    versions = app.extensions["sunlight.versions"]
    versions.boundary_sources.append(boundaries.daypart_boundary(app))
    versions.boundary_topics.append(boundaries.daypart_topics_at)
    check_fonts(app)


def load_demo(session, now) -> None:
    from display.demo import load_demo as load

    load(session, now)
