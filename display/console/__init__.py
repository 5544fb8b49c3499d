"""The operator's console for screens, under /admin/display (role: operator)."""

from display.console import controllers, playlists, reports, schedules, terminals  # noqa: F401
