"""Ledger statistics of requests and ratings (seed 002: 438 received, 281 done …).

Computed in Python from a column-only query: a hall handles thousands of
requests a year, not millions, and the month is the hall's local month.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from content_feed.models import Inquiry, Rating, Window
from content_feed.timefmt import local
from content_feed.vocabulary import INQUIRY_KINDS, OPEN_INQUIRY_STATES, RATING_LEVELS, InquiryState
from inquiries.privacy import mask_text
from inquiries.working_days import working_days_between

GOOD_LEVEL = 4


def _blank() -> dict:
    return {
        "received": 0,
        "done": 0,
        "in_progress": 0,
        "pending": 0,
        "cannot_handle": 0,
        "overdue": 0,
        "answered": 0,
        "on_time": 0,
        "days_total": 0.0,
        "working_days_total": 0,
    }


def _finish(bucket: dict) -> dict:
    answered = bucket.pop("answered")
    on_time = bucket.pop("on_time")
    days = bucket.pop("days_total")
    working = bucket.pop("working_days_total")
    bucket["avg_days_to_answer"] = round(days / answered, 1) if answered else None
    bucket["avg_working_days_to_answer"] = round(working / answered, 1) if answered else None
    bucket["on_time_share"] = round(on_time / answered, 3) if answered else None
    return bucket


def inquiry_stats(session: Session, today: date) -> dict:
    rows = session.execute(
        select(
            Inquiry.kind,
            Inquiry.category,
            Inquiry.state,
            Inquiry.received_at,
            Inquiry.closed_at,
            Inquiry.due_on,
        )
    ).all()
    total, by_month, by_kind, by_category = (
        _blank(),
        defaultdict(_blank),
        defaultdict(_blank),
        defaultdict(_blank),
    )
    for kind, category, state, received_at, closed_at, due_on in rows:
        received_day = local(received_at).date()
        buckets = (
            total,
            by_month[received_day.strftime("%Y-%m")],
            by_kind[kind],
            by_category[category or "未分类"],
        )
        for b in buckets:
            b["received"] += 1
            b[state] += 1
            if state in OPEN_INQUIRY_STATES and due_on and due_on < today:
                b["overdue"] += 1
            if state == InquiryState.DONE and closed_at is not None:
                closed_day = local(closed_at).date()
                b["answered"] += 1
                b["days_total"] += (closed_at - received_at).total_seconds() / 86400
                b["working_days_total"] += working_days_between(received_day, closed_day)
                if due_on is None or closed_day <= due_on:
                    b["on_time"] += 1
    return {
        "total": _finish(total),
        "by_month": {m: _finish(b) for m, b in sorted(by_month.items())},
        "by_kind": {INQUIRY_KINDS.get(k, k): _finish(b) for k, b in sorted(by_kind.items())},
        "by_category": {c: _finish(b) for c, b in sorted(by_category.items())},
    }


def satisfaction_stats(session: Session) -> dict:
    windows = {w.id: w.label for w in session.execute(select(Window)).scalars()}
    rows = session.execute(
        select(Rating.level, Rating.target, Rating.window_id, Rating.received_at)
    ).all()

    def blank():
        return {
            "count": 0,
            "good": 0,
            "bad": 0,
            "sum": 0,
            "levels": {label: 0 for label in RATING_LEVELS.values()},
        }

    total, by_window, by_month = blank(), defaultdict(blank), defaultdict(blank)
    for level, target, window_id, received_at in rows:
        key = (
            windows.get(window_id, "大厅整体")
            if target == "window"
            else ("大厅整体" if target == "hall" else "办事事项")
        )
        for b in (total, by_window[key], by_month[local(received_at).strftime("%Y-%m")]):
            b["count"] += 1
            b["sum"] += level
            b["levels"][RATING_LEVELS[level]] += 1
            if level >= GOOD_LEVEL:
                b["good"] += 1
            elif level <= 2:
                b["bad"] += 1

    def finish(b):
        count = b["count"]
        return {
            "count": count,
            "average": round(b.pop("sum") / count, 2) if count else None,
            "good_share": round(b["good"] / count, 3) if count else None,
            "bad": b["bad"],
            "levels": b["levels"],
        }

    return {
        "total": finish(total),
        "by_window": {k: finish(v) for k, v in sorted(by_window.items())},
        "by_month": {k: finish(v) for k, v in sorted(by_month.items())},
    }


def public_summary(session: Session, today: date) -> dict:
    """What the kiosk shows as the public ledger: counts only, no personal data."""
    stats = inquiry_stats(session, today)
    sat = satisfaction_stats(session)
    t = stats["total"]
    return {
        "received": t["received"],
        "done": t["done"],
        "in_progress": t["in_progress"] + t["pending"],
        "cannot_handle": t["cannot_handle"],
        "overdue": t["overdue"],
        "on_time_share": t["on_time_share"],
        "avg_working_days_to_answer": t["avg_working_days_to_answer"],
        # In progress counts pending ones too, in the total and in every month alike.
        "by_month": {
            m: {
                "received": b["received"],
                "done": b["done"],
                "in_progress": b["in_progress"] + b["pending"],
                "cannot_handle": b["cannot_handle"],
            }
            for m, b in stats["by_month"].items()
        },
        "satisfaction": {
            "count": sat["total"]["count"],
            "average": sat["total"]["average"],
            "good_share": sat["total"]["good_share"],
        },
    }


def stats_table(stats: dict) -> tuple[list[str], list[list]]:
    """The statistics as a header and rows, for the CSV export."""
    header = [
        "分组",
        "名称",
        "受理",
        "已办结",
        "办理中",
        "待办",
        "暂不能办",
        "超期",
        "平均办理天数",
        "平均工作日",
        "按时办结率",
    ]
    rows = []
    for group, label in (("by_month", "月份"), ("by_kind", "类型"), ("by_category", "类别")):
        # Categories are typed at the kiosk: numbers in them are masked like the text.
        for name, b in stats[group].items():
            rows.append(
                [
                    label,
                    mask_text(name),
                    b["received"],
                    b["done"],
                    b["in_progress"],
                    b["pending"],
                    b["cannot_handle"],
                    b["overdue"],
                    b["avg_days_to_answer"] or "",
                    b["avg_working_days_to_answer"] or "",
                    f"{b['on_time_share']:.1%}" if b["on_time_share"] is not None else "",
                ]
            )
    t = stats["total"]
    rows.append(
        [
            "合计",
            "",
            t["received"],
            t["done"],
            t["in_progress"],
            t["pending"],
            t["cannot_handle"],
            t["overdue"],
            t["avg_days_to_answer"] or "",
            t["avg_working_days_to_answer"] or "",
            f"{t['on_time_share']:.1%}" if t["on_time_share"] is not None else "",
        ]
    )
    return header, rows
