"""Display pages."""

from flask import abort, render_template
from sqlalchemy import select

from content_feed.db import db
from content_feed.models import Terminal
from display import bp


def _terminal(code: str, kind: str) -> Terminal:
    terminal = db.session.execute(
        select(Terminal).where(Terminal.code == code, Terminal.kind == kind)
    ).scalar_one_or_none()
    if terminal is None:
        abort(404)
    return terminal


@bp.get("/<code>")
def wall(code: str):
    return render_template("display/wall.html", terminal=_terminal(code, "wall"))


@bp.get("/led/<code>")
def led(code: str):
    return render_template("display/wall.html", terminal=_terminal(code, "led"))
