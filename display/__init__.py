"""Wall player and LED strip renderer: reads only from content_feed."""

from flask import Blueprint, Flask

bp = Blueprint(
    "display", __name__, url_prefix="/display", template_folder="templates", static_folder="static"
)

from display import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
