"""The central feed: data model, workflow, what is public now, and the feed API.

kiosk/ and display/ read only from here; they never import each other.
"""

from __future__ import annotations

from flask import Flask


def init_extensions(app: Flask) -> None:
    from flask_migrate import Migrate

    from content_feed.answers import AnswerCache
    from content_feed.db import db
    from content_feed.extensions import csrf, limiter
    from content_feed.presence import PresenceBook
    from content_feed.terminals import TerminalDirectory
    from content_feed.versioning import Versions, install_session_hooks

    db.init_app(app)
    Migrate(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    from content_feed.auth import login_manager

    csrf.init_app(app)
    from content_feed import rate_limits

    rate_limits.configure(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    install_session_hooks()
    from content_feed import text_hygiene

    text_hygiene.install()
    from content_feed.models.ledger import install_guards

    install_guards()
    with app.app_context():
        engine = db.engine
    versions = Versions(
        lambda: engine,
        app.extensions["sunlight.clock"],
        app.config["SUNLIGHT"]["feed"]["version_ttl_seconds"],
    )
    app.extensions["sunlight.versions"] = versions
    app.extensions["sunlight.answers"] = AnswerCache()
    app.extensions["sunlight.terminals"] = TerminalDirectory(lambda: engine, versions)
    app.extensions["sunlight.presence"] = PresenceBook()


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"


def init_app(app: Flask) -> None:
    from content_feed import atom, qr
    from content_feed.api import api
    from content_feed.extensions import csrf
    from content_feed.public_pages import bp as public_pages

    # The JSON API takes no cookies-based session, so CSRF does not apply;
    # kiosk submissions are guarded by idempotency keys and rate limits.
    csrf.exempt(api)
    app.register_blueprint(api)
    app.register_blueprint(qr.bp)
    app.register_blueprint(atom.bp)
    app.register_blueprint(public_pages)
