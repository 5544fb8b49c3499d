"""The two blueprints of display/: screens (token) and the operator's console (roles)."""

from flask import Blueprint

from display.access import TerminalRefused, refused_response

bp = Blueprint(
    "display", __name__, url_prefix="/display", template_folder="templates", static_folder="static"
)
bp.register_error_handler(TerminalRefused, refused_response)

console_bp = Blueprint(
    "display_console", __name__, url_prefix="/admin/display", template_folder="templates"
)
