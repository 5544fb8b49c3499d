"""The admin console: drafting, review, approval, scheduling, the ledger."""

from flask import Blueprint, Flask

bp = Blueprint(
    "admin", __name__, url_prefix="/admin", template_folder="templates", static_folder="static"
)

from admin import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from admin import nav

    nav.init_app(app)
    app.register_blueprint(bp)
