"""The inquiries' HTTP face on the feed API's blueprint (``/api/v1``): kiosk
submissions and their receipts, public answers, refusals, the public ledger."""

from inquiries.api import ledger_summary, refusals, submissions  # noqa: F401  (routes register on import)
