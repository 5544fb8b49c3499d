"""What happens to an alert from receipt to its end, each step on the ledger.

- **Receipt**: a document is parsed and validated (alerts/cap.py); a refused one is
  kept with its reason and never shown. A message seen before (same sender,
  identifier and sent) is ignored, so a feed re-read or a push repeated does nothing.
- **Status**: ``System`` is the feed's heartbeat; only ``Actual`` goes on screens, and
  ``Exercise``/``Test`` too while the operator's drill mode is on (marked 演练);
  ``Draft`` and non-public scopes never.
- **Update / Cancel** end the alerts named in ``<references>`` (an Update then shows
  itself in their place); a Cancel is never shown as an alert of its own.
- **Showing**: for every hall the alert's area covers (alerts/areas.py), the level's
  action: an urgent notice (takeover of walls, LED strips and kiosks) or a slogan
  (the ticker band), each ending at ``<expires>``. Screens read these through
  ``public_now`` like any notice, so an alert leaves them at its expiry even if no
  job runs; the sweep only records that it did.
- **End**: Cancel, Update, expiry or an operator's hand (with a reason) end its
  notices and slogans at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from alerts import areas, cap
from alerts.models import (
    LEVELS,
    LIVE,
    Alert,
    AlertFeed,
    AlertHallArea,
    AlertOutput,
    AlertPolicy,
    RefusedAlertDocument,
)
from content_feed import ledger
from content_feed.models import Slogan, UrgentNotice

KEEP_CHARS = 200_000
COLOURS = {code: word for code, word, _ in LEVELS}
# Slogans made by alerts come before the hall's own in the ticker.
TICKER_FIRST = -1000


@dataclass
class Receipt:
    """What one document did: for the push answer and the poll's log."""

    shown: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    duplicates: int = 0
    heartbeats: int = 0
    refused: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def policy(session: Session) -> AlertPolicy:
    row = session.get(AlertPolicy, 1)
    if row is None:
        row = AlertPolicy(id=1)
        session.add(row)
        session.flush()
    return row


def receive(
    session: Session,
    feed: AlertFeed | None,
    data: bytes,
    *,
    via: str,
    now: datetime,
    source_url: str = "",
) -> Receipt:
    """Take one document (an alert or a feed of them) in the caller's transaction."""
    receipt = Receipt()
    try:
        parsed = cap.parse(data)
    except cap.Refused as refused:
        text = data[:KEEP_CHARS].decode("utf-8", "replace")
        keep_refused(session, feed, refused.reason, text, via, now, source_url)
        receipt.refused.append(refused.reason)
        return receipt
    for reason, text in parsed.refused:
        keep_refused(session, feed, reason, text, via, now, source_url)
        receipt.refused.append(reason)
    receipt.links = parsed.links
    for message in parsed.alerts:
        take(session, feed, message, via=via, now=now, source_url=source_url, receipt=receipt)
    if feed is not None and parsed.alerts:
        heard(session, feed, now)
    return receipt


def keep_refused(session, feed, reason, text, via, now, source_url="") -> RefusedAlertDocument:
    row = RefusedAlertDocument(
        feed_id=feed.id if feed else None,
        via=via,
        source_url=source_url[:500],
        received_at=now,
        reason=reason,
        content=text[:KEEP_CHARS],
    )
    session.add(row)
    session.flush()
    ledger.record(
        session,
        "alert.refuse",
        obj=row,
        summary=f"拒收预警文档（{feed.name if feed else '未知来源'}）：{reason}"[:500],
        at=now,
    )
    return row


def heard(session: Session, feed: AlertFeed, now: datetime) -> None:
    feed.last_heard_at = now
    if feed.silent_since is not None:
        feed.silent_since = None
        ledger.record(
            session, "alert.feed_back", obj=feed, summary=f"预警接入源恢复：{feed.name}", at=now
        )


def take(session, feed, message: cap.CapAlert, *, via, now, source_url, receipt) -> Alert | None:
    if message.status == "System":
        if feed is not None:
            feed.last_heartbeat_at = now
        receipt.heartbeats += 1
        return None
    seen = session.execute(
        select(Alert.id).where(
            Alert.sender == message.sender,
            Alert.identifier == message.identifier,
            Alert.sent == message.sent,
        )
    ).first()
    if seen:
        receipt.duplicates += 1
        return None
    alert = Alert(
        feed_id=feed.id if feed else None,
        via=via,
        source_url=source_url[:500],
        received_at=now,
        sender=message.sender,
        identifier=message.identifier,
        sent=message.sent,
        status=message.status,
        msg_type=message.msg_type,
        scope=message.scope,
        references=[list(r) for r in message.references],
        event=message.event[:200],
        headline=message.headline[:300],
        description=message.description,
        instruction=message.instruction,
        sender_name=message.sender_name[:200],
        severity=message.severity,
        level=message.level,
        effective=message.effective,
        expires=message.expires,
        area_desc=message.area_desc,
        geocodes=[list(g) for g in message.geocodes],
        geometry={
            "polygons": [[list(p) for p in poly] for poly in message.polygons],
            "circles": [list(c) for c in message.circles],
        },
        state="held",
        xml=message.xml,
    )
    session.add(alert)
    session.flush()
    ledger.record(
        session,
        "alert.receive",
        obj=alert,
        summary=f"收到预警（{message.msg_type}/{message.status}）：{alert.title}"[:500],
        after={"identifier": alert.identifier, "sender": alert.sender, "via": via},
        at=now,
    )
    if message.msg_type in ("Update", "Cancel"):
        _end_referenced(session, alert, now)
    if message.msg_type == "Cancel":
        alert.state = "notice"
        return alert
    hold = _reason_to_hold(session, alert, now)
    if hold:
        alert.note = hold
        receipt.held.append(alert.id)
        return alert
    show(session, alert, now)
    (receipt.shown if alert.state == LIVE else receipt.held).append(alert.id)
    return alert


def _reason_to_hold(session, alert: Alert, now: datetime) -> str:
    if alert.msg_type not in ("Alert", "Update"):
        return f"{alert.msg_type} 消息不上屏"
    if alert.scope != "Public":
        return f"发布范围为 {alert.scope}（非 Public），不上屏"
    if alert.status == "Draft":
        return "草稿（Draft），不上屏"
    if alert.drill and not policy(session).drill_mode:
        return f"演练/测试消息（{alert.status}）：演练模式未开启，不上屏"
    if alert.expires is not None and alert.expires <= now:
        alert.state = "expired"
        return "收到时已过有效期（<expires>），不上屏"
    return ""


def _end_referenced(session, alert: Alert, now: datetime) -> None:
    refs = [(s, i, datetime.fromisoformat(t)) for s, i, t in alert.references]
    targets = (
        session.execute(
            select(Alert).where(tuple_(Alert.sender, Alert.identifier, Alert.sent).in_(refs))
        )
        .scalars()
        .all()
    )
    state = "cancelled" if alert.msg_type == "Cancel" else "updated"
    verb = "撤销" if state == "cancelled" else "更新"
    for target in targets:
        if target.state in (LIVE, "held"):
            end(session, target, state, f"已被{verb}（{alert.identifier}）", now)
    missing = len(refs) - len(targets)
    alert.note = f"{verb}了 {len(targets)} 条预警" + (
        f"，另有 {missing} 条本系统未收到" if missing else ""
    )


def title_of(alert: Alert) -> str:
    colour = COLOURS.get(alert.level, "")
    tag = f"【{colour}预警】" if colour else "【预警】"
    return ("【演练】" if alert.drill else "") + tag + alert.title


def show(session: Session, alert: Alert, now: datetime) -> None:
    """Put ``alert`` on the screens of every hall its area covers, by its level's action."""
    rules = policy(session)
    action = rules.action_for(alert.level or "blue")
    if action == "none":
        alert.note = "该级别设置为不上屏"
        return
    halls = [
        a for a in session.execute(select(AlertHallArea)).scalars() if areas.for_hall(alert, a)
    ]
    if not halls:
        alert.note = "预警区域不包含任何大厅（按行政区划代码与坐标判断）"
        return
    ends = alert.expires or now + timedelta(hours=rules.default_hours)
    title = title_of(alert)[:200]
    body = "\n".join(t for t in (alert.description, alert.instruction) if t)
    for area in halls:
        output = AlertOutput(alert=alert, hall_id=area.hall_id)
        if action == "takeover":
            output.notice = UrgentNotice(
                title=title,
                body=body,
                starts_at=now,
                ends_at=ends,
                hall_id=area.hall_id,
                level=alert.level,
            )
        else:
            output.slogan = Slogan(
                text=f"{title}　{alert.description}"[:200],
                hall_id=area.hall_id,
                valid_from=now,
                valid_until=ends,
                published_at=now,
                sort_order=TICKER_FIRST,
            )
        session.add(output)
    alert.state = LIVE
    names = "、".join(a.hall.name for a in halls)
    alert.note = f"已上屏：{'整屏接管' if action == 'takeover' else '滚动字幕'}（{names}）"
    session.flush()
    ledger.record(
        session,
        "alert.show",
        obj=alert,
        summary=f"预警上屏：{title}（{names}）"[:500],
        after={"action": action, "halls": [a.hall_id for a in halls], "ends_at": ends.isoformat()},
        at=now,
    )


def end(session, alert: Alert, state: str, note: str, now: datetime, actor=None) -> None:
    """Take ``alert`` off every screen it is on, at once."""
    for output in alert.outputs:
        if output.notice is not None and output.notice.cancelled_at is None:
            output.notice.cancelled_at = now
        if output.slogan is not None and output.slogan.active:
            output.slogan.active = False
    before = {"state": alert.state}
    alert.state, alert.note, alert.ended_at = state, note, now
    alert.ended_by_id = actor.id if actor is not None else None
    ledger.record(
        session,
        f"alert.{state}",
        actor=actor,
        obj=alert,
        summary=f"预警下屏：{alert.title}：{note}"[:500],
        before=before,
        after={"state": state},
        at=now,
    )


def sweep(session: Session, now: datetime) -> dict:
    """Record alerts past their expiry, and feeds gone silent (side effects only:
    screens already stopped showing an expired alert at its time)."""
    expired = (
        session.execute(select(Alert).where(Alert.state == LIVE, Alert.expires <= now))
        .scalars()
        .all()
    )
    for alert in expired:
        end(session, alert, "expired", "已到有效期（<expires>），自动下屏", now)
    silent = []
    for feed in session.execute(select(AlertFeed).where(AlertFeed.active.is_(True))).scalars():
        if not feed.silence_minutes or feed.silent_since is not None:
            continue
        heard_at = [t for t in (feed.last_heard_at, feed.last_heartbeat_at) if t]
        last = max(heard_at) if heard_at else feed.created_at
        if now - last > timedelta(minutes=feed.silence_minutes):
            feed.silent_since = now
            silent.append(feed.id)
            ledger.record(
                session,
                "alert.feed_silent",
                obj=feed,
                summary=f"预警接入源 {feed.name} 已超过 {feed.silence_minutes} 分钟没有任何消息（含心跳）",
                at=now,
            )
    return {"expired": [a.id for a in expired], "silent": silent}


def end_drills(session: Session, now: datetime, actor=None) -> int:
    """Drill mode switched off: drills on screens end."""
    drills = (
        session.execute(
            select(Alert).where(Alert.state == LIVE, Alert.status.in_(("Exercise", "Test")))
        )
        .scalars()
        .all()
    )
    for alert in drills:
        end(session, alert, "ended", "演练模式已关闭", now, actor)
    return len(drills)
