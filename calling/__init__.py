"""Queue calling (排队叫号): calls in from the hall's queue system or the console's
built-in caller; out to the windows' LED strips, the walls' band, the speakers;
and a rating at the end of each case.

Three blueprints: the queue system's endpoint (``/api/v1/calling``, its token),
the screens' answers (``/calling``, terminal tokens), the console (``/admin/calling``).
"""

from flask import Blueprint

from calling.models import MODELS
from web import hall_scope

api_bp = Blueprint("calling_api", __name__, url_prefix="/api/v1/calling")
bp = Blueprint(
    "calling",
    __name__,
    url_prefix="/calling",
    template_folder="templates",
    static_folder="static",
)
console_bp = hall_scope.console_blueprint(
    Blueprint("calling_console", __name__, url_prefix="/admin/calling", template_folder="templates")
)

# Every row names its hall: the console reads and writes them under the hall rule.
for model in MODELS:
    hall_scope.declare(model, hall_scope.OwnHall(city_wide=False))

from calling import console, intake, screens  # noqa: E402,F401  (routes register on import)
