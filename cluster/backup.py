"""PostgreSQL backups (pg_dump) and their restore (pg_restore), and the uploads.

The scheduler's nightly job (content_feed/scheduler.py ``backup_database``)
and ``run.py backup`` (the packaged ``sunlight-backup.timer``) write
``sunlight-STAMP.dump`` (pg_dump's custom format) and ``uploads-STAMP.tar.gz``
into ``[backup] folder``, mode 0600, keeping the newest ``keep`` of each.
``run.py restore FILE`` puts a dump back with pg_restore (every object
dropped and re-created), and the uploads archive beside it if there is one.
The password never appears on a command line: it goes to the tools in
their environment.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from sqlalchemy.engine import make_url

from shared.file_modes import create_private, private_dir


class BackupError(RuntimeError):
    pass


def pg_tool(name: str) -> str:
    """The newest installed ``name`` (pg_dump, pg_restore): Debian keeps them per version."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    path = found[0] if found else shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def pg_env(database_url: str) -> dict[str, str]:
    url = make_url(database_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value:
            env[key] = str(value)
    for key, value in url.query.items():  # sslmode=verify-full, sslrootcert=…
        if key.startswith("ssl"):
            env["PG" + key.upper()] = value if isinstance(value, str) else value[0]
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[:500]}")


def dump_postgres(database_url: str, folder: Path, stamp: str) -> Path:
    private_dir(folder)
    target = folder / f"sunlight-{stamp}.dump"
    partial = target.with_suffix(".dump.part")
    create_private(partial)
    _run([pg_tool("pg_dump"), "--format=custom", f"--file={partial}"], pg_env(database_url))
    partial.replace(target)
    return target


def archive_uploads(uploads: Path, folder: Path, stamp: str) -> Path | None:
    if not uploads.is_dir():
        return None
    target = folder / f"uploads-{stamp}.tar.gz"
    partial = folder / f"uploads-{stamp}.tar.gz.part"
    create_private(partial)
    with tarfile.open(partial, "w:gz") as tar:
        tar.add(uploads, arcname="uploads")
    partial.replace(target)
    return target


def prune(folder: Path, pattern: str, keep: int) -> None:
    for old in sorted(folder.glob(pattern))[: -max(1, keep)]:
        old.unlink()


def restore_postgres(database_url: str, dump: Path) -> None:
    """Every object of the dump dropped and re-created from it, in one transaction."""
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={pg_env(database_url).get('PGDATABASE', '')}",
            str(dump),
        ],
        pg_env(database_url),
    )


def restore_uploads(archive: Path, uploads: Path) -> None:
    """The uploads folder as it was in ``archive`` (files added since are kept)."""
    root = uploads.parent.resolve()
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        # Checked here: tarfile's own filters are missing from Debian 12's Python 3.11.2.
        members = tar.getmembers()
        for member in members:
            inside = (root / member.name).resolve().is_relative_to(root / "uploads")
            if not (member.isfile() or member.isdir()) or not inside:
                raise BackupError(f"{archive.name}: refused entry {member.name!r}")
        tar.extractall(root, members=members)
