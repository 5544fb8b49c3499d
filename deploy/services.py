"""The parts of a scaled deployment, run locally: PostgreSQL, Redis, nodes, nginx.

``make scaled`` (deploy/scaled.py) and the tests start them from here, each in
a temporary folder on its own ports: nothing touches the machine's own
services. Debian packages (scripts/system-deps.sh scaled): postgresql,
redis-server, nginx, libnginx-mod-nchan. As root, PostgreSQL runs as the
``postgres`` user, as it insists.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NCHAN_MODULE = Path("/usr/lib/nginx/modules/ngx_nchan_module.so")


# How long nginx keeps a node that failed a request out of rotation.
FAIL_TIMEOUT_SECONDS = 10


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(
    port: int,
    timeout: float = 20.0,
    proc: subprocess.Popen | None = None,
    host: str = "127.0.0.1",
) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.bindir = find_bindir()
        if self.bindir is None:
            raise RuntimeError(
                "PostgreSQL is not installed: apt-get install postgresql "
                "(scripts/system-deps.sh test does it)"
            )
        self.port = port
        self.host = host
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
            f"-p {self.port} -k {self.root} -c listen_addresses={self.host} -c fsync=off",
            "start",
        )
        for _ in range(50):
            ready = self._run(
                str(self.bindir / "pg_isready"),
                "-h",
                self.host,
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
            self.host,
            "-p",
            str(self.port),
            "-U",
            "sunlight",
            "sunlight",
        )
        return f"postgresql+psycopg://sunlight@{self.host}:{self.port}/sunlight"

    def stop(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop", check=False
        )
        shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    """A throwaway redis-server: no persistence, loopback only."""

    def __init__(self, port: int | None = None, host: str = "127.0.0.1", password: str = ""):
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "Redis is not installed: apt-get install redis-server "
                "(scripts/system-deps.sh test does it)"
            )
        self.binary = binary
        self.port = port or free_port()
        self.host = host
        self.password = password
        self.root = Path(tempfile.mkdtemp(prefix="sunlight-redis-"))
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}{self.host}:{self.port}/0"

    def start(self) -> str:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                self.host,
                *(["--requirepass", self.password] if self.password else []),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.port, proc=self.proc, host=self.host)
        return self.url

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.root, ignore_errors=True)


class Nginx:
    """nginx with Nchan from deploy/nginx-scaled.conf, in front of ``nodes``' ports."""

    def __init__(
        self,
        upstreams: list[int],
        port: int | None = None,
        root: Path | None = None,
        fail_timeout: int = FAIL_TIMEOUT_SECONDS,
    ):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists() or not NCHAN_MODULE.exists():
            raise RuntimeError(
                "nginx with Nchan is not installed: apt-get install nginx libnginx-mod-nchan "
                "(scripts/system-deps.sh scaled does it)"
            )
        self.binary = binary
        self.port = port or free_port()
        self.publish_port = free_port()
        self.upstreams = list(upstreams)
        self.fail_timeout = fail_timeout
        self._own_root = root is None  # a folder of its own is removed at stop
        self.root = root or Path(tempfile.mkdtemp(prefix="sunlight-nginx-"))
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def publish_url(self) -> str:
        return f"http://127.0.0.1:{self.publish_port}/_push/pub"

    def render(self, subscribe_path: str = "/push/sub") -> Path:
        upstreams = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout={self.fail_timeout}s;"
            for port in self.upstreams
        )
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "bench-static").mkdir(exist_ok=True)
        (self.root / "bench-static" / "ok.txt").write_text("ok\n")
        values = {
            # Workers as root only here, in a private temporary folder.
            "USER": "user root;" if os.geteuid() == 0 else "",
            "ROOT": str(self.root),
            "ACCESS_LOG": f"{self.root}/access.log sunlight",
            "UPSTREAMS": upstreams,
            "PUBLISH_PORT": str(self.publish_port),
            "LISTEN": f"127.0.0.1:{self.port}",
            "SUBSCRIBE_PATH": subscribe_path,
            "SHARE": str(PROJECT_ROOT / "deploy" / "share"),
        }
        (self.root / "sunlight-locations.conf").write_text(
            fill(PROJECT_ROOT / "deploy" / "nginx" / "sunlight-locations.conf", values)
        )
        conf = self.root / "nginx.conf"
        conf.write_text(fill(PROJECT_ROOT / "deploy" / "nginx-scaled.conf", values))
        return conf

    def start(self) -> str:
        conf = self.render()
        self.proc = subprocess.Popen(
            [self.binary, "-p", str(self.root), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        wait_for_port(self.port, proc=self.proc)
        wait_for_port(self.publish_port, proc=self.proc)
        return self.url

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "access.log"
        return path.read_text() if path.exists() else ""


def fill(template: Path, values: dict[str, str]) -> str:
    """``template``'s text with each @@NAME@@ replaced by ``values[NAME]``."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    return text


class Node:
    """One Sunlight node: ``run.py serve`` in its own process."""

    def __init__(self, port: int, env: dict[str, str], *, scheduler: bool = True):
        self.port = port
        self.env = env
        self.scheduler = scheduler
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(env["SUNLIGHT_INSTANCE"]).parent / f"node-{port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, command: list[str] | None = None, host: str = "127.0.0.1") -> Node:
        """``command``: another way to run ``run.py serve`` (the packaged one, whose
        env gives the address and port); it listens on ``host``."""
        args = command or [
            sys.executable,
            str(PROJECT_ROOT / "run.py"),
            "serve",
            "--port",
            str(self.port),
        ]
        if not self.scheduler:
            args.append("--no-scheduler")
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(
            args,
            env=self.env,
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_for_port(self.port, timeout=60, proc=self.proc, host=host)
        return self

    def kill(self) -> None:
        """As a crash would: no clean shutdown."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class Cluster:
    """PostgreSQL + Redis + ``nodes`` waitress nodes + nginx with Nchan, on one machine."""

    def __init__(
        self,
        nodes: int = 2,
        *,
        demo: bool = True,
        extra_env: dict | None = None,
        fail_timeout: int = FAIL_TIMEOUT_SECONDS,
    ):
        self.root = Path(tempfile.mkdtemp(prefix="sunlight-scaled-"))
        self.postgres = PostgresServer(free_port())
        self.redis = RedisServer()
        self.node_ports = [free_port() for _ in range(nodes)]
        self.nginx = Nginx(self.node_ports, root=self.root / "nginx", fail_timeout=fail_timeout)
        self.nodes: list[Node] = []
        self.demo = demo
        self.extra_env = extra_env or {}
        self.database_url = ""

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SUNLIGHT_")}
        env.update(
            {
                "SUNLIGHT_INSTANCE": str(self.root / "instance"),
                "SUNLIGHT_DATABASE_URL": self.database_url,
                "SUNLIGHT_SERVER_PROXIES": "1",
                "SUNLIGHT_PUSH_PUBLISH_URL": self.nginx.publish_url,
                # Rate limits hold across the nodes (web/rate_limits.py).
                "SUNLIGHT_RATE_LIMITS_STORAGE_URL": self.redis.url,
                "SUNLIGHT_SERVER_HOST": "127.0.0.1",
                # Every node signs sessions with the same key: a console user may
                # land on any node.
                "SUNLIGHT_SECURITY_SECRET_KEY": "scaled-" + self.root.name,
                "SUNLIGHT_HALL_PUBLIC_BASE_URL": self.nginx.url,
            }
        )
        env.update(self.extra_env)
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(PROJECT_ROOT / "run.py"), *args],
            env=self.env(),
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )

    def start(self) -> Cluster:
        (self.root / "instance").mkdir(mode=0o700)
        self.database_url = self.postgres.start()
        self.redis.start()
        self.run("db", "upgrade")
        if self.demo:
            self.run("demo", "--if-empty")
        self.nginx.start()
        for port in self.node_ports:
            self.nodes.append(Node(port, self.env()).start())
        return self

    def stop(self) -> None:
        """Everything started, each part whatever became of the others."""
        for part in [*self.nodes, self.nginx, self.redis, self.postgres]:
            try:
                part.stop()
            except Exception as exc:  # noqa: BLE001 - the next part still stops
                print(f"stopping {type(part).__name__} failed: {exc}", file=sys.stderr)
        shutil.rmtree(self.root, ignore_errors=True)
