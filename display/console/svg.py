"""Server-side SVG pictures: a terminal's day and the proof-of-play chart."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from display.program import decision_label

# Fixed, colour-blind-friendly colours; urgent is always red, idle grey.
PALETTE = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#9e9d24", "#5d4037"]
URGENT, IDLE = "#c62828", "#bdbdbd"


def _colour(decision, order: dict) -> str:
    if decision.mode == "urgent":
        return URGENT
    if decision.playlist_id is None:
        return IDLE
    order.setdefault(decision.playlist_id, len(order))
    return PALETTE[order[decision.playlist_id] % len(PALETTE)]


def timeline_svg(segments, names: dict, tz: ZoneInfo, on: date, width: int = 960) -> Markup:
    """One bar for the day, 00:00 to 24:00, a band per segment, labelled."""
    left, bar_y, bar_h = 10, 30, 44
    span = width - 2 * left
    day_start = segments[0][0] if segments else None
    total = 24 * 3600
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" viewBox="0 0 {width} 150" '
        f'width="100%" role="img" aria-label="{escape(on.isoformat())} 播放时间线">',
        f'<text x="{left}" y="18">{escape(on.isoformat())} 播放时间线（大厅时间）</text>',
    ]
    order: dict = {}
    legend: dict[str, str] = {}
    for start, end, decision in segments:
        x0 = left + span * (start - day_start).total_seconds() / total
        x1 = left + span * (end - day_start).total_seconds() / total
        colour = _colour(decision, order)
        label = decision_label(decision, names)
        legend[label] = colour
        local = f"{start.astimezone(tz):%H:%M}–{end.astimezone(tz):%H:%M}"
        parts.append(
            f'<rect x="{x0:.1f}" y="{bar_y}" width="{max(x1 - x0, 0.5):.1f}" height="{bar_h}" '
            f'fill="{colour}"><title>{escape(local)} {escape(label)}</title></rect>'
        )
        if x1 - x0 > 70:
            parts.append(
                f'<text x="{x0 + 4:.1f}" y="{bar_y + 27}" fill="#fff">{escape(label[:12])}</text>'
            )
    for hour in range(0, 25, 3):
        x = left + span * hour / 24
        parts.append(
            f'<line x1="{x:.1f}" y1="{bar_y + bar_h}" x2="{x:.1f}" y2="{bar_y + bar_h + 6}" stroke="#555"/>'
            f'<text x="{x:.1f}" y="{bar_y + bar_h + 20}" text-anchor="middle">{hour:02d}:00</text>'
        )
    x = left
    for label, colour in legend.items():
        parts.append(
            f'<rect x="{x}" y="122" width="14" height="14" fill="{colour}"/>'
            f'<text x="{x + 18}" y="134">{escape(label)}</text>'
        )
        x += 30 + 14 * len(label)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart_svg(days: list[date], series: dict[str, dict[date, int]], width: int = 960) -> Markup:
    """Plays per day, stacked by terminal."""
    height, left, bottom, top = 260, 50, 40, 20
    plot_w, plot_h = width - left - 10, height - top - bottom
    totals = [sum(s.get(d, 0) for s in series.values()) for d in days]
    peak = max(totals, default=0) or 1
    step = plot_w / max(len(days), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart plays" viewBox="0 0 {width} {height + 24}" '
        f'width="100%" role="img" aria-label="每日播放次数">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#555"/>',
        f'<text x="4" y="{top + 4}">{peak}</text><text x="4" y="{top + plot_h}">0</text>',
    ]
    colours = {name: PALETTE[n % len(PALETTE)] for n, name in enumerate(series)}
    for n, d in enumerate(days):
        y = top + plot_h
        for name, counts in series.items():
            value = counts.get(d, 0)
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            parts.append(
                f'<rect x="{left + n * step + step * 0.15:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" '
                f'height="{h:.1f}" fill="{colours[name]}"><title>{escape(name)} {d:%m-%d}：{value} 次</title></rect>'
            )
        if len(days) <= 16 or n % max(1, len(days) // 12) == 0:
            parts.append(
                f'<text x="{left + (n + 0.5) * step:.1f}" y="{top + plot_h + 16}" '
                f'text-anchor="middle">{d:%m-%d}</text>'
            )
    x = left
    for name, colour in colours.items():
        parts.append(
            f'<rect x="{x}" y="{height + 6}" width="14" height="14" fill="{colour}"/>'
            f'<text x="{x + 18}" y="{height + 18}">{escape(name)}</text>'
        )
        x += 40 + 12 * len(name)
    parts.append("</svg>")
    return Markup("".join(parts))


def as_date(value: datetime, tz: ZoneInfo) -> date:
    return value.astimezone(tz).date()
