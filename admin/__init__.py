"""The admin console: drafting, review, approval, scheduling, the ledger."""

from flask import Blueprint

bp = Blueprint(
    "admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static"
)

from admin import views, words  # noqa: E402,F401  (routes and helpers register on import)
