"""Intake of what people submit at a kiosk: inquiries (问询, 意见建议, 依申请公开,
预公开意见) and service ratings (好差评).

Each submission carries an idempotency key made on the kiosk. Storing is one
INSERT; if the key is already there (a retry, perhaps racing the first
attempt) the unique constraint refuses it and the existing row is returned,
so the caller gets the same receipt and nothing new is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content_feed import submission_rules
from content_feed.ids import db_int
from content_feed.models import Inquiry, Rating, Terminal, Window
from content_feed.public_now import public_guide, public_item
from content_feed.receipts import ALPHABET, PREFIXES, new_receipt_number
from content_feed.receipts import normalize as normalize_receipt
from content_feed.timefmt import local
from content_feed.vocabulary import BAD_RATING_MAX, InquiryState, ItemState
from content_feed.working_days import add_working_days

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,80}$")

# 依申请公开: how the applicant wants the information (the stored value is the label).
DELIVERY_METHODS = submission_rules.DELIVERY_METHODS

# The receipt number's letters, for tests and the kiosk's 暂存号 (receipts.py).
RECEIPT_PREFIX = PREFIXES
RECEIPT_ALPHABET = ALPHABET


class Refused(Exception):
    """A submission that cannot be taken; ``errors`` maps fields to Chinese messages."""

    def __init__(self, errors: dict[str, str], status: int = 422):
        super().__init__("；".join(errors.values()))
        self.errors = errors
        self.status = status

    @property
    def message(self) -> str:
        return "；".join(self.errors.values())


@dataclass
class Receipt:
    record: Inquiry | Rating
    created: bool


def receipt_number(kind: str, at: datetime | None = None) -> str:
    """A new receipt number (``at`` is kept for callers; the number holds no date)."""
    return new_receipt_number(kind)


# -- field checks ----------------------------------------------------------------


def _text(payload: dict, name: str) -> str:
    value = payload.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        return ""
    return str(value).strip()


def _check_key(errors: dict, key: str) -> None:
    if not KEY_PATTERN.match(key):
        errors["idempotency_key"] = "提交编号缺失或格式不对，请返回重新填写后提交"


def _received(at: datetime):
    return local(at).date()


# -- inquiries -------------------------------------------------------------------


def check_inquiry(session: Session, payload: dict, feedback: dict, at: datetime) -> dict:
    """The cleaned fields of an inquiry, or :class:`Refused` with every problem found
    (the rules of :mod:`content_feed.submission_rules`, as the kiosk applies them)."""
    errors: dict[str, str] = {}
    key = _text(payload, "idempotency_key")
    _check_key(errors, key)
    fields = {
        name: _text(payload, name)
        for name in ("kind", "text", "topic", "name", "phone", "delivery", "category")
    }
    kind = fields["kind"]
    item_id = _open_comment_item(session, payload.get("item_id"), at) if kind == "comment" else None
    params = submission_rules.params_for(feedback)
    errors.update(
        submission_rules.check(
            "inquiry", fields, params, comment_open=lambda _: item_id is not None
        )
    )
    if errors:
        raise Refused(errors)
    return {
        "idempotency_key": key,
        **fields,
        "delivery": fields["delivery"] if kind == "disclosure_request" else "",
        "item_id": item_id,
        "public_consent": _consent(payload),
    }


def _consent(payload: dict) -> bool:
    """是否同意公开答复: only an explicit yes counts."""
    return payload.get("public_consent") is True


def _open_comment_item(session: Session, raw, at: datetime) -> int | None:
    """The item a pre-disclosure comment is about, if its comment period is open now."""
    try:
        item_id = db_int(raw)
    except ValueError:
        return None
    item = public_item(session, item_id, at)
    if item is None or item.state != ItemState.PRE_DISCLOSURE:
        return None
    return item.id


def submit_inquiry(
    session: Session, payload: dict, terminal: Terminal, feedback: dict, at: datetime
) -> Receipt:
    fields = check_inquiry(session, payload, feedback, at)
    days = feedback[f"{fields['kind']}_days"]

    def build() -> Inquiry:
        return Inquiry(
            **fields,
            receipt_no=receipt_number(fields["kind"], at),
            terminal_id=terminal.id,
            hall_id=terminal.hall_id,
            state=InquiryState.PENDING,
            received_at=at,
            due_on=add_working_days(_received(at), days),
        )

    return _store(session, Inquiry, fields["idempotency_key"], build)


# -- ratings ---------------------------------------------------------------------


def check_rating(
    session: Session, payload: dict, terminal: Terminal, feedback: dict, at: datetime
) -> dict:
    errors: dict[str, str] = {}
    key = _text(payload, "idempotency_key")
    _check_key(errors, key)
    try:
        level = db_int(payload.get("level"))
    except ValueError:
        level = 0
    target = _text(payload, "target") or "hall"
    comment = _text(payload, "comment")
    phone = _text(payload, "phone")
    fields = {"level": str(level), "target": target, "comment": comment, "phone": phone}
    params = submission_rules.params_for(feedback)
    errors.update(submission_rules.check("rating", fields, params))
    window_id = guide_id = None
    if "target" not in errors and target == "window":
        window_id = _hall_window(session, payload.get("window_id"), terminal, errors)
    elif "target" not in errors and target == "guide":
        guide_id = _public_guide(session, payload.get("guide_id"), terminal, at, errors)
    if errors:
        raise Refused(errors)
    return {
        "idempotency_key": key,
        "level": level,
        "target": target,
        "window_id": window_id,
        "guide_id": guide_id,
        "comment": comment,
        "phone": phone,
    }


def _as_int(raw) -> int | None:
    try:
        return db_int(raw)
    except ValueError:
        return None


def _hall_window(session: Session, raw, terminal: Terminal, errors: dict) -> int | None:
    window = session.get(Window, _as_int(raw) or 0)
    if window is None or window.hall_id != terminal.hall_id:
        errors["window_id"] = "请选择要评价的窗口"
        return None
    return window.id


def _public_guide(session: Session, raw, terminal: Terminal, at: datetime, errors: dict):
    guide_id = _as_int(raw) or 0
    found = public_guide(session, guide_id, at, hall_id=terminal.hall_id)
    if found is None:
        errors["guide_id"] = "请选择要评价的办事事项"
        return None
    return found.id


def submit_rating(
    session: Session, payload: dict, terminal: Terminal, feedback: dict, at: datetime
) -> Receipt:
    fields = check_rating(session, payload, terminal, feedback, at)
    follow_up = {}
    if fields["level"] <= BAD_RATING_MAX:
        day = _received(at)
        follow_up = {
            "follow_up_state": "open",
            "contact_due_on": add_working_days(day, feedback["bad_rating_contact_days"]),
            "resolve_due_on": add_working_days(day, feedback["bad_rating_resolve_days"]),
        }

    def build() -> Rating:
        return Rating(
            **fields,
            **follow_up,
            receipt_no=receipt_number("rating", at),
            hall_id=terminal.hall_id,
            terminal_id=terminal.id,
            received_at=at,
        )

    return _store(session, Rating, fields["idempotency_key"], build)


# -- storing ---------------------------------------------------------------------


def _store(session: Session, model, key: str, build, attempts: int = 3) -> Receipt:
    """Insert; on a duplicate key return the row that holds it (a retry)."""
    for _ in range(attempts):
        record = build()
        session.add(record)
        try:
            session.commit()
            return Receipt(record, True)
        except IntegrityError:
            session.rollback()
            existing = session.execute(
                select(model).where(model.idempotency_key == key)
            ).scalar_one_or_none()
            if existing is not None:
                return Receipt(existing, False)
            # Otherwise the random receipt number collided: draw another.
    raise RuntimeError("could not store the submission")


def find_receipt(session: Session, receipt_no: str) -> Inquiry | Rating | None:
    """The inquiry or rating of a receipt number as a person typed it, or None."""
    receipt_no = normalize_receipt(receipt_no)
    if receipt_no is None:
        return None
    for model in (Inquiry, Rating):
        found = session.execute(
            select(model).where(model.receipt_no == receipt_no)
        ).scalar_one_or_none()
        if found is not None:
            return found
    return None
