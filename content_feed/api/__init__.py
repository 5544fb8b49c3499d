"""The JSON feed API, ``/api/v1``: one module per group of resources.

The inquiries' routes (submissions, receipts, public answers, the public ledger)
are on this blueprint too, registered by ``inquiries.api`` on import.
"""

from flask import Blueprint

api = Blueprint("api_v1", __name__, url_prefix="/api/v1")

from content_feed.api import heartbeat, openapi, resources, search  # noqa: E402,F401  (routes register on import)
