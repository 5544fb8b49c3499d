"""Server-side SVG charts for the dashboard: no script, no library, no internet."""

from __future__ import annotations

from markupsafe import Markup, escape

PALETTE = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037"]
FONT_PX = 15  # as admin.css draws chart text (it overrides the attribute)
MAX_LABEL = 14  # characters; longer labels end in "…" (the bar's tooltip has them whole)


def text_width(text: str) -> int:
    """How wide ``text`` draws at FONT_PX: CJK characters full width, others about half."""
    return sum(FONT_PX if ord(ch) >= 0x2E80 else FONT_PX * 6 // 10 for ch in text)


def shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(
    rows: list[tuple[str, int]],
    *,
    title: str,
    colors: list[str] | None = None,
    width: int = 520,
    bar_height: int = 22,
    label_width: int = 130,
) -> Markup:
    """Horizontal bars with their labels and values, readable without colour."""
    gap, top = 8, 6
    # Wide enough for the longest label, so none is cut at the left edge.
    label_width = max(label_width, 12 + max((text_width(shorten(lb)) for lb, _ in rows), default=0))
    width = max(width, label_width + 260)
    height = top + max(1, len(rows)) * (bar_height + gap)
    biggest = max((v for _, v in rows), default=0) or 1
    room = width - label_width - 60
    parts = [
        # Scales to its card: the viewBox keeps the proportions.
        f'<svg class="chart" role="img" width="100%" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    if not rows:
        parts.append(f'<text x="0" y="{top + 14}" fill="#666">暂无数据</text>')
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + gap)
        length = round(room * value / biggest) if value else 0
        color = (colors or PALETTE)[i % len(colors or PALETTE)]
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 6}" text-anchor="end" '
            f'font-size="{FONT_PX}" fill="#333">{escape(shorten(label))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1)}" height="{bar_height}" '
            f'fill="{color}"><title>{escape(label)}：{value}</title></rect>'
            f'<text x="{label_width + length + 6}" y="{y + bar_height - 6}" '
            f'fill="#222">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
