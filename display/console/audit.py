"""What a terminal, playlist or schedule looks like on the audit ledger: the states
the display console records before and after each change (through admin.changes,
as the rest of the console does)."""

from __future__ import annotations

from admin.changes import snapshot
from display.console.picker import entry_words
from display.playlist import NEEDS_APPROVAL

TERMINAL_FIELDS = (
    "code", "name", "kind", "hall_id", "width", "height", "color_mode", "led_color",
    "font_size", "scroll_speed", "active",
)  # fmt: skip
SCHEDULE_FIELDS = (
    "name", "playlist_id", "terminal_id", "group_id", "is_default", "priority",
    "date_from", "date_to", "day_of_week", "start_time", "end_time", "active",
)  # fmt: skip


def terminal_state(terminal) -> dict:
    data = snapshot(terminal, TERMINAL_FIELDS)
    data["groups"] = sorted(g.name for g in terminal.groups)
    return data


def schedule_state(schedule) -> dict:
    return snapshot(schedule, SCHEDULE_FIELDS)


def playlist_state(playlist) -> dict:
    return {
        "name": playlist.name,
        # In words (kind, title, seconds): the ledger shows them as they are.
        "entries": [
            f"{entry_words(e)} {e.duration_seconds}秒"
            + (" 待审批" if e.kind in NEEDS_APPROVAL and e.published_at is None else "")
            for e in sorted(playlist.entries, key=lambda e: e.sort_order)
        ],
    }
