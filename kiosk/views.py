"""Kiosk pages: the app shell per terminal, its content bundle, receipts and the service worker."""

from __future__ import annotations

from flask import Response, current_app, render_template, request, send_from_directory, url_for

from content_feed import topics
from content_feed.api.caching import FastAnswer, conditional, fast_answer
from content_feed.api.declare import declare
from content_feed.api.json_body import json_object
from content_feed.api.problems import Problem
from content_feed.api.terminal_auth import KIOSK, REFUSED, authenticated_kiosk
from content_feed.api.validation import checked
from content_feed.clock import now
from content_feed.db import db
from content_feed.models import Terminal, UrgentNotice
from content_feed.presence import book
from content_feed.public_now import current_urgent_notices
from content_feed.qr import qr_response
from content_feed.schemas import dump
from content_feed.schemas.feed import UrgentNotices
from content_feed.schemas.screens import Bundle
from content_feed.schemas.terminals import Ack, AckReply
from content_feed.terminals import directory
from content_feed.timefmt import local_text
from content_feed.urls import public_base
from content_feed.vocabulary import CITIZEN_DUE_LABELS
from inquiries.api.progress import progress
from inquiries.api.submissions import spend_receipt_lookup
from inquiries.receipts import find_by_typed
from inquiries.receipts import normalize as normalize_receipt
from inquiries.submissions import find_receipt
from kiosk import bp
from kiosk.bundle import build, bundle_topics, urgent_notices
from operations import push
from shared.ids import as_id


def _kiosk(code: str) -> Terminal | None:
    card = directory().lookup(code, ("kiosk",))
    return db.session.get(Terminal, card.id) if card is not None else None


def _seconds(name: str, default: int) -> int:
    """A page-load override (``?idle=5``) so tests and staff can shorten timers."""
    raw = request.args.get(name, "")
    value = as_id(raw)
    return value if value is not None and value <= 86400 else default


@bp.get("/<code>")
def shell(code: str):
    terminal = _kiosk(code)
    if terminal is None:
        return render_template("kiosk/unknown.html", code=code), 404
    settings = current_app.config["SUNLIGHT"]
    kiosk = settings["kiosk"]
    config = {
        "terminal": terminal.code,
        "hall": terminal.hall.code,
        "hallName": terminal.hall.name,
        "timezone": settings["hall"]["timezone"],
        "idleSeconds": _seconds("idle", kiosk["idle_seconds"]),
        # How long "您还在使用吗？" counts down before the reset (any touch puts it off).
        "idleWarnSeconds": _seconds("idlewarn", kiosk["idle_warn_seconds"]),
        "heartbeatSeconds": _seconds("heartbeat", kiosk["heartbeat_seconds"]),
        "pollSeconds": _seconds("poll", kiosk["bundle_poll_seconds"]),
        "urgentPollSeconds": _seconds("urgent", kiosk["urgent_poll_seconds"]),
        "attractSeconds": _seconds("attract", 8),
        # How long a request waits for an answer (kiosk/static/kiosk/js/waiting.js).
        "personWaitSeconds": _seconds("wait", 10),
        "pollWaitSeconds": _seconds("pollwait", 20),
        "serviceWorker": request.args.get("sw") != "off",
        "base": request.script_root,
        # Where to hear at once that the bundle or urgent notices moved; "" polls only.
        "push": push.subscription(settings, bundle_topics(terminal)),
        # The hall's current calls and the read-aloud voice, where calling/ is installed.
        **_calling_urls(terminal.code),
    }
    return render_template("kiosk/shell.html", config=config)


def _calling_urls(code: str) -> dict:
    if "calling.calls" not in current_app.view_functions:
        return {"calls": "", "speak": ""}
    return {
        "calls": url_for("calling.calls", code=code),
        "speak": url_for("calling.speak", code=code),
    }


def _bundle_topics() -> list[str]:
    return bundle_topics(_kiosk(request.view_args["code"]))


@conditional(depends=_bundle_topics, shared=False)
def _bundle_answer(code: str):
    return build(_kiosk(code))


@bp.get("/<code>/bundle.json")
@declare(
    "触摸查询机的内容包（条件 GET：未变化时 304）",
    response=Bundle,
    description="本大厅触摸查询机上公开的全部内容：事项、办事指南、会议公告、紧急通知、"
    "宣传标语、公开答复，以及离线搜索与提交检查所需的词表和规则。"
    "查询机保存一份，服务器不可用时照常浏览。",
    status_description="当前内容包",
    problems=(400, 401),
    token=True,
)
@fast_answer(FastAnswer(access=KIOSK))
def bundle(code: str):
    """The kiosk's content, for the kiosk itself only (its token in X-Terminal-Token):
    the token is checked before any kept answer is given, here and in the fast path."""
    authenticated_kiosk(code)
    return _bundle_answer(code)


def _urgent_topics() -> list[str]:
    terminal = _kiosk(request.view_args["code"])
    return [topics.terminal(terminal.id), *topics.of_hall(topics.URGENT, terminal.hall_id)]


@conditional(depends=_urgent_topics, shared=False)
def _urgent_answer(code: str):
    return UrgentNotices(urgent_notices=urgent_notices(_kiosk(code), now()))


@bp.get("/<code>/urgent.json")
@declare(
    "触摸查询机当前的紧急通知（条件 GET：未变化时 304）",
    response=UrgentNotices,
    description="本机所在大厅面向全部终端的紧急通知，以及面向本机所在分组的紧急通知。",
    status_description="当前紧急通知",
    problems=(400, 401),
    token=True,
)
@fast_answer(FastAnswer(access=KIOSK))
def urgent(code: str):
    """The urgent notices this kiosk shows (its groups' too): polled every few seconds."""
    authenticated_kiosk(code)
    return _urgent_answer(code)


@bp.post("/<code>/ack")
@declare(
    "触摸查询机确认正在显示的紧急通知",
    body=Ack,
    response=AckReply,
    status_description="已确认",
    problems=(400, 401, 409, 413, 415),
    token=True,
)
def ack(code: str):
    """The kiosk shows an urgent notice: noted for the console's confirmation page."""
    card = KIOSK.card(directory(), code, request.environ)
    if card is None:
        raise Problem(401, REFUSED, errors={"terminal": "终端未登记、已停用或令牌不符"})
    notice_id = checked(Ack, json_object(), status=400).notice_id
    at = now()
    showing = db.session.execute(
        current_urgent_notices(
            at, hall_id=card.hall_id, surface="kiosk", group_ids=card.group_ids
        ).where(UrgentNotice.id == notice_id)
    ).scalar_one_or_none()
    if showing is None:
        raise Problem(409, "该终端当前没有这条紧急通知")
    first = book().confirmed(notice_id, card.id, at)
    return dump(AckReply(ok=True, first_shown_at=first.isoformat()))


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(bp.static_folder, "kiosk/js/sw.js")
    response.headers["Service-Worker-Allowed"] = f"{request.script_root}/kiosk/"
    response.headers["Cache-Control"] = "no-cache"
    return response


def receipt_home(receipt_no: str) -> str:
    """Where a receipt's QR code points: its progress page, to open on a phone."""
    return f"{public_base()}/kiosk/receipts/{receipt_no}"


@bp.get("/qr/receipts/<receipt_no>.<fmt>")
def receipt_qr(receipt_no: str, fmt: str):
    spend_receipt_lookup()
    found = find_receipt(db.session, receipt_no)
    if found is None:
        raise Problem(404, "没有找到这个回执号")
    return qr_response(receipt_home(found.receipt_no), fmt)


@bp.get("/receipts/<receipt_no>")
def receipt_page(receipt_no: str):
    spend_receipt_lookup()
    found = find_by_typed(db.session, receipt_no)
    if found is None:
        shown = normalize_receipt(receipt_no) or receipt_no[:30]
        return render_template("kiosk/receipt.html", record=None, receipt_no=shown), 404
    response = Response(
        render_template(
            "kiosk/receipt.html",
            record=progress(found),
            received=local_text(found.received_at),
            receipt_no=found.receipt_no,
            due_labels=CITIZEN_DUE_LABELS,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
