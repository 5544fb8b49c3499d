"""A throwaway PostgreSQL server for tests: initdb into a temp dir, start, stop.

Needs Debian's postgresql package (scripts/system-deps.sh test installs it).
As root, the server runs as the ``postgres`` user, as PostgreSQL insists.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    def __init__(self, port: int):
        self.bindir = find_bindir()
        if self.bindir is None:
            raise RuntimeError(
                "PostgreSQL is not installed: apt-get install postgresql "
                "(scripts/system-deps.sh test does it)"
            )
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="sunlight-pg-"))
        self.data = self.root / "data"
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> str:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o755)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "sunlight",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.root / "log"),
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        for _ in range(50):
            ready = self._run(
                str(self.bindir / "pg_isready"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                check=False,
            )
            if ready.returncode == 0:
                break
            time.sleep(0.1)
        self._run(
            str(self.bindir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "sunlight",
            "sunlight",
        )
        return f"postgresql+psycopg://sunlight@127.0.0.1:{self.port}/sunlight"

    def stop(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop", check=False
        )
        shutil.rmtree(self.root, ignore_errors=True)
