"""The touch kiosk (触摸查询一体机): built on the feed, and hands what people submit
to the inquiries domain; never imports display/."""

from flask import Blueprint

bp = Blueprint(
    "kiosk", __name__, url_prefix="/kiosk", template_folder="templates", static_folder="static"
)

from kiosk import views  # noqa: E402,F401  (routes register on import)
