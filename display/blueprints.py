"""The two blueprints of display/: screens (token) and the operator's console (roles)."""

from flask import Blueprint

bp = Blueprint(
    "display", __name__, url_prefix="/display", template_folder="templates", static_folder="static"
)

console = Blueprint(
    "display_console", __name__, url_prefix="/admin/display", template_folder="templates"
)
