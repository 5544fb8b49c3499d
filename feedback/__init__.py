"""Inquiries, ratings and supervision: the console where requests get answered on time.

Intake happens at the kiosk (content_feed.submissions); handling rules live in
content_feed.inquiry_handling and the ledger statistics in
content_feed.feedback_stats. This package is the console on top of them.
"""

from flask import Blueprint

bp = Blueprint(
    "feedback_console", __name__, url_prefix="/admin/feedback", template_folder="templates"
)

from feedback import refused, views  # noqa: E402,F401  (routes register on import)
