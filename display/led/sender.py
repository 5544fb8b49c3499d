"""The sender: pushes each push-configured LED terminal's program to its card.

One trigger thread (started by the serving process, never on a request thread;
with several nodes it works only while its node leads the scheduler)
watches ``program_etag(terminal)`` of every terminal whose ``LedController`` has a
push protocol, every ``push_tick_seconds``; when it moves (content, urgent notice,
daypart edge, terminal or controller settings), or ``push_refresh_seconds`` have
passed, it renders the program and hands it to that card's worker.

One worker thread per card, with a mailbox of one: the newest program replaces
one not sent yet, so a slow card gets the latest state, never a backlog, and a
busy or vanished card delays nobody else. A failed push is retried with
exponential backoff (``push_retry_max_seconds`` at most) until it is
acknowledged or replaced. Between pushes the worker pings the card every
``push_ping_seconds``; when a card comes back, or answers on a new connection
because it cut the old one (a restart empties its RAM), the last program goes to it
again within that ping. Only dynamic areas are written (RAM, unlimited writes): the
card's flash programs are never touched.

What we put on a card we also take off: when a terminal stops being pushed (pull,
启用 unticked, no address) or its program moves to another place (area number,
card), a retiring worker clears the old place (Onbon A7 01), retrying until the
card acknowledges, so an urgent notice never stays on a card nobody feeds.
While a technician's test pattern (校准图案) shows, the program waits.

Status (last push, last ACK, last error, online) is kept in memory and written to
``led_controller`` by the trigger thread in one transaction per tick that has news.

To replace the trigger by a change notification, call ``Sender.poll_once()`` when
notified (it is cheap when nothing changed).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select, update

from content_feed.clock import now
from content_feed.db import db
from content_feed.models import LedController, Terminal
from content_feed.services import services
from display.led.card_pages import CardPage, inputs_for, pages_for_panel
from display.led.delivery import PushDriver, drivers
from display.led.errors import DeliveryError
from display.led.fonts import NoLedFont
from display.program import program_answer

log = logging.getLogger("sunlight.display.sender")
# app.extensions: callable(terminal_id) -> whether the screen should be lit now (a
# package above the display, monitoring's power schedules, answers; none: always lit).
SCREEN_POWER = "sunlight.screen_power"


@dataclass(frozen=True)
class Settings:
    tick: float = 0.2
    timeout: float = 3.0
    ping_seconds: float = 15.0
    refresh_seconds: float = 300.0
    retry_first: float = 0.2
    retry_max: float = 30.0

    @classmethod
    def from_config(cls, config: dict) -> Settings:
        d = config["display"]
        return cls(
            tick=d["push_tick_seconds"],
            timeout=d["push_timeout_seconds"],
            ping_seconds=d["push_ping_seconds"],
            refresh_seconds=d["push_refresh_seconds"],
            retry_max=d["push_retry_max_seconds"],
        )


@dataclass
class Status:
    """What the console shows; the worker writes it, the trigger thread stores it."""

    last_push_at: datetime | None = None
    last_ack_at: datetime | None = None
    last_error: str = ""
    last_error_at: datetime | None = None
    last_ping_at: datetime | None = None
    online: bool | None = None
    pushed_version: str = ""
    screen_dark: bool | None = None
    dirty: bool = False


@dataclass(frozen=True)
class Job:
    version: str
    pages: list[CardPage] = field(hash=False, compare=False)
    brightness: int | None = None
    lit: bool = True  # False: the power schedule says dark; the card's screen is switched off


class Worker:
    """The queue and thread of one card."""

    def __init__(self, key: int, driver: PushDriver, card, settings: Settings, clock):
        self.key, self.driver, self.card, self.settings = key, driver, card, settings
        self._clock = clock
        self.status = Status()
        self._cond = threading.Condition()
        self._pending: Job | None = None
        self._delivered: Job | None = None  # the last acknowledged program
        self._brightness_sent: int | None = None
        self._lit_sent: bool | None = None
        self._clearing = False  # a retiring worker: clear the card, then end
        self._stop = False
        self._failures = 0
        self._retry_at = 0.0
        self._next_ping = time.monotonic() + settings.ping_seconds
        self._thread = threading.Thread(target=self._run, name=f"led-push-{key}", daemon=True)
        self._thread.start()

    # -- from the trigger thread --------------------------------------------------

    def submit(self, job: Job) -> None:
        with self._cond:
            self._pending = job
            self._cond.notify()

    def retarget(self, driver: PushDriver, card) -> None:
        """New address or model: the next push goes there."""
        with self._cond:
            self.driver, self.card = driver, card
            self._brightness_sent = self._lit_sent = None

    def retire(self) -> None:
        """Clear our program off the card, retrying until acknowledged, then end."""
        with self._cond:
            self._pending, self._clearing = None, True
            self._retry_at = 0.0
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def join(self, timeout: float = 5.0) -> None:
        self._thread.join(timeout)

    @property
    def idle(self) -> bool:
        with self._cond:
            return self._pending is None

    # -- the thread ------------------------------------------------------------------

    def _note(self, **changes) -> None:
        with self._cond:
            for name, value in changes.items():
                setattr(self.status, name, value)
            self.status.dirty = True

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stop:
                    t = time.monotonic()
                    if self._clearing and t >= self._retry_at:
                        action = "clear"
                        break
                    if self._clearing:
                        self._cond.wait(self._retry_at - t)
                        continue
                    if self._pending is not None and t >= self._retry_at:
                        action = "push"
                        break
                    if t >= self._next_ping:
                        action = "ping"
                        break
                    deadline = self._next_ping
                    if self._pending is not None:
                        deadline = min(deadline, self._retry_at)
                    self._cond.wait(deadline - t)
                if self._stop:
                    return
                job, driver, card = self._pending, self.driver, self.card
            if action == "clear":
                if self._clear(driver, card):
                    return
            elif action == "push":
                self._push(job, driver, card)
            else:
                self._ping(driver, card)

    def _push(self, job: Job, driver: PushDriver, card) -> None:
        at = self._clock.now()
        # A card that cuts our connection after the pages went (it restarted
        # between two commands of one push) has lost them: the job again.
        lost = False
        try:
            # A dark screen needs no pages: they go with the switch back on.
            if job.lit:
                driver.push(card, job.pages, self.settings.timeout)
                if job.brightness is not None and job.brightness != self._brightness_sent:
                    lost |= driver.set_brightness(card, job.brightness, self.settings.timeout)
                    self._brightness_sent = job.brightness
            if job.lit != self._lit_sent:
                lost |= driver.switch(card, job.lit, self.settings.timeout)
                self._lit_sent = job.lit
        except DeliveryError as exc:
            wait = self._backoff(exc)
            self._note(last_push_at=at, last_error=str(exc)[:300], last_error_at=at)
            # No answer at all: the card is not there; a NACK: it is, and refuses.
            self._note(online=exc.error is not None)
            log.info("push to terminal %s failed (%s), again in %.1f s", self.key, exc, wait)
            return
        if lost:
            # Still pending: at once the first time, then backing off (a card that
            # cut every connection would otherwise be pushed to without end).
            self._failures += 1
            wait = 0.0
            if self._failures > 1:
                wait = min(
                    self.settings.retry_max, self.settings.retry_first * 2 ** (self._failures - 2)
                )
            log.info("terminal %s: the card cut our connection during a push, again", self.key)
            with self._cond:
                self._brightness_sent = self._lit_sent = None
                self._retry_at = time.monotonic() + wait
            return
        done = self._clock.now()
        self._failures = 0
        with self._cond:
            if self._pending is job:
                self._pending = None
            self._delivered = job
            self._retry_at = 0.0
            self._next_ping = time.monotonic() + self.settings.ping_seconds
        self._note(
            last_push_at=at,
            last_ack_at=done,
            online=True,
            pushed_version=job.version,
            screen_dark=not job.lit,
            last_error="",
        )

    def _backoff(self, exc: DeliveryError) -> float:
        self._failures += 1
        wait = min(self.settings.retry_max, self.settings.retry_first * 2 ** (self._failures - 1))
        if not exc.retryable:
            wait = self.settings.retry_max
        with self._cond:
            self._retry_at = time.monotonic() + wait
        return wait

    def _clear(self, driver: PushDriver, card) -> bool:
        """True once the card acknowledged (or no longer exists as we knew it)."""
        try:
            driver.clear(card, self.settings.timeout)
        except DeliveryError as exc:
            wait = self._backoff(exc)
            log.info(
                "clearing terminal %s's old card failed (%s), again in %.1f s", self.key, exc, wait
            )
            return False
        driver.release(card)
        return True

    def _ping(self, driver: PushDriver, card) -> None:
        at = self._clock.now()
        try:
            lost = driver.ping(card, min(2.0, self.settings.timeout))
        except DeliveryError as exc:
            self._note(last_ping_at=at, online=False, last_error=str(exc)[:300], last_error_at=at)
        else:
            came_back = self.status.online is False
            self._note(last_ping_at=at, online=True)
            with self._cond:
                if self._pending is not None:
                    self._retry_at = 0.0  # the card answers: try the push now
                elif (came_back or lost) and self._delivered is not None:
                    # A card that was away, or cut our connection, may have restarted
                    # with an empty RAM and its own brightness.
                    log.info(
                        "terminal %s: the card %s, its program again",
                        self.key,
                        "answers again" if came_back else "had cut our connection",
                    )
                    self._pending = self._delivered
                    self._brightness_sent = self._lit_sent = None
        with self._cond:
            self._next_ping = time.monotonic() + self.settings.ping_seconds


@dataclass
class _Seen:
    key: tuple
    at: float


class Sender:
    """The trigger and the workers of one app."""

    def __init__(self, app, settings: Settings | None = None, leads=None):
        self.app = app
        self.settings = settings or Settings.from_config(app.config["SUNLIGHT"])
        # Whether this node leads (operations/leadership.py): only the leader's
        # sender talks to the cards, so several nodes never push to one card.
        self._leads = leads
        self.workers: dict[int, Worker] = {}
        self.retiring: list[Worker] = []  # clearing places no longer fed
        self._seen: dict[int, _Seen] = {}
        self._rendered: OrderedDict[tuple, list[CardPage]] = OrderedDict()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self.renders = 0

    # -- lifecycle ------------------------------------------------------------------

    def start(self) -> Sender:
        self._thread = threading.Thread(target=self._loop, name="led-push-trigger", daemon=True)
        self._thread.start()
        return self

    def wake(self, _topics=None) -> None:
        """Look now: a commit moved some version (Versions.listeners)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        for worker in [*self.workers.values(), *self.retiring]:
            worker.stop()
        for worker in [*self.workers.values(), *self.retiring]:
            worker.join()
        with self.app.app_context():
            self.flush()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            started = time.monotonic()
            try:
                with self.app.app_context():
                    if self._leads is None or self._leads():
                        self.poll_once()
                    elif self.workers:
                        self._stand_down()
            except Exception:  # the sender must outlive any one bad tick
                log.exception("LED push trigger failed")
            self._wake.wait(max(0.0, self.settings.tick - (time.monotonic() - started)))
            self._wake.clear()

    def _stand_down(self) -> None:
        """Another node leads now: its sender pushes; ours lets go of every card."""
        log.info("LED push sender stands by: another node leads")
        for worker in [*self.workers.values(), *self.retiring]:
            worker.stop()
        for worker in [*self.workers.values(), *self.retiring]:
            worker.join()
        self.flush()
        self.workers.clear()
        self.retiring.clear()
        self._seen.clear()

    # -- one tick ----------------------------------------------------------------------

    def poll_once(self) -> None:
        """Hand every card whose program moved its new program; store news. Needs an
        app context."""
        registry = drivers()
        rows = db.session.execute(
            select(LedController, Terminal)
            .join(Terminal, Terminal.id == LedController.terminal_id)
            .where(LedController.protocol.in_(list(registry)))
        ).all()
        wanted = set()
        at = now()
        self.retiring = [w for w in self.retiring if not w.done]
        for controller, terminal in rows:
            if not terminal.active or terminal.kind != "led" or not controller.host:
                continue
            wanted.add(terminal.id)
            driver = registry[controller.protocol]
            card = driver.card_for(controller, terminal)
            self._take_back(driver, card)
            worker = self.workers.get(terminal.id)
            if worker is None:
                worker = self.workers[terminal.id] = Worker(
                    terminal.id, driver, card, self.settings, services(self.app).clock
                )
            elif worker.card != card or worker.driver.name != driver.name:
                if (worker.driver.name, worker.driver.place(worker.card)) != (
                    driver.name,
                    driver.place(card),
                ):
                    self._retire(terminal.id, worker.driver, worker.card)
                worker.retarget(driver, card)
            if controller.pattern_until is not None and controller.pattern_until > at:
                self._seen.pop(terminal.id, None)  # the test pattern shows; then the program
                continue
            try:
                answer = program_answer(terminal.code)
                lit = self._lit(terminal.id)
                key = (answer.etag, controller.protocol, card, controller.brightness, lit)
                seen = self._seen.get(terminal.id)
                fresh = seen and time.monotonic() - seen.at < self.settings.refresh_seconds
                if seen and seen.key == key and fresh:
                    continue
                job = self._job(terminal, answer, controller.brightness, lit)
            except Exception as exc:  # one terminal that cannot render holds no other up
                if not isinstance(exc, NoLedFont):
                    log.exception("LED program of terminal %s cannot be rendered", terminal.code)
                message = f"节目无法生成：{exc}"[:300]
                if worker.status.last_error != message:
                    worker._note(last_error=message, last_error_at=now())
                continue
            worker.submit(job)
            self._seen[terminal.id] = _Seen(key, time.monotonic())
        for gone in set(self.workers) - wanted:
            worker = self.workers.pop(gone)
            worker.retire()
            self.retiring.append(worker)
            self._seen.pop(gone, None)
        self.flush()
        db.session.rollback()  # end the read transaction: next tick sees new commits

    def _retire(self, key: int, driver: PushDriver, card) -> None:
        """A worker of its own clears the program's old place."""
        worker = Worker(key, driver, card, self.settings, self.app.extensions["sunlight"].clock)
        worker.retire()
        self.retiring.append(worker)

    def _take_back(self, driver: PushDriver, card) -> None:
        """A place fed again is not to be cleared any more."""
        place = (driver.name, driver.place(card))
        for worker in self.retiring:
            if (worker.driver.name, worker.driver.place(worker.card)) == place:
                worker.stop()

    def _lit(self, terminal_id: int) -> bool:
        power = self.app.extensions.get(SCREEN_POWER)
        return True if power is None else power(terminal_id)

    def _job(self, terminal: Terminal, answer, brightness: int | None, lit: bool) -> Job:
        etag = answer.etag
        program = json.loads(answer.body)
        pages, panel, font = inputs_for(terminal, program)
        key = (tuple(pages), panel, font.spec, font.size)
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = pages_for_panel(pages, panel, font)
            self.renders += 1
            self._rendered[key] = rendered
            while len(self._rendered) > 256:
                self._rendered.popitem(last=False)
        else:
            self._rendered.move_to_end(key)
        return Job(etag.strip('"'), rendered, brightness, lit)

    def flush(self) -> None:
        """Write the statuses that changed since the last flush, in one transaction."""
        news = []
        for key, worker in list(self.workers.items()):
            with worker._cond:
                if not worker.status.dirty:
                    continue
                worker.status.dirty = False
                news.append((key, replace(worker.status)))
        if not news:
            return
        for key, status in news:
            values = {
                name: getattr(status, name)
                for name in (
                    "last_push_at",
                    "last_ack_at",
                    "last_error",
                    "last_error_at",
                    "last_ping_at",
                    "online",
                    "pushed_version",
                    "screen_dark",
                )
                if getattr(status, name) is not None or name == "online"
            }
            db.session.execute(
                update(LedController).where(LedController.terminal_id == key).values(**values)
            )
        db.session.commit()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """True once every worker has delivered (or been given up on); for tests."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if all(w.idle for w in self.workers.values()):
                return True
            time.sleep(0.02)
        return False


def start_sender(app) -> Sender | None:
    """Start the sender of a serving process (``run.py serve``, not ``--no-scheduler``);
    after start_scheduler, so that it pushes only while this node leads."""
    if not app.config["SUNLIGHT"]["display"]["push_enabled"]:
        return None
    leadership = app.extensions.get("sunlight.leadership")  # set by start_scheduler
    leads = (lambda: leadership.leading) if leadership is not None else None
    sender = Sender(app, leads=leads).start()
    app.extensions["sunlight.led_sender"] = sender
    # A commit in this process wakes the sender at once; other nodes' within a tick.
    services(app).versions.listeners.append(sender.wake)
    log.info("LED push sender started")
    return sender
