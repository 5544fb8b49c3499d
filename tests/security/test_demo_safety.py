"""Demo content never lands in a real install, and can be taken out of one.

Before: ``demo --if-empty`` (and so ``serve --prepare``) loaded ``admin`` /
``sunlight-demo`` and the demo tokens into a database that had real users but
no hall, and the server served them on every address.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from content_feed.db import db
from content_feed.models import Guide, Item, LedgerEntry, Slogan, Terminal, User
from demo import DEMO_USERS, is_empty
from demo.removal import remove_demo
from tests.builders import make_user
from tests.kiosk.conftest import question
from tests.security.conftest import KIOSK_TOKEN

ROOT = Path(__file__).resolve().parent.parent.parent


def run(*args, tmp_path, **env):
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")},
        "SUNLIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'hall.db'}",
        "SUNLIGHT_BACKUP_FOLDER": str(tmp_path / "backups"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_database_with_real_users_but_no_hall_is_not_empty(app):
    assert is_empty(db.session)
    make_user("wang", "admin")
    assert not is_empty(db.session)


def test_demo_if_empty_leaves_a_real_install_alone(tmp_path):
    assert run("db", "upgrade", tmp_path=tmp_path).returncode == 0
    made = run(
        "create-user",
        "wang",
        "--roles",
        "admin",
        tmp_path=tmp_path,
        SUNLIGHT_NEW_PASSWORD="harbour-lantern-2026",
    )
    assert made.returncode == 0, made.stderr
    assert run("demo", "--if-empty", tmp_path=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "hall.db") as conn:
        names = [r[0] for r in conn.execute("SELECT username FROM user")]
        terminals = conn.execute("SELECT count(*) FROM terminal").fetchone()[0]
    assert names == ["wang"] and terminals == 0


def test_serving_beyond_loopback_with_demo_passwords_is_refused(tmp_path):
    assert run("demo", tmp_path=tmp_path).returncode == 0
    refused = run("serve", "--host", "0.0.0.0", "--port", "1", tmp_path=tmp_path)
    assert refused.returncode == 2
    assert "demo --remove" in refused.stderr and "--demo" in refused.stderr
    assert "admin" in refused.stderr and "wall-1" in refused.stderr


def test_demo_remove_takes_out_accounts_terminals_and_content(demo_app, clock, client):
    real = make_user("wang", "admin")
    client.post("/api/v1/inquiries", json=question(), headers=KIOSK_TOKEN)
    ledger_before = db.session.execute(select(func.count(LedgerEntry.id))).scalar()
    counts = remove_demo(db.session, clock.now())
    assert counts["terminals"] == 3 and counts["accounts"] == len(DEMO_USERS)
    assert counts["items"] >= 40 and counts["guides"] >= 8 and counts["slogans"] >= 10
    assert db.session.execute(select(func.count(Terminal.id))).scalar() == 0
    assert db.session.execute(select(func.count(Item.id))).scalar() == 0
    assert db.session.execute(select(func.count(Guide.id))).scalar() == 0
    assert db.session.execute(select(func.count(Slogan.id))).scalar() == 0
    active = db.session.execute(select(User.username).where(User.active.is_(True))).scalars()
    assert list(active) == [real.username]
    # The ledger keeps every row, and says what was removed.
    rows = db.session.execute(select(LedgerEntry).order_by(LedgerEntry.id)).scalars().all()
    assert len(rows) == ledger_before + 1 and rows[-1].action == "demo.remove"
    assert client.get("/api/v1/items").get_json()["items"] == []
    assert client.get("/api/v1/slogans").get_json()["slogans"] == []
    r = client.post("/admin/login", data={"username": "admin", "password": "sunlight-demo"})
    assert r.status_code == 200  # no such account any more


def test_demo_remove_from_the_command_line_then_serve_is_allowed(tmp_path):
    assert run("demo", tmp_path=tmp_path).returncode == 0
    removed = run("demo", "--remove", tmp_path=tmp_path)
    assert removed.returncode == 0, removed.stderr
    assert "demo removed" in removed.stdout
    with sqlite3.connect(tmp_path / "hall.db") as conn:
        assert conn.execute("SELECT count(*) FROM terminal").fetchone()[0] == 0
