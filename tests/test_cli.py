"""The command line: help, db upgrade, demo, create-user."""

import contextlib
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent


def _environ(tmp_path, env) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")}
    environ.update(SUNLIGHT_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", **env)
    return environ


def run_process(*args, tmp_path, **env):
    """``python run.py ARGS`` in a process of its own: what the shell sees."""
    return subprocess.run(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        env=_environ(tmp_path, env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def run(*args, tmp_path, **env):
    """``run.main(ARGS)`` in this process, with the environment, working folder, output
    and exit code a process would have (an interpreter start and the app's imports cost
    seconds per call; ``run_process`` proves the process itself)."""
    import run as command_line

    out, err = io.StringIO(), io.StringIO()
    umask = os.umask(0o022)  # main() sets the server's own; the tests' is put back after
    try:
        with (
            mock.patch.dict(os.environ, _environ(tmp_path, env), clear=True),
            contextlib.chdir(ROOT),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = command_line.main(list(args))
            except SystemExit as exc:  # argparse refusing arguments
                code = exc.code
    finally:
        os.umask(umask)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def test_help_lists_every_command(tmp_path):
    out = run_process("--help", tmp_path=tmp_path)
    assert out.returncode == 0
    for command in ("serve", "db", "demo", "create-user", "check-config"):
        assert command in out.stdout


def test_upgrade_demo_and_create_user(tmp_path):
    assert run("db", "upgrade", tmp_path=tmp_path).returncode == 0
    demo = run("demo", tmp_path=tmp_path)
    assert demo.returncode == 0 and "demo loaded" in demo.stdout
    # A second demo into a filled database is refused, --if-empty is a no-op.
    assert run("demo", tmp_path=tmp_path).returncode != 0
    assert run("demo", "--if-empty", tmp_path=tmp_path).returncode == 0
    made = run(
        "create-user",
        "liu",
        "--roles",
        "reviewer,approver",
        "--display-name",
        "刘审批",
        tmp_path=tmp_path,
        SUNLIGHT_NEW_PASSWORD="a-long-secret-1",
    )
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        roles, hashed, must_change = conn.execute(
            "SELECT roles, password_hash, must_change_password FROM user WHERE username = 'liu'"
        ).fetchone()
        assert roles == "reviewer approver" and "a-long-secret-1" not in hashed
        assert must_change == 1  # changed by the user at first sign-in
        assert (
            conn.execute(
                "SELECT count(*) FROM ledger_entry WHERE action = 'user.create'"
            ).fetchone()[0]
            == 1
        )
    again = run(
        "create-user",
        "liu",
        "--roles",
        "reviewer",
        tmp_path=tmp_path,
        SUNLIGHT_NEW_PASSWORD="a-long-secret-1",
    )
    assert again.returncode == 2 and "exists" in again.stderr


def test_create_user_refuses_bad_roles_and_short_passwords(tmp_path):
    bad_role = run(
        "create-user",
        "x",
        "--roles",
        "king",
        tmp_path=tmp_path,
        SUNLIGHT_NEW_PASSWORD="a-long-secret-1",
    )
    assert bad_role.returncode == 2 and "--roles" in bad_role.stderr
    short = run(
        "create-user", "x", "--roles", "drafter", tmp_path=tmp_path, SUNLIGHT_NEW_PASSWORD="short"
    )
    assert short.returncode == 2 and "密码至少 12 位" in short.stderr
    common = run(
        "create-user",
        "x",
        "--roles",
        "drafter",
        tmp_path=tmp_path,
        SUNLIGHT_NEW_PASSWORD="1q2w3e4r5t6y",
    )
    assert common.returncode == 2 and "过于常见" in common.stderr
