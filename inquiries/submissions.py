"""Intake of what people submit at a kiosk: inquiries (问询, 意见建议, 依申请公开,
预公开意见) and service ratings (好差评).

Each submission carries an idempotency key made on the kiosk. Storing is one
INSERT; if the key is already there (a retry, perhaps racing the first
attempt) the unique constraint refuses it and the existing row is returned,
so the caller gets the same receipt and nothing new is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content_feed.api.validation import field_errors
from content_feed.models import Inquiry, Rating, Terminal, Window
from content_feed.public_now import public_guide, public_item
from content_feed.timefmt import local
from content_feed.vocabulary import BAD_RATING_MAX, InquiryState, ItemState
from inquiries import submission_rules
from inquiries.receipts import ALPHABET, PREFIXES, new_receipt_number
from inquiries.receipts import normalize as normalize_receipt
from inquiries.schemas import InquiryRequest, RatingRequest
from inquiries.working_days import add_working_days

# 依申请公开: how the applicant wants the information (the stored value is the label).
DELIVERY_METHODS = submission_rules.DELIVERY_METHODS

# The receipt number's letters, for tests and the kiosk's 暂存号 (receipts.py).
RECEIPT_PREFIX = PREFIXES
RECEIPT_ALPHABET = ALPHABET


class Refused(Exception):
    """A submission that cannot be taken; ``errors`` maps fields to Chinese messages."""

    def __init__(self, errors: dict[str, str], status: int = 422, message: str = ""):
        self.message = message or "；".join(errors.values())
        super().__init__(self.message)
        self.errors = errors
        self.status = status


M = TypeVar("M", bound=BaseModel)


def shaped(model: type[M], payload: M | dict) -> tuple[M, dict[str, str]]:
    """``payload`` as its schema, and field → message for every field of the wrong
    type or form; those fields take their defaults, so the rules can still be run
    on the rest and every problem is reported at once."""
    if isinstance(payload, model):
        return payload, {}
    try:
        return model.model_validate(payload), {}
    except ValidationError as exc:
        errors, _ = field_errors(model, exc)
    rest = {k: v for k, v in payload.items() if k not in errors}
    return model.model_validate(rest), errors


@dataclass
class Receipt:
    record: Inquiry | Rating
    created: bool


def receipt_number(kind: str, at: datetime | None = None) -> str:
    """A new receipt number (``at`` is kept for callers; the number holds no date)."""
    return new_receipt_number(kind)


def _received(at: datetime):
    return local(at).date()


# -- inquiries -------------------------------------------------------------------


def check_inquiry(
    session: Session, payload: InquiryRequest | dict, feedback: dict, at: datetime
) -> dict:
    """The cleaned fields of an inquiry, or :class:`Refused`: with every field of the
    wrong shape (its schema), else with every rule broken
    (:mod:`inquiries.submission_rules`, as the kiosk applies them)."""
    payload, shape_errors = shaped(InquiryRequest, payload)
    fields = {
        name: getattr(payload, name).strip()
        for name in ("kind", "text", "topic", "name", "phone", "delivery", "category")
    }
    kind = fields["kind"]
    item_id = _open_comment_item(session, payload.item_id, at) if kind == "comment" else None
    params = submission_rules.params_for(feedback)
    errors = submission_rules.check(
        "inquiry", fields, params, comment_open=lambda _: item_id is not None
    )
    # A field of the wrong type says so, rather than what its default breaks.
    errors.update(shape_errors)
    if errors:
        raise Refused(errors)
    return {
        "idempotency_key": payload.idempotency_key,
        **fields,
        "delivery": fields["delivery"] if kind == "disclosure_request" else "",
        "item_id": item_id,
        "public_consent": payload.public_consent,
    }


def _open_comment_item(session: Session, item_id: int | None, at: datetime) -> int | None:
    """The item a pre-disclosure comment is about, if its comment period is open now."""
    if item_id is None:
        return None
    item = public_item(session, item_id, at)
    if item is None or item.state != ItemState.PRE_DISCLOSURE:
        return None
    return item.id


def submit_inquiry(
    session: Session,
    payload: InquiryRequest | dict,
    terminal: Terminal,
    feedback: dict,
    at: datetime,
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
    session: Session,
    payload: RatingRequest | dict,
    terminal: Terminal,
    feedback: dict,
    at: datetime,
) -> dict:
    payload, shape_errors = shaped(RatingRequest, payload)
    target = payload.target.strip() or "hall"
    comment, phone = payload.comment.strip(), payload.phone.strip()
    fields = {"level": str(payload.level), "target": target, "comment": comment, "phone": phone}
    params = submission_rules.params_for(feedback)
    errors = {**submission_rules.check("rating", fields, params), **shape_errors}
    window_id = guide_id = None
    if "target" not in errors and target == "window" and "window_id" not in errors:
        window_id = _hall_window(session, payload.window_id, terminal, errors)
    elif "target" not in errors and target == "guide" and "guide_id" not in errors:
        guide_id = _public_guide(session, payload.guide_id, terminal, at, errors)
    if errors:
        raise Refused(errors)
    return {
        "idempotency_key": payload.idempotency_key,
        "level": payload.level,
        "target": target,
        "window_id": window_id,
        "guide_id": guide_id,
        "comment": comment,
        "phone": phone,
    }


def _hall_window(session: Session, window_id: int | None, terminal: Terminal, errors: dict):
    window = session.get(Window, window_id or 0)
    if window is None or window.hall_id != terminal.hall_id:
        errors["window_id"] = "请选择要评价的窗口"
        return None
    return window.id


def _public_guide(
    session: Session, guide_id: int | None, terminal: Terminal, at: datetime, errors: dict
):
    found = public_guide(session, guide_id or 0, at, hall_id=terminal.hall_id)
    if found is None:
        errors["guide_id"] = "请选择要评价的办事事项"
        return None
    return found.id


def submit_rating(
    session: Session,
    payload: RatingRequest | dict,
    terminal: Terminal,
    feedback: dict,
    at: datetime,
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
