"""Console pages."""

from flask import render_template

from admin import bp


@bp.get("/")
def home():
    return render_template("admin/home.html")
