"""The admin console: drafting, review, approval, scheduling, the ledger."""

from flask import Blueprint

from web.hall_scope import console_blueprint

bp = console_blueprint(
    Blueprint(
        "admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static"
    )
)

from admin import views, words  # noqa: E402,F401  (routes and helpers register on import)
