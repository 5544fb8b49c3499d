"""A node of a city deployment: it refuses the embedded database when configured
for a cluster, nodes booting together migrate one at a time, a PostgreSQL
backup restores what it held, and its health check and logs say what is wrong.
Real PostgreSQL (deploy/services.py) and `run.py` processes."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from cluster.logs import OutageFilter

ROOT = Path(__file__).resolve().parents[2]


def run_py(tmp_path: Path, *args: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")}
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True, mode=0o700)
    return subprocess.Popen(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        env={
            **clean,
            "SUNLIGHT_INSTANCE": str(instance),
            "SUNLIGHT_SECURITY_SECRET_KEY": "test-secret",
            "SUNLIGHT_BACKUP_FOLDER": str(tmp_path / "backups"),
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def test_a_node_configured_for_a_cluster_refuses_the_embedded_sqlite(tmp_path):
    for env in (
        {"SUNLIGHT_DATABASE_SHARED": "true"},
        {"SUNLIGHT_PUSH_PUBLISH_URL": "http://127.0.0.1:9/_push/pub"},
    ):
        code, _out, err = finished(run_py(tmp_path, "serve", "--port", "9", **env), 60)
        assert code == 2, err
        assert "不是 PostgreSQL" in err and "SUNLIGHT_DATABASE_URL" in err


@pytest.mark.slow
@pytest.mark.xdist_group("nodes")
def test_two_nodes_upgrading_at_one_boot_both_succeed(tmp_path, postgres_url):
    env = {"SUNLIGHT_DATABASE_URL": postgres_url, "SUNLIGHT_DATABASE_SHARED": "true"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    procs = [run_py(tmp_path / name, "db", "upgrade", **env) for name in ("a", "b")]
    results = [finished(p) for p in procs]
    assert [r[0] for r in results] == [0, 0], [r[2][-2000:] for r in results]
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as conn:
        assert conn.execute("SELECT count(*) FROM feed_state").fetchone()[0] == 1


@pytest.mark.slow
@pytest.mark.xdist_group("nodes")
def test_a_postgres_backup_restores_everything_it_held(tmp_path, postgres_url):
    env = {"SUNLIGHT_DATABASE_URL": postgres_url}
    assert finished(run_py(tmp_path, "demo", **env))[0] == 0
    uploads = tmp_path / "instance" / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "scan.pdf").write_bytes(b"%PDF-1.4 hall scan")
    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")

    def counts():
        with psycopg.connect(plain) as conn:
            return {
                t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("item", "terminal", '"user"', "ledger_entry")
            }

    before = counts()
    code, out, err = finished(run_py(tmp_path, "backup", **env))
    assert code == 0, err
    [dump] = (tmp_path / "backups").glob("sunlight-*.dump")
    assert (dump.stat().st_mode & 0o777) == 0o600
    assert list((tmp_path / "backups").glob("uploads-*.tar.gz"))
    # Lost: every terminal's name, an item, a file.
    with psycopg.connect(plain) as conn:
        conn.execute("UPDATE terminal SET name = 'broken'")
        conn.execute("UPDATE item SET title = 'broken'")
    (uploads / "scan.pdf").unlink()
    code, _out, err = finished(run_py(tmp_path, "restore", str(dump), **env))
    assert code == 0, err
    # As at the backup (the ledger's line for the backup itself came after it).
    assert counts() == before
    with psycopg.connect(plain) as conn:
        for table in ("terminal", "item"):
            column = "name" if table == "terminal" else "title"
            broken = f"SELECT count(*) FROM {table} WHERE {column} = 'broken'"
            assert conn.execute(broken).fetchone()[0] == 0
    assert (uploads / "scan.pdf").read_bytes() == b"%PDF-1.4 hall scan"


def test_an_outage_is_a_few_lines_not_a_traceback_per_request():
    folded = OutageFilter(repeat_seconds=60)
    records = []
    for _ in range(500):
        try:
            raise OperationalError(
                "SELECT 1", {}, Exception("connection refused\nis the server up")
            )
        except OperationalError:
            record = logging.LogRecord(
                "app", logging.ERROR, __file__, 1, "Exception on /x [GET]", (), sys.exc_info()
            )
        if folded.filter(record):
            records.append(record)
    assert len(records) == 1
    assert records[0].exc_info is None and "database unreachable" in records[0].getMessage()
    plain = logging.LogRecord("app", logging.WARNING, __file__, 1, "other", (), None)
    assert folded.filter(plain)
    assert folded.recovered() == [records[0].getMessage()]
