"""The operator's console for screens, under /admin/display (role: operator)."""

from display.console import playlists, previews, reports, schedules, terminals  # noqa: F401
