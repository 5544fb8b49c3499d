"""What kiosks send and ask: inquiries, ratings, their status, public answers,
search, and the heartbeat.

Submissions are keyed by terminal for rate limiting: every kiosk has its own
budget of ``feedback.rate_limit_per_minute``, so one busy hall does not starve
another and a stuck kiosk cannot flood the queue.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from flask_limiter.util import get_remote_address

from content_feed import topics
from content_feed.api import api, submissions_doc  # noqa: F401  (describes these routes)
from content_feed.api.args import hall_arg, int_arg, surface_arg
from content_feed.api.caching import conditional, content_etag
from content_feed.api.problems import Problem
from content_feed.api.resources import content_of_hall, of_asked_hall
from content_feed.clock import now
from content_feed.db import db
from content_feed.extensions import limiter
from content_feed.fast_path import FastPost, address_of, fast_post
from content_feed.models import Inquiry, Rating, Terminal
from content_feed.presence import book
from content_feed.privacy import mask_name, mask_phone, mask_text
from content_feed.public_now import public_answers
from content_feed.receipts import find_by_typed, group_receipt_no
from content_feed.search import MAX_QUERY, search
from content_feed.submissions import Refused, submit_inquiry, submit_rating
from content_feed.terminals import directory, find_terminal
from content_feed.timefmt import iso, local_date
from content_feed.vocabulary import INQUIRY_KINDS, INQUIRY_STATES, RATING_LEVELS, RATING_TARGETS

RATE_MESSAGE = "本终端提交过于频繁，请稍等一分钟再提交；您填写的内容已保留"


def _payload() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Problem(
            415 if not request.is_json else 400,
            "请以 JSON 对象提交（Content-Type: application/json）",
        )
    return data


def terminal_key() -> str:
    """The rate-limit key: the submitting terminal's code, else the client address."""
    data = request.get_json(silent=True)
    code = data.get("terminal") if isinstance(data, dict) else None
    return f"terminal:{code}" if isinstance(code, str) and code else get_remote_address()


def _rate_limit() -> str:
    return f"{current_app.config['SUNLIGHT']['feedback']['rate_limit_per_minute']}/minute"


def _kiosk(data: dict) -> Terminal:
    code = data.get("terminal")
    terminal = find_terminal(db.session, code, "kiosk") if isinstance(code, str) else None
    if terminal is None:
        raise Problem(
            422,
            "该终端未登记或已停用，请联系大厅工作人员",
            errors={"terminal": "终端未登记"},
        )
    return terminal


def inquiry_receipt(inq: Inquiry) -> dict:
    return {
        "receipt_no": inq.receipt_no,
        "receipt_display": group_receipt_no(inq.receipt_no),
        "kind": inq.kind,
        "kind_label": INQUIRY_KINDS.get(inq.kind, inq.kind),
        "state": inq.state,
        "state_label": INQUIRY_STATES.get(inq.state, inq.state),
        "received_at": iso(inq.received_at),
        "due_on": iso(inq.due_on),
        "status_url": f"/api/v1/inquiries/{inq.receipt_no}",
    }


def rating_receipt(rating: Rating) -> dict:
    return {
        "receipt_no": rating.receipt_no,
        "receipt_display": group_receipt_no(rating.receipt_no),
        "kind": "rating",
        "kind_label": "好差评",
        "level": rating.level,
        "level_label": RATING_LEVELS[rating.level],
        "target": rating.target,
        "target_label": RATING_TARGETS.get(rating.target, rating.target),
        "received_at": iso(rating.received_at),
        "follow_up": rating.follow_up_state == "open",
        # A call back is promised only to someone who left a number.
        "has_phone": bool(rating.phone),
        "contact_due_on": iso(rating.contact_due_on),
        "resolve_due_on": iso(rating.resolve_due_on),
        "status_url": f"/api/v1/inquiries/{rating.receipt_no}",
    }


def _intake(submit, receipt_json) -> Response:
    data = _payload()
    terminal = _kiosk(data)
    try:
        receipt = submit(
            db.session, data, terminal, current_app.config["SUNLIGHT"]["feedback"], now()
        )
    except Refused as refused:
        raise Problem(refused.status, refused.message, errors=refused.errors) from None
    response = jsonify(receipt_json(receipt.record))
    response.status_code = 201 if receipt.created else 200
    if not receipt.created:
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Cache-Control"] = "no-store"
    return response


# One budget per terminal for inquiries and ratings together.
submission_limit = limiter.shared_limit(
    _rate_limit, scope="kiosk-submissions", key_func=terminal_key, error_message=RATE_MESSAGE
)


@api.post("/inquiries")
@submission_limit
def post_inquiry():
    return _intake(submit_inquiry, inquiry_receipt)


@api.post("/ratings")
@submission_limit
def post_rating():
    return _intake(submit_rating, rating_receipt)


@api.get("/inquiries/<receipt_no>")
def inquiry_status(receipt_no: str):
    """Progress for whoever holds the receipt; personal data masked."""
    found = find_by_typed(db.session, receipt_no)
    if found is None:
        raise Problem(404, f"没有找到回执号 {receipt_no} 的记录，请核对后再查")
    if isinstance(found, Rating):
        body = rating_receipt(found)
        body.update(
            {
                "phone": mask_phone(found.phone),
                "follow_up_state": found.follow_up_state,
                "resolved": found.resolved_at is not None,
            }
        )
    else:
        body = inquiry_receipt(found)
        body.update(
            {
                "topic": mask_text(found.topic),
                "text": mask_text(found.text),
                "name": mask_name(found.name),
                "phone": mask_phone(found.phone),
                "reply": mask_text(found.reply) if found.replied_at else "",
                "replied_on": local_date(found.replied_at),
                "state_reason": (
                    mask_text(found.state_reason) if found.state == "cannot_handle" else ""
                ),
            }
        )
    # Progress is personal: never kept by a shared cache, always revalidated.
    return content_etag(jsonify(body), "private, no-cache")


def answer(inq: Inquiry) -> dict:
    """A public answer: the asker's words only with their consent, otherwise the
    handler's anonymous rewrite of the question."""
    rewritten = bool(inq.public_question)
    return {
        "receipt_no": inq.receipt_no,
        "kind": inq.kind,
        "kind_label": INQUIRY_KINDS.get(inq.kind, inq.kind),
        "topic": "" if rewritten else mask_text(inq.topic),
        "category": mask_text(inq.category),
        "question": mask_text(inq.public_question if rewritten else inq.text),
        "asker": "" if rewritten else mask_name(inq.name),
        "rewritten": rewritten,
        "reply": mask_text(inq.reply),
        "received_on": local_date(inq.received_at),
        "replied_on": local_date(inq.replied_at),
    }


def _hall_answers() -> list[str]:
    return of_asked_hall(topics.ANSWERS)


@api.get("/answers")
@conditional(depends=_hall_answers, params=("page", "per_page", "hall"))
def answers():
    page = int_arg("page", 1)
    per_page = int_arg("per_page", 20, 1, 100)
    hall = hall_arg()
    rows = db.session.execute(
        public_answers(hall_id=hall.id if hall else None)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).scalars()
    return {"answers": [answer(i) for i in rows], "page": page, "per_page": per_page}


@api.get("/search")
@conditional(depends=content_of_hall, params=("q", "page", "per_page", "hall", "surface"))
def search_public():
    q = (request.args.get("q") or "").strip()
    if not q:
        raise Problem(400, "请输入要查找的内容", errors={"q": "不能为空"})
    if len(q) > MAX_QUERY:
        raise Problem(400, f"查找内容不能超过 {MAX_QUERY} 个字", errors={"q": "过长"})
    page = int_arg("page", 1, 1, 50)
    per_page = int_arg("per_page", 20, 1, 50)
    hall = hall_arg()
    results = search(
        q,
        hall_id=hall.id if hall else None,
        surface=surface_arg(),
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    return {**results.to_json(), "page": page, "per_page": per_page}


def note_heartbeat(app, card, data: dict, address: str, at) -> dict:
    """A kiosk is alive, and says which page it shows and which bundle it has."""
    book(app).seen(
        card.id, at, address, last_page=data.get("page") or "", last_version=data.get("version")
    )
    return {"ok": True, "server_time": iso(at)}


@api.post("/heartbeat")
@fast_post(FastPost(("kiosk",), note_heartbeat, code_in_body=True, token=False))
def heartbeat():
    """A kiosk says it is alive, which page it shows and which content version it has."""
    data = _payload()
    terminal = _kiosk(data)
    card = directory().lookup(terminal.code, ("kiosk",))
    reply = note_heartbeat(
        current_app._get_current_object(), card, data, address_of(request.environ), now()
    )
    response = jsonify(reply)
    response.headers["Cache-Control"] = "no-store"
    return response
