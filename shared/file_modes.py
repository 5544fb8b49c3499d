"""Files with personal data are private to the server's user from the start.

The instance folder holds the database (password hashes, citizens' phone
numbers), the secret key, backups and uploads: folders are made 0700 and
files 0600 *as they are created* (never written first and chmod-ed after), and
existing ones are tightened when the server starts.
"""

from __future__ import annotations

import os
from pathlib import Path

DIR_MODE, FILE_MODE = 0o700, 0o600


def private_dir(path: Path) -> Path:
    """A folder of our own (instance, uploads, backups): made 0700, tightened if it exists."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(DIR_MODE)
    return path


def ensure_dir(path: Path) -> Path:
    """A folder that may not be ours (where a database file lives): made 0700 if
    missing, never changed if it exists (it could be /var/lib or /tmp)."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return path


def create_private(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 unless it exists (then tighten it).
    True when it was created now."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(FILE_MODE)
        return False
    os.close(fd)
    return True


def write_private(path: Path, data: bytes) -> None:
    """Write a new file that is 0600 from its first byte."""
    fd = os.open(Path(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def tighten_sqlite(database: Path) -> None:
    """The database and its WAL/SHM files (SQLite gives those the database's mode)."""
    create_private(database)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{database}{suffix}")
        if side.exists() and side.stat().st_mode & 0o077:
            side.chmod(FILE_MODE)
