"""The scaled deployment, with real processes: PostgreSQL, Redis, two waitress
nodes, nginx with Nchan in front (deploy/services.py).

An edit on one node reaches terminals on the other and through nginx; a pushed
urgent notice reaches subscribers at once; a node killed under load loses and
doubles no submission; with every node down nginx still answers the screens.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from bench.sse import subscribe
from content_feed.models import Inquiry, UrgentNotice
from tests.conftest import wait_until
from tests.scaled.console import Console

pytestmark = pytest.mark.xdist_group("scaled")

WALL = {"X-Terminal-Token": "demo-wall-token"}
KIOSK = {"X-Terminal-Token": "demo-kiosk-token"}
PROGRAM = "/display/wall-1/program.json"


def program(base: str, **headers) -> dict:
    response = requests.get(base + PROGRAM, headers={**WALL, **headers}, timeout=5)
    response.raise_for_status()
    return response.json()


def publish_urgent(base: str, title: str) -> None:
    Console(base, "operator").submit(
        "/admin/urgent/new",
        {"title": title, "body": "测试：请按指示有序疏散", "on_wall": "y", "on_kiosk": "y"},
    )


def cancel_urgent(cluster, title: str) -> None:
    engine = create_engine(cluster.database_url)
    with engine.connect() as conn:
        ids = conn.execute(select(UrgentNotice.id).where(UrgentNotice.title == title)).scalars()
        ids = list(ids)
    engine.dispose()
    console = Console(cluster.nodes[0].url, "operator")
    for notice_id in ids:
        console.submit("/admin/urgent", {}, form_index=_cancel_form(console, notice_id))


def _cancel_form(console: Console, notice_id: int) -> int:
    from lxml import html

    page = console.http.get(console.base + "/admin/urgent", timeout=10)
    forms = [f for f in html.fromstring(page.content).forms if f.method.upper() == "POST"]
    for index, form in enumerate(forms):
        if form.action.endswith(f"/urgent/{notice_id}/cancel"):
            return index
    raise AssertionError(f"no cancel form for urgent notice {notice_id}")


def test_an_edit_on_node_a_shows_on_node_b_and_through_nginx_within_the_ttl(running):
    a, b = running.nodes
    before = program(b.url)
    assert before["mode"] != "urgent"
    assert before["push"].startswith("/push/sub/") and "urgent-" in before["push"]
    title = f"节点A发布 {uuid.uuid4().hex[:6]}"
    publish_urgent(a.url, title)
    written = time.monotonic()
    try:
        # Node B reads A's write within its version TTL (1 s here), no push involved.
        seen = wait_until(lambda: title in str(program(b.url)["entries"]), timeout=3)
        assert seen, "node B never showed node A's urgent notice"
        assert time.monotonic() - written < 1.0 + 1.5
        # A terminal polling through nginx (1 s cache validity, then revalidated).
        assert wait_until(lambda: title in str(program(running.nginx.url)["entries"]), timeout=3)
    finally:
        cancel_urgent(running, title)
    # Shown A's newer answer (as nginx revalidates with it), B reads again and
    # has it too: the cache never steps back to the notice just cancelled.
    newer = requests.get(a.url + PROGRAM, headers=WALL, timeout=5).headers["ETag"]
    again = requests.get(b.url + PROGRAM, headers={**WALL, "If-None-Match": newer}, timeout=5)
    assert again.headers["ETag"] == newer
    assert program(b.url)["mode"] != "urgent"
    # A terminal's first poll through nginx once the cache's second is over is the
    # current answer, not the kept one once more while nginx updates it. (nginx
    # counts validity in whole seconds: "1s" lasts until the next second but one.)
    time.sleep(2.2)
    assert program(running.nginx.url)["mode"] != "urgent"


def test_a_pushed_urgent_notice_reaches_50_subscribers_within_a_second(running):
    path = program(running.nginx.url)["push"]
    port = running.nginx.port
    arrivals: list[float] = []
    started: list[float] = []
    connected = threading.Semaphore(0)
    loop = asyncio.new_event_loop()

    def on_message(data: dict, at: float) -> None:
        if started and data.get("c", "").startswith("urgent-"):
            arrivals.append(at - started[0])

    async def main(stop: asyncio.Event):
        tasks = [
            asyncio.create_task(subscribe("127.0.0.1", port, path, on_message, connected.release))
            for _ in range(50)
        ]
        await stop.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    stop = asyncio.Event()
    thread = threading.Thread(target=loop.run_until_complete, args=(main(stop),))
    thread.start()
    title = f"推送 {uuid.uuid4().hex[:6]}"
    try:
        for _ in range(50):
            assert connected.acquire(timeout=10), "a subscriber could not connect"
        time.sleep(0.5)  # the kept message each subscriber gets on connecting has come
        started.append(time.monotonic())
        publish_urgent(running.nodes[0].url, title)
        assert wait_until(lambda: len(arrivals) >= 50, timeout=5), f"{len(arrivals)} of 50 heard"
        # From before the console's request was sent to the last subscriber.
        assert max(arrivals[:50]) < 1.0, sorted(arrivals)[-5:]
        # And what they fetch then, through nginx, is the notice.
        fresh = program(running.nginx.url, **{"X-Sunlight-Version": "999999999"})
        assert title in str(fresh["entries"])
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        cancel_urgent(running, title)


def test_a_killed_node_loses_and_doubles_no_acknowledged_submission(running):
    base = running.nginx.url
    acknowledged: dict[str, str] = {}
    errors: list[str] = []
    lock = threading.Lock()
    run_until = time.monotonic() + 8

    def client(n: int) -> None:
        session = requests.Session()
        while time.monotonic() < run_until:
            key = f"load-{n}-{uuid.uuid4().hex[:12]}"
            body = {
                "terminal": "kiosk-1",
                "idempotency_key": key,
                "kind": "question",
                "topic": "办事服务",
                "text": f"请问第{n}号窗口几点开门？",
            }
            # The kiosk's outbox: the same key again until an answer comes back.
            for _attempt in range(40):
                try:
                    r = session.post(
                        base + "/api/v1/inquiries", json=body, headers=KIOSK, timeout=10
                    )
                except requests.RequestException:
                    time.sleep(0.1)
                    continue
                if r.status_code in (200, 201):
                    with lock:
                        acknowledged[key] = r.json()["receipt_no"]
                    break
                if r.status_code < 500:
                    errors.append(f"{r.status_code} {r.text[:200]}")
                    return
                time.sleep(0.1)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(32)]
    for t in threads:
        t.start()
    time.sleep(3)
    running.nodes[1].kill()
    for t in threads:
        t.join(60)
    assert not errors, errors[:3]
    assert len(acknowledged) > 50
    engine = create_engine(running.database_url)
    with engine.connect() as conn:
        keys = dict(
            conn.execute(
                select(Inquiry.idempotency_key, func.count()).group_by(Inquiry.idempotency_key)
            ).all()
        )
        receipts = dict(
            conn.execute(
                select(Inquiry.idempotency_key, Inquiry.receipt_no).where(
                    Inquiry.idempotency_key.like("load-%")
                )
            ).all()
        )
        conn.execute(text("DELETE FROM inquiry WHERE idempotency_key LIKE 'load-%'"))
        conn.commit()
    engine.dispose()
    lost = [k for k in acknowledged if k not in keys]
    doubled = [k for k, n in keys.items() if k.startswith("load-") and n > 1]
    assert not lost and not doubled
    assert all(receipts[k] == acknowledged[k] for k in acknowledged)


def test_nginx_never_gives_one_terminals_answer_to_another_token(running):
    base = running.nginx.url
    assert requests.get(base + PROGRAM, headers=WALL, timeout=5).status_code == 200
    for headers in ({}, {"X-Terminal-Token": "demo-kiosk-token"}, {"X-Terminal-Token": "x"}):
        r = requests.get(base + PROGRAM, headers=headers, timeout=5)
        assert r.status_code in (401, 403, 404), (headers, r.status_code)
    led = "/display/led/led-1.txt"
    assert requests.get(base + led + "?token=demo-led-token", timeout=5).status_code == 200
    assert requests.get(base + led + "?token=wrong", timeout=5).status_code in (401, 403, 404)
    assert requests.get(base + led, timeout=5).status_code in (401, 403, 404)
    # Tokens never reach the access log, in the query or in a header.
    log = running.nginx.log()
    assert "program.json" in log and "led-1.txt" in log
    assert "demo-led-token" not in log and "demo-wall-token" not in log
    # The console is never cached.
    r = requests.get(base + "/admin/login", timeout=5)
    assert "X-Cache" not in r.headers


def test_with_every_node_down_nginx_answers_the_screens_from_its_cache(running):
    base = running.nginx.url
    answers = {
        "wall program": (PROGRAM, WALL),
        "wall page": ("/display/wall-1", {}),
        "LED text": ("/display/led/led-1.txt?token=demo-led-token", {}),
        "LED frame": ("/display/led/led-1.png?token=demo-led-token", {}),
        "kiosk bundle": ("/kiosk/kiosk-1/bundle.json", KIOSK),
        "kiosk page": ("/kiosk/kiosk-1", {}),
        "urgent notices": ("/api/v1/urgent-notices?hall=hall-1&surface=kiosk", KIOSK),
        "items": ("/api/v1/items", {}),
    }
    warm = {}
    for name, (path, headers) in answers.items():
        r = requests.get(base + path, headers=headers, timeout=10)
        assert r.status_code == 200, (name, r.status_code, r.text[:200])
        warm[name] = r.content
    for node in running.nodes:
        node.kill()
    time.sleep(1.5)  # past the cache's validity: nginx must ask, and finds no node
    for name, (path, headers) in answers.items():
        r = requests.get(base + path, headers=headers, timeout=10)
        assert r.status_code == 200, (name, r.status_code)
        assert r.headers.get("X-Cache") in ("STALE", "UPDATING", "HIT"), (name, r.headers)
        if name != "LED frame":  # the frame showing moves with time
            assert r.content == warm[name], name
    # Still nothing for a terminal without its token.
    assert requests.get(base + PROGRAM, timeout=10).status_code >= 400
