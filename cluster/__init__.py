"""Running Sunlight as several nodes (docs/deploying.md, docs/deploying-separate-machines.md).

What a node of a city deployment needs beyond serving: a health check a load
balancer or monitor can ask (``/healthz``), logs an operator can read through
an outage, one migration at a time when nodes boot together, a refusal to
serve the embedded SQLite when configured for a cluster, and PostgreSQL
backups with a restore.
"""

from flask import Blueprint

bp = Blueprint("cluster", __name__)

from cluster import health, logs  # noqa: E402,F401  (routes)


@bp.after_app_request
def _outage_over(response):
    # A request answered: an outage logged before is over (one line, cluster/logs.py).
    if response.status_code < 500:
        logs.note_success()
    return response
