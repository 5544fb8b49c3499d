"""The JSON feed API, ``/api/v1``: one module per group of resources."""

from flask import Blueprint

api = Blueprint("api_v1", __name__, url_prefix="/api/v1")

import content_feed.api.ledger_summary  # noqa: E402,F401  (public request statistics)
import content_feed.api.refusals  # noqa: E402,F401  (queued submissions refused on arrival)
import content_feed.api.submissions  # noqa: E402,F401  (kiosk submissions, search, heartbeat)
from content_feed.api import openapi, resources  # noqa: E402,F401  (routes register on import)
