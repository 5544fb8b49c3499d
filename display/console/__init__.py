"""The operator's console for screens, under /admin/display (role: operator)."""

from display.console import (  # noqa: F401
    controllers,
    playlists,
    previews,
    reports,
    schedules,
    terminals,
)
