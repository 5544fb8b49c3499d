"""The two blueprints of display/: screens (token) and the operator's console (roles)."""

from flask import Blueprint

from web.hall_scope import console_blueprint

bp = Blueprint(
    "display", __name__, url_prefix="/display", template_folder="templates", static_folder="static"
)

console_bp = console_blueprint(
    Blueprint("display_console", __name__, url_prefix="/admin/display", template_folder="templates")
)

from display import console, led_views, player  # noqa: E402,F401  (routes register on import)
