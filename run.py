#!/usr/bin/env python3
"""Sunlight command line: the composition root.

python run.py [serve]          serve with waitress (the default)
python run.py db upgrade       create or upgrade the database
python run.py demo [--if-empty] load the demo hall (into an empty database only)
python run.py demo --remove    remove the demo accounts, terminals and content
python run.py create-user NAME --roles drafter,reviewer
python run.py check-config     validate the configuration and exit
python run.py backup           back up the database (SQLite copy or pg_dump) and uploads
python run.py restore FILE     restore a PostgreSQL backup (sunlight-STAMP.dump)
python run.py import-guides FILE [--mapping M] [--dry-run]
python run.py export-guides FILE.xlsx|FILE.csv [--mapping M]
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from config import ConfigError, load_settings

EXIT_CONFIG = 2


def _app():
    from app import create_app

    # SUNLIGHT_INSTANCE: the instance folder (secret key, uploads); the nodes of a
    # scaled deployment share one (deploy/services.py).
    return create_app(instance_path=os.environ.get("SUNLIGHT_INSTANCE") or None)


def cmd_check_config(args) -> int:
    settings = load_settings()
    from app import resolve_database_url

    print("配置正确 / configuration OK")
    print(f"  database: {resolve_database_url(settings['database']['url'])}")
    print(f"  listen:   {settings['server']['host']}:{settings['server']['port']}")
    print(f"  timezone: {settings['hall']['timezone']}")
    return 0


def db_upgrade(app) -> None:
    from flask_migrate import upgrade

    from cluster.guard import refuse_embedded_database
    from cluster.migrations import migration_lock
    from content_feed.db import db
    from content_feed.versioning import ensure_feed_state

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    refuse_embedded_database(app.config["SUNLIGHT"], url)
    # Nodes booting together upgrade one after the other.
    with migration_lock(url), app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        ensure_feed_state(db.session)


def cmd_db(args) -> int:
    app = _app()
    if args.action == "upgrade":
        db_upgrade(app)
        print("数据库已是最新结构 / database upgraded")
    return 0


def load_demo(app, if_empty: bool) -> bool:
    from app import load_demo as load
    from content_feed.clock import now
    from content_feed.db import db
    from demo import is_empty

    with app.app_context():
        if not is_empty(db.session):
            if if_empty:
                return False
            raise SystemExit("数据库已有数据，未导入演示内容 / database is not empty")
        summary = load(db.session, now())
    print(
        f"已导入演示内容 / demo loaded: {summary['items']} items, {summary['guides']} guides, "
        f"terminals {', '.join(summary['terminals'])}"
    )
    print(
        f"演示账号 / demo accounts: {', '.join(summary['users'])} "
        f"(password: {summary['password']}; change them before real use)"
    )
    return True


def cmd_demo(args) -> int:
    app = _app()
    db_upgrade(app)
    if args.remove:
        from content_feed.clock import now
        from content_feed.db import db
        from demo.removal import remove_demo

        with app.app_context():
            counts = remove_demo(db.session, now())
        print("已删除演示内容 / demo removed: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        return 0
    load_demo(app, args.if_empty)
    return 0


DEMO_REFUSAL = (
    "拒绝启动 / refusing to serve on {host}: {what} still use the demo's password or tokens, "
    "which everyone can read in the README.\n"
    "  - a real hall: run `python run.py demo --remove` (removes the demo accounts, terminals "
    "and content), or give those accounts passwords of their own;\n"
    "  - a demonstration: add --demo, or listen on 127.0.0.1 only."
)


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def demo_leftovers(app) -> str:
    """What still has demo credentials, in words ('' when nothing does)."""
    from content_feed.db import db
    from demo import accounts_with_demo_password, terminals_with_demo_tokens

    with app.app_context():
        accounts = accounts_with_demo_password(db.session)
        terminals = terminals_with_demo_tokens(db.session)
    parts = []
    if accounts:
        parts.append("accounts " + ", ".join(accounts))
    if terminals:
        parts.append("terminals " + ", ".join(terminals))
    return " and ".join(parts)


def cmd_create_user(args) -> int:
    from sqlalchemy import select

    from content_feed import ledger
    from content_feed.db import db
    from content_feed.models import User
    from content_feed.vocabulary import ROLES

    roles = [r.strip() for r in args.roles.replace(",", " ").split() if r.strip()]
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        print(f"error: --roles must name some of: {', '.join(ROLES)}", file=sys.stderr)
        return EXIT_CONFIG
    password = os.environ.get("SUNLIGHT_NEW_PASSWORD") or getpass.getpass("Password: ")
    app = _app()
    from shared.passwords import password_problem

    problem = password_problem(password, args.username, app.config["SUNLIGHT"]["security"])
    if problem:
        print(f"error: 密码不符合要求 / password refused: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    with app.app_context():
        if db.session.execute(select(User).where(User.username == args.username)).first():
            print(f"error: user {args.username!r} exists", file=sys.stderr)
            return EXIT_CONFIG
        user = User(
            username=args.username,
            display_name=args.display_name or args.username,
            roles=" ".join(roles),
            department=args.department or "",
            # Typed at a server console: the user sets their own at first sign-in.
            must_change_password=True,
        )
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        ledger.record(
            db.session,
            "user.create",
            obj=user,
            actor_name="命令行",
            summary=f"{user.username} ({' '.join(roles)})",
        )
        db.session.commit()
    print(f"created user {args.username} with roles {' '.join(roles)}")
    return 0


def cmd_import_guides(args) -> int:
    """Check a file and print the report; unless --dry-run, write drafts and revisions."""
    from pathlib import Path

    from sqlalchemy import select

    from content_feed.db import db
    from content_feed.models import GuideImport, Hall
    from guide_import import jobs
    from guide_import.upsert import OUTCOMES, REPORT_HEADER, report_cells
    from shared.spreadsheet import csv_bytes

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"无法读取文件 / cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 1
    app = _app()
    with app.app_context():
        hall_id = None
        if args.hall:
            hall = db.session.execute(select(Hall).where(Hall.code == args.hall)).scalar()
            if hall is None:
                print(f"没有大厅 / no hall with code {args.hall!r}", file=sys.stderr)
                return 1
            hall_id = hall.id
        job = GuideImport(filename=path.name[:200], mapping=args.mapping or "", hall_id=hall_id)
        db.session.add(job)
        db.session.commit()
        jobs.check(db.session, job, data, allow_path=True)
        if job.state == "failed":
            print(f"未导入 / refused: {job.message}", file=sys.stderr)
            return 1
        for w in job.warnings:
            column = f"［{w['column']}］" if w["column"] else ""
            print(f"  提示 {w['sheet']} {column}{w['message']}")
        for row in job.report:
            if row["outcome"] == "refused":
                where = f"{row['sheet']} 第{row['row']}行"
                column = f"［{row['column']}］" if row["column"] else ""
                print(f"  拒绝 {where} {row['code']} {column}{row['reason']}")
        print(
            "检查结果 / report: "
            + "，".join(f"{label} {job.counts[code]}" for code, label in OUTCOMES.items())
        )
        if args.report:
            cells = report_cells(job.report, job.warnings)
            Path(args.report).write_bytes(csv_bytes(REPORT_HEADER, cells))
            print(f"报告已写入 / report written to {args.report}")
        if args.dry_run:
            print("试运行，未写入任何内容 / dry run: nothing written")
            return 0
        written = jobs.write(db.session, job, None, actor_name="命令行")
        print(
            f"已导入 / imported: 新建草稿 {written['created']}，待审修订 {written['updated']}，"
            f"无变化 {written['unchanged']}（须审批人在管理后台公开）"
        )
    return 0


def cmd_export_guides(args) -> int:
    from pathlib import Path

    from sqlalchemy import select

    from content_feed.db import db
    from content_feed.models import Guide
    from guide_import import ImportRefused, export, jobs
    from guide_import.mapping import load_mapping

    path = Path(args.file)
    if path.suffix not in (".xlsx", ".csv"):
        print("error: the file name must end in .xlsx or .csv", file=sys.stderr)
        return 1
    app = _app()
    with app.app_context():
        try:
            mapping = load_mapping(args.mapping or "", jobs.mapping_folder(), allow_path=True)
        except ImportRefused as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        guides = db.session.execute(select(Guide).order_by(Guide.sort_order, Guide.id)).scalars()
        guides = guides.all()
        body = (
            export.xlsx_bytes(guides, mapping)
            if path.suffix == ".xlsx"
            else (export.csv_export_bytes(guides, mapping))
        )
        path.write_bytes(body)
    print(f"exported {len(guides)} guides to {path}")
    return 0


def terminal_urls(app, base: str) -> list[tuple[str, str]]:
    """Where to point each registered terminal (demo terminals with their token)."""
    from sqlalchemy import select

    from content_feed.db import db
    from content_feed.models import Terminal
    from content_feed.terminals import hash_token
    from demo import DEMO_TERMINALS

    demo_tokens = {hash_token(t[5]): t[5] for t in DEMO_TERMINALS}
    urls = []
    with app.app_context():
        for t in db.session.execute(select(Terminal).order_by(Terminal.id)).scalars():
            token = demo_tokens.get(t.token_hash, "<token>")
            if t.kind == "kiosk":
                # Opened once with ?token=: the kiosk keeps it and drops it from the address.
                urls.append((f"触摸查询机 kiosk  {t.code}", f"{base}/kiosk/{t.code}?token={token}"))
            elif t.kind == "wall":
                urls.append(
                    (f"大屏 wall        {t.code}", f"{base}/display/{t.code}?token={token}")
                )
            else:
                urls.append(
                    (f"LED条屏 LED      {t.code}", f"{base}/display/led/{t.code}.png?token={token}")
                )
    urls.append(("管理后台 admin", f"{base}/admin/"))
    urls.append(("接口 API", f"{base}/api/v1/openapi.json"))
    return urls


def cmd_serve(args) -> int:
    from cluster.guard import refuse_embedded_database

    app = _app()
    refuse_embedded_database(app.config["SUNLIGHT"], app.config["SQLALCHEMY_DATABASE_URI"])
    if args.prepare:
        db_upgrade(app)
        load_demo(app, if_empty=True)
    server = app.config["SUNLIGHT"]["server"]
    host = args.host or server["host"]
    port = args.port or server["port"]
    if not args.demo and not is_loopback(host):
        leftovers = demo_leftovers(app)
        if leftovers:
            print(DEMO_REFUSAL.format(host=host, what=leftovers), file=sys.stderr)
            return EXIT_CONFIG
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    print(f"Sunlight 阳光公开 serving on http://{host}:{port}", flush=True)
    for label, url in terminal_urls(app, base):
        print(f"  {label}: {url}", flush=True)
    from content_feed.reach import loopback_qr_warning

    warning = loopback_qr_warning(app.config["SUNLIGHT"], host)
    if warning:
        print(f"注意 / warning: {warning}", flush=True)
    from app import Background

    background = Background(app, jobs=not args.no_scheduler).start()
    try:
        _serve(app, host, port, server)
    finally:
        background.stop()
    return 0


def _serve(app, host, port, server) -> None:
    from web.serving import create_server

    create_server(
        app,
        host=host,
        port=port,
        threads=server["threads"],
        connection_limit=server["connection_limit"],
        channel_timeout=server["channel_timeout"],
        backlog=server["backlog"],
        ident="Sunlight",
        url_prefix=server["url_prefix"],
        clear_untrusted_proxy_headers=True,
    ).run()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run.py", description="Sunlight 阳光公开 server")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve with waitress (default)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--prepare",
        action="store_true",
        help="upgrade the database and load the demo if it is empty first",
    )
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="run no background jobs and no LED push in this process "
        "(with several nodes only the leading one runs them anyway)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="this is a demonstration: serve beyond loopback even with the demo's passwords",
    )
    serve.set_defaults(func=cmd_serve)
    dbp = sub.add_parser("db", help="database schema")
    dbp.add_argument("action", choices=["upgrade"])
    dbp.set_defaults(func=cmd_db)
    demo = sub.add_parser("demo", help="load demo content into an empty database")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    demo.add_argument(
        "--remove",
        action="store_true",
        help="remove the demo accounts, terminals and content from a database in real use",
    )
    demo.set_defaults(func=cmd_demo)
    user = sub.add_parser(
        "create-user", help="add a staff account (password from SUNLIGHT_NEW_PASSWORD or a prompt)"
    )
    user.add_argument("username")
    user.add_argument("--roles", required=True, help="comma-separated: drafter,reviewer,...")
    user.add_argument("--display-name")
    user.add_argument("--department")
    user.set_defaults(func=cmd_create_user)
    imp = sub.add_parser(
        "import-guides", help="import process guides from an implementation-list .xlsx/.csv"
    )
    imp.add_argument("file")
    imp.add_argument("--mapping", help="a mapping name in [guide_import] mapping_folder, or a path")
    imp.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
    imp.add_argument("--hall", help="code of the hall new guides belong to")
    imp.add_argument("--report", help="also write the report as CSV to this file")
    imp.set_defaults(func=cmd_import_guides)
    exp = sub.add_parser("export-guides", help="export every guide as .xlsx or .csv")
    exp.add_argument("file")
    exp.add_argument("--mapping", help="write the column names of this mapping")
    exp.set_defaults(func=cmd_export_guides)
    backup = sub.add_parser("backup", help="back up the database and uploads now")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a PostgreSQL backup (sunlight-*.dump)")
    restore.add_argument("file")
    restore.set_defaults(func=cmd_restore)
    check = sub.add_parser("check-config", help="validate the configuration and exit")
    check.set_defaults(func=cmd_check_config)
    return parser


def cmd_backup(args) -> int:
    from cluster.backup import BackupError
    from operations.scheduler import backup_database

    app = _app()
    try:
        written = backup_database(app, app.extensions["sunlight"].clock.now())
    except BackupError as exc:
        print(f"备份失败 / backup failed: {exc}", file=sys.stderr)
        return 1
    if written is None:
        print("无可备份的数据库 / nothing to back up", file=sys.stderr)
        return 1
    print(f"备份完成 / backup written: {written}")
    return 0


def cmd_restore(args) -> int:
    from pathlib import Path

    from cluster.backup import BackupError, restore_postgres, restore_uploads

    app = _app()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    dump = Path(args.file)
    if not url.startswith("postgresql") or dump.suffix != ".dump":
        print("只能把 .dump 恢复到 PostgreSQL（SQLite 备份直接复制回原文件）", file=sys.stderr)
        return EXIT_CONFIG
    try:
        restore_postgres(url, dump)
        uploads = dump.with_name(dump.name.replace("sunlight-", "uploads-")).with_suffix(".tar.gz")
        if uploads.exists():
            restore_uploads(uploads, Path(app.config["UPLOAD_FOLDER"]))
    except BackupError as exc:
        print(f"恢复失败 / restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"已恢复 / restored from {dump}")
    return 0


def main(argv: list[str] | None = None) -> int:
    # Whatever this process creates (database, backups, uploads, logs) is the
    # server user's alone; the modules that create files set 0600/0700 anyway.
    os.umask(0o077)
    from cluster import logs

    logs.setup()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["serve", *(argv or [])])
    try:
        return args.func(args)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG


if __name__ == "__main__":
    sys.exit(main())
