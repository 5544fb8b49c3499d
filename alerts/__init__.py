"""Official warnings (预警信息, CAP 1.2 / GB/T 35965.1-2018) taking the hall's screens
by themselves: received by pull or push, shown as urgent notices or ticker slogans,
ended on Cancel, Update, expiry or by hand. See docs/alerts.md."""

from flask import Blueprint

from web.hall_scope import console_blueprint

# Pushes from the warning release system (a feed's token, no session: no CSRF).
bp = Blueprint("alerts", __name__, url_prefix="/alerts")
# The operator's pages, city-level (web/hall_scope.py CITY_ONLY_ENDPOINTS).
console_bp = console_blueprint(
    Blueprint("alerts_console", __name__, url_prefix="/admin/alerts", template_folder="templates")
)

from alerts import console, push  # noqa: E402,F401  (routes register on import)
