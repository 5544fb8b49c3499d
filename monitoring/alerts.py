"""Alerts: a terminal silent beyond ``monitoring.silent_minutes`` while it should
be on opens one alert (a whole hall gone dark is one alert, not one per screen),
sent to the configured webhooks (generic JSON, 企业微信 and 钉钉 group robots)
and by e-mail; when every terminal of it is back, a 恢复 notice closes it.
Run by the scheduler (``watch_screens``), never on a request thread."""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections import defaultdict
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select

from content_feed import ledger
from content_feed.db import db
from content_feed.models import Hall, Terminal
from content_feed.presence import last_seen
from content_feed.timefmt import local_text
from monitoring.book import book
from monitoring.models import MonitorAlert
from monitoring.state import fresh, write_acks

log = logging.getLogger(__name__)
FORMATS = ("json", "wecom", "dingtalk")


def silent_terminals(app, at: datetime) -> dict[int, Terminal]:
    """Terminals once seen, now silent beyond the limit, while they should be on."""
    limit = timedelta(minutes=app.config["SUNLIGHT"]["monitoring"]["silent_minutes"])
    monitor = book(app)
    found = {}
    for terminal in db.session.execute(select(Terminal).where(Terminal.active.is_(True))).scalars():
        if monitor.power(terminal.id) == "off":
            continue
        seen = last_seen(terminal, app)
        if seen is not None and at - seen > limit:
            found[terminal.id] = terminal
    return found


def _hall_terminals() -> dict[int, set[int]]:
    """Per hall, its active terminals that have ever reported."""
    found: dict[int, set[int]] = defaultdict(set)
    rows = db.session.execute(
        select(Terminal).where(Terminal.active.is_(True), Terminal.last_seen_at.is_not(None))
    ).scalars()
    for terminal in rows:
        found[terminal.hall_id].add(terminal.id)
    return found


def _title(hall: Hall | None, terminals: list[Terminal], whole: bool) -> str:
    where = hall.name if hall else "未指定大厅"
    if whole:
        return f"{where}：全部 {len(terminals)} 台终端离线"
    return f"{where}：{'、'.join(t.name for t in terminals)} 离线"


def check(app, at: datetime) -> tuple[list[MonitorAlert], list[MonitorAlert]]:
    """Open alerts for new outages and close those that are over; (opened, closed)."""
    silent = silent_terminals(app, at)
    open_alerts = list(
        db.session.execute(select(MonitorAlert).where(MonitorAlert.closed_at.is_(None))).scalars()
    )
    closed = []
    for alert in open_alerts:
        if not set(alert.terminal_ids) & set(silent):
            alert.closed_at = at
            closed.append(alert)
    covered = {t for a in open_alerts if a.closed_at is None for t in a.terminal_ids}
    new_by_hall: dict[int, list[Terminal]] = defaultdict(list)
    for ident, terminal in silent.items():
        if ident not in covered:
            new_by_hall[terminal.hall_id].append(terminal)
    reporting = _hall_terminals()
    opened = []
    for hall_id, terminals in new_by_hall.items():
        hall = db.session.get(Hall, hall_id)
        hall_silent = {t for t in silent if silent[t].hall_id == hall_id}
        whole = len(reporting.get(hall_id, ())) > 1 and reporting[hall_id] <= hall_silent
        groups = [terminals] if whole or len(terminals) > 1 else [[t] for t in terminals]
        for group in groups:
            alert = MonitorAlert(
                hall_id=hall_id,
                whole_hall=whole,
                terminal_ids=sorted(t.id for t in group),
                title=_title(hall, group, whole),
                opened_at=at,
            )
            db.session.add(alert)
            opened.append(alert)
    for alert in opened:
        ledger.record(db.session, "monitor.alert", actor_name="系统", summary=alert.title)
    for alert in closed:
        ledger.record(
            db.session, "monitor.recover", actor_name="系统", summary=f"恢复：{alert.title}"
        )
    db.session.commit()
    return opened, closed


def message(alert: MonitorAlert, recovered: bool) -> str:
    if recovered:
        return (
            f"【恢复】{alert.title}，已于 {local_text(alert.closed_at)} 恢复在线"
            f"（离线自 {local_text(alert.opened_at)} 起）"
        )
    return f"【设备离线告警】{alert.title}（发现时间 {local_text(alert.opened_at)}）"


def body(fmt: str, alert: MonitorAlert, recovered: bool) -> dict:
    text = message(alert, recovered)
    if fmt in ("wecom", "dingtalk"):
        # Both group robots take a plain text message in this shape.
        return {"msgtype": "text", "text": {"content": text}}
    codes = [
        t.code
        for t in db.session.execute(
            select(Terminal).where(Terminal.id.in_(alert.terminal_ids))
        ).scalars()
    ]
    return {
        "event": "recovery" if recovered else "alert",
        "alert_id": alert.id,
        "text": text,
        "title": alert.title,
        "hall_id": alert.hall_id,
        "whole_hall": alert.whole_hall,
        "terminals": codes,
        "opened_at": alert.opened_at.isoformat(),
        "closed_at": alert.closed_at.isoformat() if alert.closed_at else None,
    }


def _post(url: str, payload: dict) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 (configured URL)
        answer.read()


def notify(app, alert: MonitorAlert, recovered: bool) -> list[str]:
    """Send to every configured webhook and the e-mail address; what failed."""
    settings = app.config["SUNLIGHT"]["monitoring"]
    failed = []
    for hook in settings["webhooks"]:
        fmt, _, url = hook.partition(":")
        if fmt not in FORMATS:
            fmt, url = "json", hook
        try:
            _post(url, body(fmt, alert, recovered))
        except (OSError, ValueError) as exc:
            log.warning("alert webhook %s failed: %s", url, exc)
            failed.append(f"网络通知失败（{fmt}）")
    mail = app.config["SUNLIGHT"]["feedback"]
    if settings["email_to"] and mail["smtp_host"]:
        note = EmailMessage()
        note["Subject"] = message(alert, recovered)[:120]
        note["From"] = mail["reminder_email_from"]
        note["To"] = settings["email_to"]
        note.set_content(message(alert, recovered))
        try:
            with smtplib.SMTP(mail["smtp_host"], mail["smtp_port"], timeout=30) as smtp:
                smtp.send_message(note)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("alert e-mail failed: %s", exc)
            failed.append("邮件通知失败")
    return failed


def watch_screens(app, now: datetime) -> tuple[list[str], list[str]]:
    """The scheduler's job: power state, acknowledgements, outages. The titles
    of the alerts it opened and closed."""
    with app.app_context():
        fresh(app, now, force=True)
        write_acks(app)
        opened, closed = check(app, now)
        for alert, recovered in [(a, False) for a in opened] + [(a, True) for a in closed]:
            failed = notify(app, alert, recovered)
            alert.delivery = "；".join(failed) if failed else "已通知"
        db.session.commit()
        return [a.title for a in opened], [a.title for a in closed]
