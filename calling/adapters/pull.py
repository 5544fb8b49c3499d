"""Polling each hall's NovoSGA for its calls, and handing each new one to the
same event path as the queue system's endpoint (calling/state.receive).

NovoSGA's panel answers its last 10 calls with no time and no "since"
(calling/adapters/novosga.py). A call is new when its id was not in the previous
answer (and is above that answer's lowest id, when it was full): the order of the
list does not matter, a repeat is not a new call, and a call whose transaction
committed late still comes in, dated just before the newest one taken (so it
never overrides a newer call at its window). The first answer after connecting
is history, not called. Each call's event id is NovoSGA's own (``novosga-<unit>-
<id>-<ticket>``), so receive() also takes it once whatever happens here.

A server that fails (refused, 5xx, time-out) is written on the link for the
console, and its failing and recovering go to the ledger once each; a call for a
window the hall does not have is refused with receive()'s own message, in the
console and the ledger, and never stops the others.

The poller is a thread of the serving process (``Background``) ticking every
second (the scheduler's unit is the minute, a queue is polled every few seconds)
and a small pool that asks the due links side by side. Like the LED push, it works
only while its node leads (operations/leadership.py).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from calling.adapters.novosga import Call, Client, NovosgaError, call_of
from calling.models import CallingWindow, NovosgaLink
from calling.schemas import CallEventIn
from calling.sealing import Unreadable, unseal
from calling.state import receive
from content_feed import ledger
from content_feed.api.problems import Problem
from content_feed.db import db
from content_feed.models import Window
from content_feed.services import services

log = logging.getLogger("sunlight.calling.novosga")

PANEL_SIZE = 10  # PainelController::painel's setMaxResults
TICK = 1.0
WORKERS = 4  # links asked at once
LATE = timedelta(milliseconds=1)

# Each link's client (its token and services), while its settings stay the same.
_clients: dict[int, tuple[tuple, Client]] = {}


@dataclass
class Receipt:
    taken: list[str] = field(default_factory=list)  # receive()'s status of each new call
    refused: list[str] = field(default_factory=list)  # messages
    error: str = ""


def client_for(link: NovosgaLink) -> Client:
    """The link's client, kept between polls; new when its settings change.
    Raises Unreadable when its secrets were sealed under another key."""
    key = (
        link.base_url,
        link.unit_id,
        link.client_id,
        link.client_secret,
        link.username,
        link.password,
    )
    kept = _clients.get(link.id)
    if kept is None or kept[0] != key:
        client = Client(
            link.base_url,
            link.unit_id,
            link.client_id,
            unseal(link.client_secret),
            link.username,
            unseal(link.password),
        )
        kept = _clients[link.id] = (key, client)
    return kept[1]


def due(link: NovosgaLink, now: datetime) -> bool:
    if not link.active or not link.base_url:
        return False
    return link.last_polled_at is None or now - link.last_polled_at >= timedelta(
        seconds=link.interval_seconds
    ) - timedelta(milliseconds=200)


def new_calls(link: NovosgaLink, calls: list[Call]) -> list[Call]:
    """The calls of this answer not taken before, oldest id first."""
    if link.seen_ids is None:
        return []  # the first answer: history
    previous = {int(i) for i in link.seen_ids.split(",") if i}
    # A full answer hides what fell off its end: below its lowest id is old.
    floor = min(previous) if len(previous) >= PANEL_SIZE else None
    return [c for c in calls if c.id not in previous and (floor is None or c.id > floor)]


def _kind(session, link: NovosgaLink, call: Call) -> str:
    """NovoSGA's "chamar novamente" adds a row like a call: the ticket the window
    is calling already is a recall."""
    row = session.execute(
        select(CallingWindow)
        .join(Window, Window.id == CallingWindow.window_id)
        .where(Window.hall_id == link.hall_id, Window.number == call.window)
    ).scalar_one_or_none()
    calling = row is not None and row.state == "calling" and row.ticket == call.ticket
    return "recall" if calling else "call"


def _take(session, link: NovosgaLink, call: Call, at: datetime, now: datetime) -> str:
    data = CallEventIn(
        event_id=f"novosga-{link.unit_id}-{call.id}-{call.ticket}"[:80],
        type=_kind(session, link, call),
        window=call.window,
        ticket=call.ticket,
        service=call.service,
        occurred_at=at,
    )
    return receive(session, link.hall, data, now, source="novosga").status


def _failed(session, link: NovosgaLink, message: str, now: datetime) -> None:
    if link.failing_since is None:
        link.failing_since = now
        ledger.record(
            session,
            "calling.novosga.failing",
            obj=link,
            summary=f"{link.hall.name}的 NovoSGA 无法取得叫号：{message}",
            at=now,
        )
        log.warning("NovoSGA of hall %s fails: %s", link.hall_id, message)
    link.poll_error = message[:300]


def poll(session, link: NovosgaLink, now: datetime) -> Receipt:
    """Ask the link's NovoSGA once and take its new calls; commits."""
    receipt = Receipt()
    rows = None
    try:
        rows = client_for(link).panel()
    except Unreadable:
        receipt.error = "保存的客户端密钥或密码无法解密（服务器密钥已更换？），请在设置中重新填写"
    except NovosgaError as exc:
        receipt.error = str(exc)
    calls = sorted(
        {c.id: c for c in map(call_of, rows or []) if c is not None}.values(), key=lambda c: c.id
    )
    if rows and not calls:
        # Another shape (another NovoSGA version?) would otherwise look like a quiet hall.
        receipt.error = (
            "NovoSGA 的面板应答中没有可识别的叫号（缺少 id、siglaSenha、numeroSenha、numeroLocal）"
        )
    if receipt.error:
        link.last_polled_at = now
        _failed(session, link, receipt.error, now)
        session.commit()
        return receipt
    for call in new_calls(link, calls):
        newest = link.last_id is None or call.id > link.last_id
        at = now if newest or link.last_id_at is None else link.last_id_at - LATE
        try:
            receipt.taken.append(_take(session, link, call, at, now))
        except (Problem, ValueError) as exc:  # raised before receive() writes anything
            reason = exc.description if isinstance(exc, Problem) else "字段不合要求"
            message = (
                f"NovoSGA 的叫号 {call.ticket}（{call.place} {call.window}）未能接收：{reason}"
            )
            receipt.refused.append(message)
            link.refused = message[:300]
            ledger.record(session, "calling.novosga.refused", obj=link, summary=message, at=now)
            log.warning("NovoSGA call %s refused: %s", call.id, reason)
        if newest:
            link.last_id, link.last_id_at = call.id, at
    if link.last_id is None and calls:
        link.last_id, link.last_id_at = calls[-1].id, now
    link.seen_ids = ",".join(str(c.id) for c in calls)
    link.last_polled_at = link.last_answer_at = now
    if link.failing_since is not None:
        ledger.record(
            session,
            "calling.novosga.recovered",
            obj=link,
            summary=f"{link.hall.name}的 NovoSGA 恢复应答",
            at=now,
        )
    link.poll_error, link.failing_since = "", None
    session.commit()
    return receipt


def due_links(app, now: datetime) -> list[int]:
    """The active links whose interval has passed."""
    with app.app_context():
        links = db.session.execute(select(NovosgaLink).where(NovosgaLink.active)).scalars()
        ids = [link.id for link in links if due(link, now)]
        db.session.rollback()  # end the read transaction: the next tick sees new commits
    return ids


def poll_link(app, link_id: int, now: datetime) -> bool:
    """Poll one link in an app context of its own; False if it could not be."""
    with app.app_context():
        link = db.session.get(NovosgaLink, link_id)
        if link is None:
            return False
        try:
            poll(db.session, link, now)
            return True
        except Exception:  # one broken link must not stop the others
            db.session.rollback()
            log.exception("polling NovoSGA link %s failed", link_id)
            return False


def poll_due_links(app, now: datetime) -> list[int]:
    """Every due link, one after another (the tests' and the benchmark's cycle)."""
    return [link_id for link_id in due_links(app, now) if poll_link(app, link_id, now)]


class Puller:
    """The poller: every TICK, each due link handed to a small pool, while this node
    leads. A link still being asked is not asked again, and a NovoSGA that times out
    holds up only its own hall."""

    def __init__(self, app, leads=None, workers: int = WORKERS):
        self.app = app
        self._leads = leads
        self._stopping = threading.Event()
        self._busy: set[int] = set()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="novosga-poll")
        self._thread = threading.Thread(target=self._loop, name="novosga-pull", daemon=True)

    def start(self) -> Puller:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=15)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _loop(self) -> None:
        while not self._stopping.wait(TICK):
            if self._leads is not None and not self._leads():
                continue  # another node leads and polls
            try:
                now = services(self.app).clock.now()
                for link_id in due_links(self.app, now):
                    with self._lock:
                        if link_id in self._busy:
                            continue
                        self._busy.add(link_id)
                    self._pool.submit(self._poll, link_id, now)
            except Exception:  # the poller must outlive any one bad tick
                log.exception("NovoSGA poller tick failed")

    def _poll(self, link_id: int, now: datetime) -> None:
        try:
            poll_link(self.app, link_id, now)
        finally:
            with self._lock:
                self._busy.discard(link_id)


def start_pulling(app) -> Puller:
    """Start with the scheduler (``run.py serve``); polls only while this node leads."""
    leadership = app.extensions.get("sunlight.leadership")
    leads = (lambda: leadership.leading) if leadership is not None else None
    return Puller(app, leads).start()
