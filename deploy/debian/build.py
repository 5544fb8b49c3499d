#!/usr/bin/env python3
"""`make deb`: Sunlight as a Debian package, built here with dpkg-deb, no network.

The layout (docs/deploying-separate-machines.md):

  /usr/bin/sunlight                      the command line (run.py) on Debian's python3
  /usr/lib/sunlight/app/                 the project's runtime files
  /usr/lib/sunlight/vendor/              the Python libraries it pins, from this venv
  /lib/systemd/system/sunlight*.{service,timer}   the node, the migration, the backup
  /etc/sunlight/sunlight.env             the node's settings (conffile)
  /etc/nginx/sites-available/sunlight    nginx + Nchan site with TLS (conffile)
  /etc/nginx/snippets/sunlight-locations.conf
  /etc/logrotate.d/sunlight
  /usr/share/sunlight/nginx/             the page nginx gives while no node answers
  /usr/share/doc/sunlight/               deploy.md, Redis and PostgreSQL examples

The libraries are this virtualenv's (the versions constraints.txt pins),
without the test and development tools; Debian's python3 of the same minor
version runs them. ``--out`` the folder for the .deb, ``--fast`` no compression.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from deploy.services import fill  # noqa: E402

# Not needed to serve: tests, benchmarks, the developers' tools.
SKIP_TOP = ("tests/", "bench/", ".ci/", "scripts/", "docs/", "Makefile", "deploy/debian/")


def runtime_distributions(requirements: list[str]):
    """The installed distributions the app needs to serve: the closure of the
    project's own dependencies (no extras: not the test tools), read from the
    installed packages' metadata."""
    from importlib.metadata import distribution

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    found = {}
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name in found:
            continue
        dist = found[name] = distribution(req.name)
        todo += [Requirement(r) for r in dist.requires or []]
        # An extra asked for (psycopg[binary]) brings its own requirements.
        for extra in req.extras:
            for raw in dist.requires or []:
                wanted = Requirement(raw)
                if wanted.marker is not None and wanted.marker.evaluate({"extra": extra}):
                    wanted.marker = None
                    todo.append(wanted)
    return list(found.values())


def vendor_files(requirements: list[str]):
    """(source, path in site-packages) of every file of those distributions,
    without bytecode (postinst compiles it for Debian's python3)."""
    for dist in runtime_distributions(requirements):
        for rel in dist.files or []:
            if rel.parts[0] == ".." or "__pycache__" in rel.parts or rel.suffix == ".pyc":
                continue
            src = Path(dist.locate_file(rel))
            if src.is_file():
                yield src, rel


def project_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [f for f in listed if not f.startswith(SKIP_TOP) and (ROOT / f).is_file()]


def copy(src: Path, dst: Path, mode: int = 0o644) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    dst.chmod(mode)


def build(out: Path, fast: bool = False) -> Path:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    version = project["version"]
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    stage = Path(tempfile.mkdtemp(prefix="sunlight-deb-"))
    try:
        os.chmod(stage, 0o755)
        app = stage / "usr/lib/sunlight/app"
        for name in project_files():
            copy(ROOT / name, app / name)
        vendor = stage / "usr/lib/sunlight/vendor"
        for src, rel in vendor_files(project["dependencies"]):
            copy(src, vendor / rel)
        copy(HERE / "sunlight", stage / "usr/bin/sunlight", 0o755)
        for unit in (
            "sunlight.service",
            "sunlight-migrate.service",
            "sunlight-backup.service",
            "sunlight-backup.timer",
        ):
            copy(HERE / unit, stage / "lib/systemd/system" / unit)
        copy(HERE / "sunlight.env", stage / "etc/sunlight/sunlight.env", 0o640)
        copy(HERE / "nginx-site.conf", stage / "etc/nginx/sites-available/sunlight")
        share = stage / "usr/share/sunlight/nginx"
        locations = stage / "etc/nginx/snippets/sunlight-locations.conf"
        locations.parent.mkdir(parents=True, exist_ok=True)
        locations.write_text(
            fill(
                ROOT / "deploy/nginx/sunlight-locations.conf",
                {"SUBSCRIBE_PATH": "/push/sub", "SHARE": "/usr/share/sunlight/nginx"},
            )
        )
        copy(ROOT / "deploy/share/_sunlight/retry.html", share / "_sunlight/retry.html")
        copy(HERE / "logrotate", stage / "etc/logrotate.d/sunlight")
        doc = stage / "usr/share/doc/sunlight"
        for name in ("redis-sunlight.conf", "postgresql-sunlight.conf"):
            copy(HERE / name, doc / "examples" / name)
        if (ROOT / "docs/deploying-separate-machines.md").exists():
            copy(ROOT / "docs/deploying-separate-machines.md", doc / "deploy.md")
        debian = stage / "DEBIAN"
        debian.mkdir()
        (debian / "control").write_text(fill(HERE / "control", {"VERSION": version, "ARCH": arch}))
        copy(HERE / "conffiles", debian / "conffiles")
        for script in ("postinst", "prerm", "postrm"):
            copy(HERE / script, debian / script, 0o755)
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"sunlight_{version}_{arch}.deb"
        compress = ["-Znone"] if fast else ["-Zxz", "-z6"]
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", *compress, "--build", str(stage), str(target)],
            check=True,
            capture_output=True,
        )
        return target
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "dist"))
    parser.add_argument("--fast", action="store_true", help="no compression (tests)")
    args = parser.parse_args()
    print(build(Path(args.out), args.fast))
    return 0


if __name__ == "__main__":
    sys.exit(main())
