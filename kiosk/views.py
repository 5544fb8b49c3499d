"""Kiosk pages."""

from flask import abort, render_template
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Terminal
from kiosk import bp


@bp.get("/<code>")
def home(code: str):
    terminal = db.session.execute(
        select(Terminal).where(Terminal.code == code, Terminal.kind == "kiosk")
    ).scalar_one_or_none()
    if terminal is None:
        abort(404)
    return render_template("kiosk/home.html", terminal=terminal)
