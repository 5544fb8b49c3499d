"""Console pages, one module per area."""

from admin.views import (  # noqa: F401
    account,
    auth,
    dashboard,
    guide_imports,
    guide_revisions,
    guides,
    hall_grants,
    items,
    ledger_pages,
    notices,
    settings,
)
