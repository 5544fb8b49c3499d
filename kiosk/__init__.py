"""The touch kiosk (触摸查询一体机): reads only from content_feed."""

from flask import Blueprint, Flask

bp = Blueprint(
    "kiosk", __name__, url_prefix="/kiosk", template_folder="templates", static_folder="static"
)

from kiosk import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    from content_feed.extensions import csrf

    # A kiosk's confirmation carries no session cookie; it is not a form.
    csrf.exempt(views.ack)
    app.register_blueprint(bp)
