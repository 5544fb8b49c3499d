"""Receipts and their progress: one view of an inquiry or rating for whoever holds
its number, given by the API (``/api/v1/inquiries/<receipt_no>``) and shown by the
kiosk's receipt page (kiosk/views.py) alike."""

from __future__ import annotations

from content_feed.models import Inquiry, Rating
from content_feed.timefmt import iso, local_date
from content_feed.vocabulary import (
    CITIZEN_INQUIRY_STATES,
    INQUIRY_KINDS,
    RATING_LEVELS,
    RATING_PROGRESS,
    RATING_TARGETS,
    InquiryState,
)
from inquiries.privacy import mask_for, mask_phone, mask_text
from inquiries.receipts import group_receipt_no
from inquiries.schemas import (
    InquiryProgress,
    InquiryReceipt,
    RatingProgress,
    RatingReceipt,
)


def _status_url(receipt_no: str) -> str:
    return f"/api/v1/inquiries/{receipt_no}"


def _inquiry_fields(inq: Inquiry) -> dict:
    return {
        "receipt_no": inq.receipt_no,
        "receipt_display": group_receipt_no(inq.receipt_no),
        "kind": inq.kind,
        "kind_label": INQUIRY_KINDS.get(inq.kind, inq.kind),
        "state": inq.state,
        "state_label": CITIZEN_INQUIRY_STATES.get(inq.state, inq.state),
        "received_at": iso(inq.received_at),
        "status_url": _status_url(inq.receipt_no),
        "due_on": iso(inq.due_on),
    }


def rating_state(rating: Rating) -> str:
    if rating.resolved_at is not None:
        return "resolved"
    return "follow_up" if rating.follow_up_state in ("open", "contacted") else "received"


def _rating_fields(rating: Rating) -> dict:
    state = rating_state(rating)
    return {
        "receipt_no": rating.receipt_no,
        "receipt_display": group_receipt_no(rating.receipt_no),
        "kind": "rating",
        "kind_label": "好差评",
        "state": state,
        "state_label": RATING_PROGRESS[state],
        "received_at": iso(rating.received_at),
        "status_url": _status_url(rating.receipt_no),
        "level": rating.level,
        "level_label": RATING_LEVELS[rating.level],
        "target": rating.target,
        "target_label": RATING_TARGETS.get(rating.target, rating.target),
        "follow_up": rating.follow_up_state == "open",
        # A call back is promised only to someone who left a number.
        "has_phone": bool(rating.phone),
        "contact_due_on": iso(rating.contact_due_on),
        "resolve_due_on": iso(rating.resolve_due_on),
    }


def inquiry_receipt(inq: Inquiry) -> InquiryReceipt:
    return InquiryReceipt(**_inquiry_fields(inq))


def rating_receipt(rating: Rating) -> RatingReceipt:
    return RatingReceipt(**_rating_fields(rating))


def progress(found: Inquiry | Rating) -> InquiryProgress | RatingProgress:
    """What the holder of a receipt sees: progress, and personal data masked.
    The text of the question itself and the asker's name are never part of it."""
    if isinstance(found, Rating):
        return RatingProgress(
            **_rating_fields(found),
            phone=mask_phone(found.phone),
            follow_up_state=found.follow_up_state,
            resolved=found.resolved_at is not None,
            resolution_note=mask_text(found.resolution_note),
        )
    return InquiryProgress(
        **_inquiry_fields(found),
        topic=mask_for(found, found.topic),
        phone=mask_phone(found.phone),
        replied=found.replied_at is not None,
        reply=mask_for(found, found.reply) if found.replied_at else "",
        replied_on=local_date(found.replied_at),
        state_reason=(
            mask_for(found, found.state_reason) if found.state == InquiryState.CANNOT_HANDLE else ""
        ),
    )
