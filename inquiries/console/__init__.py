"""Inquiries, ratings and supervision: the console where requests get answered on time.

Intake happens at the kiosk (inquiries.submissions); handling rules live in
inquiries.handling and the ledger statistics in
inquiries.statistics. This package is the console on top of them.
"""

from flask import Blueprint

from web.hall_scope import console_blueprint

bp = console_blueprint(
    Blueprint(
        "feedback_console", __name__, url_prefix="/admin/feedback", template_folder="templates"
    )
)

from inquiries.console import refused, views  # noqa: E402,F401  (routes register on import)
