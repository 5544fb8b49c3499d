"""The Debian package, unpacked (never installed) and run as an operator would on
separate machines: PostgreSQL, Redis, two nodes and nginx each on its own
address (127.0.0.2 … 127.0.0.6), configured only through the packaged env file
and nginx site with their example addresses and secrets replaced."""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import requests
import urllib3

from deploy.services import (
    NCHAN_MODULE,
    Node,
    PostgresServer,
    RedisServer,
    free_port,
    wait_for_port,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("deb")]

ROOT = Path(__file__).resolve().parents[2]
PG, REDIS, NODE_A, NODE_B, NGINX = (f"127.0.0.{n}" for n in range(2, 7))
WALL = {"X-Terminal-Token": "demo-wall-token"}


def edit(text: str, changes: dict[str, str]) -> str:
    for old, new in changes.items():
        assert old in text, f"the packaged file has no {old!r}"
        text = text.replace(old, new)
    return text


def env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    work = tmp_path_factory.mktemp("deb")
    built = subprocess.run(
        [sys.executable, "deploy/debian/build.py", "--out", str(work), "--fast"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    unpacked = work / "root"
    subprocess.run(["dpkg-deb", "-x", built, str(unpacked)], check=True)
    os.chmod(unpacked, 0o755)
    # What dpkg would run at install: the package's own postinst compile line, on this tree.
    postinst = (ROOT / "deploy/debian/postinst").read_text()
    compile_line = next(line for line in postinst.splitlines() if "compileall" in line)
    lib = str(unpacked / "usr/lib/sunlight")
    subprocess.run(compile_line.replace("/usr/lib/sunlight", lib), shell=True, check=True)
    postgres = PostgresServer(free_port(), host=PG)
    redis = RedisServer(free_port(), host=REDIS, password="redis-secret-for-test")
    processes: list[Node] = []
    nginx = None
    try:
        url = postgres.start()
        redis.start()
        ports = {
            "a": free_port(),
            "b": free_port(),
            "pub": free_port(),
            "http": free_port(),
            "https": free_port(),
        }
        # The env file as the operator fills it in, one per node.
        packaged = (unpacked / "etc/sunlight/sunlight.env").read_text()
        base = edit(
            packaged,
            {
                "postgresql+psycopg://sunlight:CHANGE-ME-DB@10.0.0.20:5432/sunlight?sslmode=require": url,
                "redis://:CHANGE-ME-REDIS@10.0.0.21:6379/0": redis.url,
                "http://10.0.0.10:8081/_push/pub": f"http://{NGINX}:{ports['pub']}/_push/pub",
                "CHANGE-ME-SECRET": "packaged-layout-secret",
                "https://hall.example.gov.cn": f"https://{NGINX}:{ports['https']}",
                "/var/lib/sunlight/instance": str(work / "instance"),
                "/var/backups/sunlight": str(work / "backups"),
            },
        )
        (work / "instance").mkdir(mode=0o700)
        clean = {k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")}
        envs = {}
        for name, host in (("a", NODE_A), ("b", NODE_B)):
            text = edit(
                base,
                {
                    "SUNLIGHT_SERVER_HOST=10.0.0.11": f"SUNLIGHT_SERVER_HOST={host}",
                    "SUNLIGHT_SERVER_PORT=8080": f"SUNLIGHT_SERVER_PORT={ports[name]}",
                },
            )
            (work / f"sunlight-{name}.env").write_text(text)
            envs[name] = {**clean, **env_file(work / f"sunlight-{name}.env")}
        sunlight = str(unpacked / "usr/bin/sunlight")

        def run(*args, env=envs["a"]):
            return subprocess.run(
                [sunlight, *args], env=env, capture_output=True, text=True, timeout=300
            )

        # The one-shot migration unit on both nodes at once, then the demo hall.
        both = [
            subprocess.Popen(
                [sunlight, "db", "upgrade"], env=envs[n], stderr=subprocess.PIPE, text=True
            )
            for n in "ab"
        ]
        assert [p.wait(300) for p in both] == [0, 0], [p.stderr.read()[-1500:] for p in both]
        demo = run("demo", "--if-empty")
        assert demo.returncode == 0, demo.stderr[-2000:]
        # The site as the operator edits it: addresses, certificate, cache and log paths.
        tls = work / "tls"
        tls.mkdir()
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=hall.test",
                "-keyout",
                str(tls / "sunlight.key"),
                "-out",
                str(tls / "sunlight.crt"),
            ],
            check=True,
            capture_output=True,
        )
        snippet = unpacked / "etc/nginx/snippets/sunlight-locations.conf"
        snippet.write_text(
            edit(
                snippet.read_text(),
                {"/usr/share/sunlight/nginx": str(unpacked / "usr/share/sunlight/nginx")},
            )
        )
        site = edit(
            (unpacked / "etc/nginx/sites-available/sunlight").read_text(),
            {
                "10.0.0.11:8080": f"{NODE_A}:{ports['a']}",
                "10.0.0.12:8080": f"{NODE_B}:{ports['b']}",
                "allow 10.0.0.11;": f"allow {NODE_A};",
                "allow 10.0.0.12;": f"allow {NODE_B};",
                "listen 10.0.0.10:8081;": f"listen {NGINX}:{ports['pub']};",
                "listen 80 ": f"listen {NGINX}:{ports['http']} ",
                "listen 443 ssl ": f"listen {NGINX}:{ports['https']} ssl ",
                "/etc/sunlight/tls": str(tls),
                "/var/cache/nginx/sunlight": str(work / "cache"),
                "/var/log/nginx": str(work),
                "/etc/nginx/snippets/sunlight-locations.conf": str(snippet),
            },
        )
        (work / "site.conf").write_text(site)
        temp = "\n".join(
            f"    {k}_temp_path {work}/{k};"
            for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (work / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 1;\npid {work}/nginx.pid;\nerror_log {work}/error.log warn;\n"
            f"load_module {NCHAN_MODULE};\nevents {{ worker_connections 4096; }}\n"
            f"http {{\n    include /etc/nginx/mime.types;\n{temp}\n    include {work}/site.conf;\n}}\n"
        )
        nginx = subprocess.Popen(
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-p",
                str(work),
                "-c",
                str(work / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            stderr=subprocess.PIPE,
        )
        wait_for_port(ports["https"], proc=nginx, host=NGINX)
        for name in "ab":
            node = Node(ports[name], envs[name])
            node.log_path = work / f"node-{name}.log"
            processes.append(
                node.start([sunlight, "serve"], host=NODE_A if name == "a" else NODE_B)
            )
        yield {
            "work": work,
            "ports": ports,
            "url": url,
            "envs": envs,
            "run": run,
            "nodes": processes,
        }
    finally:
        for node in processes:
            node.stop()
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
        redis.stop()
        postgres.stop()


def serves_screens_over_tls_behind_nginx(layout):
    urllib3.disable_warnings()
    site = f"https://{NGINX}:{layout['ports']['https']}"
    program = requests.get(
        site + "/display/wall-1/program.json", headers=WALL, verify=False, timeout=10
    )
    assert program.status_code == 200 and program.json()["push"].startswith("/push/sub/")
    for node, host in zip(layout["nodes"], (NODE_A, NODE_B), strict=True):
        health = requests.get(f"http://{host}:{node.port}/healthz", timeout=5)
        assert health.json()["status"] == "ok"
    # The console only over TLS.
    plain = requests.get(
        f"http://{NGINX}:{layout['ports']['http']}/admin/login", allow_redirects=False, timeout=5
    )
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")


def publisher_answers_the_nodes_only(layout):
    port = layout["ports"]["pub"]
    results = {}
    for source in ("127.0.0.1", NODE_A):
        conn = http.client.HTTPConnection(NGINX, port, timeout=5, source_address=(source, 0))
        conn.request(
            "POST",
            "/_push/pub/hall-1",
            body=b'{"v":1}',
            headers={"Content-Type": "application/json"},
        )
        results[source] = conn.getresponse().status
        conn.close()
    assert results["127.0.0.1"] == 403
    assert results[NODE_A] in (201, 202)


def a_backup_then_a_restore_loses_nothing(layout):
    plain = layout["url"].replace("postgresql+psycopg://", "postgresql://")

    def state():
        with psycopg.connect(plain) as conn:
            return [
                conn.execute(q).fetchall()
                for q in (
                    "SELECT id, title, state FROM item ORDER BY id",
                    "SELECT id, code, name FROM terminal ORDER BY id",
                    "SELECT id, action FROM ledger_entry ORDER BY id",
                )
            ]

    before = state()
    done = layout["run"]("backup")
    assert done.returncode == 0, done.stderr[-2000:]
    [dump] = (layout["work"] / "backups").glob("sunlight-*.dump")
    with psycopg.connect(plain) as conn:
        conn.execute("UPDATE item SET title = 'lost'")
        conn.execute("UPDATE terminal SET name = 'lost'")
    done = layout["run"]("restore", str(dump))
    assert done.returncode == 0, done.stderr[-2000:]
    after = state()
    assert after[:2] == before[:2]
    # The nodes kept running (the docs say: stop them first) and may log a new lead.
    assert set(before[2]) <= set(after[2])


# One test over one layout: building and starting it is most of the cost, and a
# module fixture shared by several tests was built twice when xdist handed them
# out apart.
def test_the_packaged_layout_on_separate_addresses(layout):
    serves_screens_over_tls_behind_nginx(layout)
    publisher_answers_the_nodes_only(layout)
    a_backup_then_a_restore_loses_nothing(layout)
