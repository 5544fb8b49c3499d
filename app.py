"""The application factory: read it as the table of contents of the server."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import IntegerConverter

import admin
import alerts.models  # noqa: F401  (its tables, for db.create_all and migrations)
import calling.models  # noqa: F401  (queue calling's tables, for db.create_all)
import display
import kiosk
import monitoring.models  # noqa: F401  (its tables join db.create_all)
from config import freeze, load_settings
from content_feed.api.problems import Problem, chinese_detail, problem_response, wants_problem
from content_feed.clock import SystemClock
from display.led.fonts import check_fonts
from shared.file_modes import create_private, ensure_dir, private_dir, tighten_sqlite, write_private
from shared.ids import DB_INT_MAX

PROJECT_ROOT = Path(__file__).resolve().parent


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: an id past what a column holds is simply not
    found (404), instead of an overflow inside the database driver (500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def create_app(
    overrides: dict | None = None,
    *,
    clock=None,
    environ: dict | None = None,
    instance_path: str | None = None,
) -> Flask:
    """Build the app. ``overrides`` has the shape of defaults.toml (tests use it)."""
    settings = freeze(load_settings(environ=environ, overrides=overrides))
    app = Flask(
        __name__,
        instance_path=str(instance_path or PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        static_folder=None,
    )
    app.url_map.converters["int"] = IdConverter
    configure(app, settings)
    register_extensions(app, clock or SystemClock())
    register_blueprints(app)
    register_jobs(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_push(app)
    register_middleware(app)
    check_fonts(app)  # says at start when the LED strips would have no font
    return app


def load_demo(session, now) -> dict:
    """The demo hall: the feed's content, then what each surface adds (playlists …)."""
    from demo import load_demo as load_feed_demo

    summary = load_feed_demo(session, now)
    for package in (kiosk, display, admin):
        extra = getattr(package, "load_demo", None)
        if extra is not None:
            extra(session, now)
    session.commit()
    return summary


def resolve_database_url(url: str, root: Path = PROJECT_ROOT) -> str:
    """Relative SQLite paths are relative to the project, not the working directory."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite://":
        path = root / url[len(prefix) :]
        ensure_dir(path.parent)
        return prefix + str(path)
    return url


def _private_database(url: str) -> None:
    """A SQLite file is created 0600 before SQLite opens it (and its WAL and SHM
    files take that mode); an existing one is tightened."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and url not in ("sqlite://", "sqlite:///:memory:"):
        path = Path(url[len(prefix) :])
        ensure_dir(path.parent)
        tighten_sqlite(path)


def _secret_key(app: Flask, configured: str) -> str:
    if configured:
        return configured
    # Generated once and kept beside the database, so sessions survive restarts;
    # 0600 from its creation, never readable by others even for a moment.
    path = Path(app.instance_path) / "secret_key"
    private_dir(path.parent)
    if create_private(path):
        write_private(path, secrets.token_urlsafe(48).encode())
    return path.read_text().strip()


def configure(app: Flask, settings: dict) -> None:
    security = settings["security"]
    app.config.update(
        SUNLIGHT=settings,
        SQLALCHEMY_DATABASE_URI=resolve_database_url(settings["database"]["url"]),
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        SECRET_KEY=_secret_key(app, security["secret_key"]),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=security["session_cookie_secure"],
        PERMANENT_SESSION_LIFETIME=security["session_lifetime_minutes"] * 60,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        UPLOAD_FOLDER=str(Path(app.instance_path) / "uploads"),
        JSON_AS_ASCII=False,
        APPLICATION_ROOT=settings["server"]["url_prefix"] or "/",
    )
    private_dir(Path(app.instance_path))
    private_dir(Path(app.config["UPLOAD_FOLDER"]))
    _private_database(app.config["SQLALCHEMY_DATABASE_URI"])


def register_extensions(app: Flask, clock) -> None:
    """Storage, forms, limits and sign-in, then the feed's services (one typed
    object: content_feed/services.py)."""
    from flask_migrate import Migrate

    from admin.auth import login_manager
    from content_feed import services, text_hygiene
    from content_feed.answers import AnswerCache
    from content_feed.db import db
    from content_feed.models.ledger import install_guards
    from content_feed.presence import PresenceBook
    from content_feed.terminals import TerminalDirectory
    from content_feed.versioning import Versions, install_session_hooks
    from display.boundaries import daypart_boundary, daypart_topics_at
    from web import hall_scope, rate_limits
    from web.extensions import csrf, limiter

    db.init_app(app)
    Migrate(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    rate_limits.configure(app)  # the counters' storage (shared Redis with several nodes)
    limiter.init_app(app)
    login_manager.init_app(app)
    install_session_hooks()
    text_hygiene.install()
    install_guards()
    # Hall-scoped staff: every console read filtered, every write checked.
    hall_scope.install(app)
    with app.app_context():
        engine = db.engine
    settings = app.config["SUNLIGHT"]
    versions = Versions(lambda: engine, clock, settings["feed"]["version_ttl_seconds"])
    # Screens' answers also move when a daypart of their rotation starts or ends.
    versions.boundary_sources.append(daypart_boundary(app))
    versions.boundary_topics.append(daypart_topics_at)
    app.extensions[services.KEY] = services.Services(
        settings=settings,
        clock=clock,
        versions=versions,
        answers=AnswerCache(),
        terminals=TerminalDirectory(lambda: engine, versions),
        presence=PresenceBook(),
    )


def register_blueprints(app: Flask) -> None:
    """One blueprint per package (display/ has two: the screens and their console).
    The feed's come first: kiosk/, display/ and the consoles build on it."""
    from admin import bp as admin_console
    from alerts import bp as alert_push
    from alerts import console_bp as alerts_console
    from calling import api_bp as calling_api
    from calling import bp as calling_screens
    from calling import console_bp as calling_console
    from cluster import bp as cluster
    from content_feed import atom, qr
    from content_feed.api import api
    from content_feed.public_pages import bp as public_pages
    from display.blueprints import bp as screens
    from display.blueprints import console_bp as display_console
    from inquiries import api as inquiries_api  # noqa: F401  (its routes join /api/v1)
    from inquiries.console import bp as feedback_console
    from kiosk import bp as kiosk
    from kiosk.views import ack as kiosk_ack
    from monitoring import bp as monitoring_console
    from monitoring import install as install_monitoring
    from monitoring.screenshots import bp as wall_screenshots
    from web.extensions import csrf

    # No session cookie reaches these, so CSRF does not apply: the JSON API and
    # the screens answer to terminal tokens, kiosk submissions carry idempotency
    # keys and rate limits, a kiosk's urgent-notice confirmation is not a form, the
    # queue system's endpoint answers to its hall's token as terminals do, and the
    # warning release system's pushes carry their feed's token.
    for exempt in (
        api,
        screens,
        kiosk_ack,
        calling_api,
        calling_screens,
        alert_push,
        wall_screenshots,
    ):
        csrf.exempt(exempt)
    for blueprint in (
        cluster,
        api,
        qr.bp,
        atom.bp,
        public_pages,
        kiosk,
        screens,
        display_console,
        admin_console,
        feedback_console,
        calling_api,
        calling_screens,
        calling_console,
        alert_push,
        alerts_console,
        monitoring_console,
        wall_screenshots,
    ):
        app.register_blueprint(blueprint)
    install_monitoring(app)

    @app.get("/")
    def index():
        return render_template("public_pages/index.html")


def register_jobs(app: Flask) -> None:
    """Background jobs: side effects only (what is public never waits for one).
    ``Background`` (below) starts them in a serving process unless ``--no-scheduler``."""
    from alerts import pull
    from inquiries.console.reminders import send_reminders
    from monitoring.alerts import watch_screens
    from operations import scheduler

    settings = app.config["SUNLIGHT"]
    scheduler.add_interval_job("archive_closed_items", scheduler.archive_closed_items, minutes=5)
    scheduler.add_interval_job("flag_stale_items", scheduler.flag_stale_items, minutes=60)
    # Power schedules, command acknowledgements, and alerts for screens gone dark.
    scheduler.add_interval_job("watch_screens", watch_screens, minutes=1)
    scheduler.add_daily_job(
        "backup_database", scheduler.backup_database, hour=settings["backup"]["hour"]
    )
    # Feeds are polled by their own interval (whole minutes); expiry and silence swept.
    scheduler.add_interval_job("alerts-poll", pull.poll_due_feeds, minutes=1)
    scheduler.add_interval_job("alerts-sweep", pull.sweep, minutes=1)
    scheduler.add_daily_job(
        "inquiry-reminders", send_reminders, hour=settings["feedback"]["reminder_hour"]
    )


def register_push(app: Flask) -> None:
    """With nginx + Nchan in front, every commit tells the screens it moves at
    once (operations/push.py); without, screens poll."""
    from operations import push

    push.install(app)


def register_middleware(app: Flask) -> None:
    """WSGI layers around Flask, innermost first."""
    from content_feed.fast_path import FastPath
    from web.security_headers import SecurityHeaders

    # Terminals' repeat requests (polls, LED frames, heartbeats) are answered
    # from memory in front of Flask: see content_feed/fast_path.py.
    app.wsgi_app = FastPath(app.wsgi_app, app)
    # Behind nginx every inner layer sees the client's address and scheme.
    n = app.config["SUNLIGHT"]["server"]["proxies"]
    if n:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    # Outermost, so every answer has them, the fast path's included.
    app.wsgi_app = SecurityHeaders(app.wsgi_app)


class Background:
    """The work a serving process does off its request threads. Started and
    stopped here, beside the factory, by ``run.py serve`` (and nothing else)."""

    def __init__(self, app: Flask, *, jobs: bool):
        self.app, self.jobs = app, jobs
        self._stops: list = []

    def start(self) -> Background:
        from content_feed.presence import start_flusher

        app = self.app
        if self.jobs:
            from display.led.sender import start_sender
            from operations.scheduler import start_scheduler, stop_scheduler

            # The scheduler's jobs run on the leading node only (operations/leadership.py).
            start_scheduler(app)
            self._stops.append(stop_scheduler)
            # LED cards are pushed to while this node leads; after the scheduler.
            sender = start_sender(app)
            if sender is not None:
                self._stops.append(sender.stop)
            from calling.strips import start_strips

            # The windows' strips (排队叫号), the same way.
            strips = start_strips(app)
            if strips is not None:
                self._stops.append(strips.stop)
            from calling.adapters.pull import start_pulling

            # Calls pulled from the halls' NovoSGA servers, by the leading node.
            self._stops.append(start_pulling(app).stop)
        publisher = app.extensions.get("sunlight.push")
        if publisher is not None:
            # Commits publish from any process; time boundaries from every node that
            # runs the scheduler (a screen may hear one twice and fetch a 304).
            publisher.watch_boundaries(self.jobs).start()
            self._stops.append(publisher.stop)
        # Every process writes what its own terminals reported, scheduler or not.
        self._stops.append(start_flusher(app).stop)
        return self

    def stop(self) -> None:
        """Last started, first stopped: the flusher writes what is pending last but one."""
        while self._stops:
            self._stops.pop()()


def register_errorhandlers(app: Flask) -> None:
    """Problems as problem+json, the console's own pages under /admin, the public
    error page elsewhere; a refused screen gets the screens' refusal."""
    from admin.errors import error_page, is_console_path
    from display.access import TerminalRefused, refused_response

    app.register_error_handler(TerminalRefused, refused_response)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if isinstance(exc, Problem):
            return exc.get_response()
        if wants_problem():
            response = problem_response(exc.code or 500, chinese_detail(exc))
        elif is_console_path() and "admin" in app.blueprints:
            response = app.make_response(error_page(exc.code or 500))
        else:
            response = app.make_response(
                (render_template("public_pages/error.html", error=exc), exc.code)
            )
        if exc.code == 429:
            response.headers.setdefault("Retry-After", str(_retry_after()))
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            # RFC 9110: a 405 says which methods the address does take.
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        if wants_problem():
            return problem_response(500, "服务器出现异常，已记录，请稍后再试")
        if is_console_path() and "admin" in app.blueprints:
            return error_page(500)
        return render_template("public_pages/error.html", error=None), 500


def _retry_after() -> int:
    """Seconds until the rate limit that refused this request lets it through."""
    from web.extensions import limiter
    from web.limit_storage import seconds_until

    limit = limiter.current_limit
    if limit is None:
        return 60
    # window[0], not reset_at: Flask-Limiter rounds that up a second further.
    return seconds_until(limit.window[0])


def register_template_helpers(app: Flask) -> None:
    from admin.nav import admin_nav, has_endpoint, may_open, nav_link
    from content_feed import timefmt

    # The console's navigation shows only the pages that exist and the user may open.
    for helper in (nav_link, has_endpoint, admin_nav, may_open):
        app.add_template_global(helper)

    app.jinja_env.filters["local"] = timefmt.local_text
    app.jinja_env.filters["local_date"] = timefmt.local_date

    @app.context_processor
    def hall_context():
        return {"hall_name": app.config["SUNLIGHT"]["hall"]["name"]}
