"""Wait and handling times per window and per service, from the cases."""

from __future__ import annotations

from statistics import mean

from sqlalchemy import select

from admin.charts import bar_chart
from calling.models import CallCase
from content_feed.db import db
from content_feed.models import Rating


def _minutes(cases: list[CallCase], start: str, end: str) -> float | None:
    spans = [
        (getattr(c, end) - getattr(c, start)).total_seconds() / 60
        for c in cases
        if getattr(c, start) is not None and getattr(c, end) is not None
    ]
    spans = [s for s in spans if s >= 0]
    return round(mean(spans), 1) if spans else None


def _row(label: str, cases: list[CallCase], levels: dict[int, int]) -> dict:
    rated = [levels[c.rating_id] for c in cases if c.rating_id in levels]
    return {
        "label": label,
        "cases": len(cases),
        "served": sum(1 for c in cases if c.ended_at and not c.no_show),
        "no_show": sum(1 for c in cases if c.no_show),
        "wait": _minutes(cases, "issued_at", "called_at"),
        "handling": _minutes(cases, "started_at", "ended_at"),
        "rated": len(rated),
        "rating": round(mean(rated), 2) if rated else None,
    }


def case_stats(cases: list[CallCase]) -> dict:
    ids = [c.rating_id for c in cases if c.rating_id is not None]
    levels = (
        dict(db.session.execute(select(Rating.id, Rating.level).where(Rating.id.in_(ids))).all())
        if ids
        else {}
    )
    by_window: dict[str, list[CallCase]] = {}
    by_service: dict[str, list[CallCase]] = {}
    for case in cases:
        by_window.setdefault(case.window.label, []).append(case)
        by_service.setdefault(case.service or "（未注明业务）", []).append(case)
    windows = [_row(k, v, levels) for k, v in sorted(by_window.items())]
    services = [_row(k, v, levels) for k, v in sorted(by_service.items())]
    return {
        "windows": windows,
        "services": services,
        "handling_chart": bar_chart(
            [(r["label"], round(r["handling"] or 0)) for r in windows],
            title="各窗口平均办理时长（分钟）",
        ),
        "wait_chart": bar_chart(
            [(r["label"], round(r["wait"] or 0)) for r in services],
            title="各业务平均等候时长（分钟）",
        ),
    }
