"""The JSON feed API, ``/api/v1``: one module per group of resources."""

from flask import Blueprint

api = Blueprint("api_v1", __name__, url_prefix="/api/v1")

from content_feed.api import openapi, resources  # noqa: E402,F401  (routes register on import)
