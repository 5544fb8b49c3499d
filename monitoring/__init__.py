"""设备监控: every terminal at a glance, commands to screens, power schedules
(关屏时段) and alerts when a screen goes dark outside them. Console under
/admin/monitoring (role: operator)."""

from flask import Blueprint

from content_feed.models import Terminal, TerminalGroup
from monitoring.models import PowerSchedule, TerminalCommand, TerminalScreenshot
from web import hall_scope
from web.hall_scope import console_blueprint

bp = console_blueprint(
    Blueprint("monitoring", __name__, url_prefix="/admin/monitoring", template_folder="templates")
)
# A command and a power schedule belong to the halls of their terminal or group.
hall_scope.declare(TerminalCommand, hall_scope.Through((("terminal_id", Terminal),)))
hall_scope.declare(TerminalScreenshot, hall_scope.Through((("terminal_id", Terminal),)))
hall_scope.declare(
    PowerSchedule,
    hall_scope.Through((("terminal_id", Terminal), ("group_id", TerminalGroup))),
)


def install(app) -> None:
    """The process's copy of the state, the heartbeat's reply fields (commands,
    power), and the LED sender's question whether a strip should be lit."""
    from content_feed.api.heartbeat import HEARTBEAT_EXTRAS
    from content_feed.services import services
    from display.led.sender import SCREEN_POWER
    from monitoring.book import EXTENSION, MonitorBook
    from monitoring.heartbeat import heartbeat_extra
    from monitoring.state import lit

    app.extensions[EXTENSION] = MonitorBook()
    app.extensions.setdefault(HEARTBEAT_EXTRAS, []).append(heartbeat_extra)
    app.extensions[SCREEN_POWER] = lambda terminal_id: lit(
        app, terminal_id, services(app).clock.now()
    )


from monitoring import views  # noqa: E402,F401  (routes register on import)
