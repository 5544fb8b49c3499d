"""Animated GIFs are bounded by frames × pixels; files with personal data are
private to the server's user from their creation.

Before: a 388 KB GIF of 30 frames at 4000×4000 took 60 s inside the request
and kept 217 MB; instance/ was 0755 and the database, backups and uploads 0644.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from admin import uploads
from operations.scheduler import backup_database

ROOT = Path(__file__).resolve().parent.parent.parent


def _bomb(frames: int, size: int) -> bytes:
    """A GIF whose frames are tiny on disk and huge once decoded."""
    head = (
        b"GIF89a"
        + size.to_bytes(2, "little") * 2
        + bytes([0x80, 0, 0])
        + b"\x00\x00\x00\xff\xff\xff"
    )
    frame = (
        b"\x2c\x00\x00\x00\x00"
        + size.to_bytes(2, "little") * 2
        + b"\x00\x02"
        + b"\xff"
        + b"\x00" * 255
        + b"\x00"
    )
    return head + frame * frames + b"\x3b"


def _animation(frames: int, size=(120, 80)) -> bytes:
    images = []
    for n in range(frames):
        im = Image.new("RGB", size, "white")
        ImageDraw.Draw(im).rectangle([n * 3, 0, n * 3 + 20, 20], fill="red")
        images.append(im)
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=80, loop=0)
    return out.getvalue()


def test_a_gif_of_huge_frames_is_refused_before_decoding(app):
    data = _bomb(30, 4000)
    assert len(data) < 400_000
    assert uploads.gif_frames(data) == (30, 30 * 4000 * 4000)
    with pytest.raises(uploads.UploadError, match="帧数 × 像素过大"):
        uploads.inspect(data)


def test_a_gif_of_too_many_frames_is_refused(app):
    with pytest.raises(uploads.UploadError, match="帧数过多"):
        uploads.inspect(_bomb(uploads.MAX_FRAMES + 1, 16))


def test_an_ordinary_animation_is_kept_with_its_frames(app):
    data = _animation(12)
    assert uploads.gif_frames(data)[0] == 12
    stored = uploads.inspect(data)
    assert stored.content_type == "image/gif"
    assert Image.open(io.BytesIO(stored.data)).n_frames == 12


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_instance_files_are_private_from_the_start(tmp_path):
    """The real command line, with the shell's usual umask (022)."""
    instance = tmp_path / "instance"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")},
        "SUNLIGHT_DATABASE_URL": f"sqlite:///{instance / 'sunlight.db'}",
        "SUNLIGHT_BACKUP_FOLDER": str(instance / "backups"),
    }
    code = (
        "import os, sys; os.umask(0o022); sys.argv = ['run.py', 'demo']; "
        "import run; sys.exit(run.main(['demo']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert _mode(instance / "sunlight.db") == 0o600
    for side in ("sunlight.db-wal", "sunlight.db-shm"):
        if (instance / side).exists():
            assert _mode(instance / side) == 0o600


def test_app_made_files_are_private(tmp_path, monkeypatch):
    from app import create_app
    from content_feed.db import db
    from tests.conftest import settings_for

    os.umask(0o022)
    instance = tmp_path / "inst"
    settings = settings_for(tmp_path)
    settings["security"]["secret_key"] = ""  # generated into instance/secret_key
    settings["database"]["url"] = f"sqlite:///{instance / 'hall.db'}"
    settings["backup"]["folder"] = str(instance / "backups")
    app = create_app(settings, environ={}, instance_path=str(instance))
    with app.app_context():
        db.create_all()
        assert _mode(instance) == 0o700
        assert _mode(instance / "secret_key") == 0o600
        assert _mode(instance / "hall.db") == 0o600
        assert _mode(instance / "uploads") == 0o700
        backup = backup_database(app, app.extensions["sunlight"].clock.now())
        assert _mode(backup.parent) == 0o700 and _mode(backup) == 0o600
        from content_feed.models import ItemRevision  # noqa: F401

        stored = uploads.inspect(_animation(2))
        path = instance / "uploads" / "x.gif"
        uploads.write_private(path, stored.data)
        assert _mode(path) == 0o600
        db.engine.dispose()


def test_the_shipped_nginx_log_format_leaves_tokens_out():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    start = conf.index("log_format sunlight")
    fmt = conf[start : conf.index(";", start)]
    for leaky in ("$request ", '$request"', "$request_uri", "$args", "$query_string", "$arg_"):
        assert leaky not in fmt, leaky
    assert "$http_referer" not in fmt and "$http_x_terminal_token" not in fmt
    assert "$uri" in fmt
    servers = conf.split("server {")[1:]
    assert servers and all(
        "access_log /var/log/nginx/sunlight.access.log sunlight;" in s for s in servers
    )
