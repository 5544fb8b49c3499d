"""The touch kiosk (触摸查询一体机): reads only from content_feed."""

from flask import Blueprint

bp = Blueprint(
    "kiosk", __name__, url_prefix="/kiosk", template_folder="templates", static_folder="static"
)

from kiosk import views  # noqa: E402,F401  (routes register on import)
