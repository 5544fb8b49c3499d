"""The admin console: drafting, review, approval, scheduling, the ledger."""

from flask import Blueprint

bp = Blueprint(
    "admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static"
)

from admin import views  # noqa: E402,F401  (routes register on import)
