"""Urgent-notice confirmation status and the proof-of-play report (chart and CSV)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from flask import abort, render_template, request
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from admin.auth import role_required
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import PlayRecord, Terminal, UrgentNotice, UrgentNoticeAck
from content_feed.presence import book
from content_feed.timefmt import hall_zone
from content_feed.vocabulary import TERMINAL_KINDS
from display import presence
from display.blueprints import console_bp
from display.console.svg import as_date, bar_chart_svg
from display.screens import screen_of, urgent_rule_of
from shared.ids import db_int
from shared.spreadsheet import csv_response

MAX_DAYS = 92


# -- urgent notices ---------------------------------------------------------------


def targeted_terminals(notice: UrgentNotice) -> list[Terminal]:
    """The walls, LED strips and kiosks the notice is meant to reach."""
    rule = urgent_rule_of(notice)
    stmt = select(Terminal).where(Terminal.active.is_(True))
    rows = db.session.execute(stmt.options(selectinload(Terminal.groups))).scalars()
    return [t for t in rows if rule.targets(screen_of(t))]


@console_bp.get("/urgent/<int:notice_id>")
@role_required("operator")
def urgent_status(notice_id: int):
    notice = db.session.get(UrgentNotice, notice_id) or abort(404)
    at = now()
    stored = {
        a.terminal_id: a
        for a in db.session.execute(
            select(UrgentNoticeAck).where(UrgentNoticeAck.notice_id == notice.id)
        ).scalars()
    }
    targets = targeted_terminals(notice)
    acks = {t.id: confirmation(notice.id, t.id, stored.get(t.id)) for t in targets}
    showing = notice.cancelled_at is None and notice.starts_at <= at < notice.ends_at
    rows = [
        {
            "terminal": t,
            "ack": acks[t.id],
            "online": presence.is_online(t, at),
            # Confirmed lately: within a few urgent polls of now.
            "current": acks[t.id] is not None
            and at - acks[t.id].last_confirmed_at <= presence.offline_after("wall"),
        }
        for t in targets
    ]
    rows.sort(key=lambda r: (r["ack"] is not None, r["terminal"].code))
    return render_template(
        "display/console/urgent_status.html",
        notice=notice,
        rows=rows,
        showing=showing,
        confirmed=sum(1 for r in rows if r["ack"]),
        kinds=TERMINAL_KINDS,
        at=at,
    )


def confirmation(notice_id: int, terminal_id: int, row: UrgentNoticeAck | None):
    """What the database holds of a confirmation, with this process's pending one."""
    pending = book().pending_confirmation(notice_id, terminal_id)
    if pending is None:
        return row
    first, last = pending
    if row is not None:
        first, last = min(first, row.first_shown_at), max(last, row.last_confirmed_at)
    return SimpleNamespace(first_shown_at=first, last_confirmed_at=last)


# -- proof of play ----------------------------------------------------------------


def _range() -> tuple[date, date]:
    today = now().astimezone(hall_zone()).date()
    try:
        start = date.fromisoformat(request.args.get("from", ""))
    except ValueError:
        start = today - timedelta(days=6)
    try:
        end = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    return max(start, end - timedelta(days=MAX_DAYS - 1)), end


def _plays(start: date, end: date, terminal_id: int | None):
    tz = hall_zone()
    lo = datetime.combine(start, time(0)).replace(tzinfo=tz)
    hi = datetime.combine(end + timedelta(days=1), time(0)).replace(tzinfo=tz)
    stmt = select(PlayRecord).where(PlayRecord.started_at >= lo, PlayRecord.started_at < hi)
    if terminal_id:
        stmt = stmt.where(PlayRecord.terminal_id == terminal_id)
    return db.session.execute(stmt.order_by(PlayRecord.started_at)).scalars()


def summarise(records, tz) -> dict:
    """(day, terminal, content) → [plays, seconds]."""
    table: dict[tuple, list] = defaultdict(lambda: [0, 0.0])
    for r in records:
        key = (as_date(r.started_at, tz), r.terminal_id, r.title or r.entry_key)
        table[key][0] += 1
        table[key][1] += r.duration_seconds
    return table


def _report():
    start, end = _range()
    terminal_id = request.args.get("terminal", type=db_int)
    tz = hall_zone()
    table = summarise(_plays(start, end, terminal_id), tz)
    codes = dict(db.session.execute(select(Terminal.id, Terminal.code)).all())
    return start, end, terminal_id, table, codes


@console_bp.get("/proof-of-play")
@role_required("operator")
def proof_of_play():
    start, end, terminal_id, table, codes = _report()
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    series: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for (d, t, _title), (count, _s) in table.items():
        series[codes.get(t, str(t))][d] += count
    rows = sorted(table.items(), key=lambda kv: (kv[0][0], codes.get(kv[0][1], ""), -kv[1][0]))
    terminals = db.session.execute(
        select(Terminal).where(or_(Terminal.kind == "wall", Terminal.kind == "led"))
    ).scalars()
    return render_template(
        "display/console/proof.html",
        start=start,
        end=end,
        terminal_id=terminal_id,
        terminals=list(terminals),
        rows=rows,
        codes=codes,
        chart=bar_chart_svg(days, series),
        total=sum(c for c, _ in table.values()),
    )


@console_bp.get("/proof-of-play.csv")
@role_required("operator")
def proof_of_play_csv():
    start, end, _terminal_id, table, codes = _report()
    return csv_response(
        ["日期", "终端", "内容", "播放次数", "播放时长（秒）"],
        (
            [d.isoformat(), codes.get(t, t), title, count, round(seconds, 1)]
            for (d, t, title), (count, seconds) in sorted(table.items(), key=lambda kv: kv[0][:2])
        ),
        f"proof-of-play-{start}-{end}.csv",
    )
