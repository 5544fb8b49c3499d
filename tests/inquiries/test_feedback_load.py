"""64 concurrent kiosks submit 1,000 questions through the real server: none lost, none twice.

Half of them are sent twice on purpose, by two kiosks at the same place in their queues,
so that the two copies race each other into the server (a count that proves the point
in seconds: more questions only made the run longer, not the races likelier)."""

import random
import threading
from collections import defaultdict

import pytest
import requests
from sqlalchemy import func, select

from content_feed.clock import SystemClock
from content_feed.db import db
from content_feed.models import Inquiry
from tests.builders import make_hall, make_terminal
from tests.conftest import LiveServer, build_app

CLIENTS = 64
QUESTIONS = 1000
RETRIED = 500  # sent again on purpose, by another client, at the same time


@pytest.mark.slow
def test_concurrent_submissions_lose_nothing_and_store_nothing_twice(tmp_path):
    app = build_app(tmp_path, SystemClock(), feedback={"rate_limit_per_minute": 1_000_000})
    with app.app_context():
        hall = make_hall()
        for n in range(CLIENTS):
            make_terminal(f"kiosk-{n:02d}", "kiosk", hall)
    server = LiveServer(app).start()
    keys = [f"load-{n:06d}-{random.randrange(16**8):08x}" for n in range(QUESTIONS)]
    first: list[list[str]] = [keys[n::CLIENTS] for n in range(CLIENTS)]
    for batch in first:
        random.shuffle(batch)
    work = [list(batch) for batch in first]
    for n, key in enumerate(random.sample(keys, RETRIED)):
        owner = keys.index(key) % CLIENTS
        other = (owner + 1 + n % (CLIENTS - 1)) % CLIENTS  # never the owner itself
        work[other].insert(first[owner].index(key), key)  # sent at about the same time
    receipts: dict[str, set[str]] = defaultdict(set)
    failures: list[str] = []
    created = replayed = 0
    lock = threading.Lock()

    def client(n: int) -> None:
        nonlocal created, replayed
        session = requests.Session()
        session.headers["X-Terminal-Token"] = "secret-token"  # make_terminal's default token
        for key in work[n]:
            payload = {
                "terminal": f"kiosk-{n:02d}",
                "idempotency_key": key,
                "kind": "question",
                "topic": "压力测试",
                "text": f"第 {key} 号问题",
            }
            for attempt in range(5):
                try:
                    r = session.post(f"{server.url}/api/v1/inquiries", json=payload, timeout=30)
                except requests.RequestException as exc:  # retried, like a kiosk would
                    if attempt == 4:
                        with lock:
                            failures.append(f"{key}: {exc}")
                    continue
                with lock:
                    if r.status_code in (200, 201):
                        receipts[key].add(r.json()["receipt_no"])
                        created += r.status_code == 201
                        replayed += r.status_code == 200
                    else:
                        failures.append(f"{key}: {r.status_code} {r.text[:200]}")
                break

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
    finally:
        server.stop()
    assert not failures, failures[:5]
    assert created == QUESTIONS and replayed == RETRIED
    assert len(receipts) == QUESTIONS
    assert all(len(r) == 1 for r in receipts.values()), "a retry got a different receipt"
    with app.app_context():
        assert db.session.execute(select(func.count(Inquiry.id))).scalar() == QUESTIONS
        stored = set(db.session.execute(select(Inquiry.idempotency_key)).scalars())
        assert stored == set(keys)
        numbers = db.session.execute(select(func.count(func.distinct(Inquiry.receipt_no))))
        assert numbers.scalar() == QUESTIONS
        db.engine.dispose()
