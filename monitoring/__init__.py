"""设备监控: every terminal at a glance, commands to screens, power schedules
(关屏时段) and alerts when a screen goes dark outside them. Console under
/admin/monitoring (role: operator)."""

from flask import Blueprint

bp = Blueprint("monitoring", __name__, url_prefix="/admin/monitoring", template_folder="templates")


def install(app) -> None:
    """The in-memory book and the heartbeat's reply fields (commands, power)."""
    from content_feed.api.heartbeat import HEARTBEAT_EXTRAS
    from monitoring.book import EXTENSION, MonitorBook, heartbeat_extra

    app.extensions[EXTENSION] = MonitorBook()
    app.extensions.setdefault(HEARTBEAT_EXTRAS, []).append(heartbeat_extra)


from monitoring import views  # noqa: E402,F401  (routes register on import)
