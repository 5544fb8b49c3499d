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

from content_feed.api.args import db_int
from content_feed.models import Inquiry, Rating, Terminal, Window
from content_feed.public_now import public_guide, public_item
from content_feed.receipts import new_receipt_number
from content_feed.receipts import normalize as normalize_receipt
from content_feed.timefmt import local
from content_feed.vocabulary import BAD_RATING_MAX, INQUIRY_KINDS, RATING_LEVELS, RATING_TARGETS
from content_feed.working_days import add_working_days

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,80}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 -]{4,22}$")

# 依申请公开: how the applicant wants the information (the stored value is the label).
DELIVERY_METHODS = ("纸质文本", "电子邮件", "邮寄", "当场查阅", "自行领取")

TOPIC_MAX, NAME_MAX, CATEGORY_MAX = 100, 60, 60


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


def _check_length(errors: dict, name: str, value: str, limit: int, label: str) -> None:
    if len(value) > limit:
        errors[name] = f"{label}不能超过 {limit} 字，现在是 {len(value)} 字"


def _check_phone(errors: dict, phone: str, required: bool) -> None:
    if not phone:
        if required:
            errors["phone"] = "请填写联系电话，以便把答复送达您"
        return
    digits = sum(ch.isdigit() for ch in phone)
    if not PHONE_PATTERN.match(phone) or not 7 <= digits <= 15:
        errors["phone"] = "电话号码格式不对，请填写 7 到 15 位数字"


def _check_blocked(errors: dict, fields: dict[str, str], blocked: list[str]) -> None:
    for name, value in fields.items():
        for word in blocked:
            if word and word in value and name not in errors:
                errors[name] = f"内容中含有不允许提交的词语“{word}”，请修改后再提交"


def _check_key(errors: dict, key: str) -> None:
    if not KEY_PATTERN.match(key):
        errors["idempotency_key"] = "提交编号缺失或格式不对，请返回重新填写后提交"


def _received(at: datetime):
    return local(at).date()


# -- inquiries -------------------------------------------------------------------


def check_inquiry(session: Session, payload: dict, feedback: dict, at: datetime) -> dict:
    """The cleaned fields of an inquiry, or :class:`Refused` with every problem found."""
    errors: dict[str, str] = {}
    key = _text(payload, "idempotency_key")
    _check_key(errors, key)
    kind = _text(payload, "kind")
    if kind not in INQUIRY_KINDS:
        errors["kind"] = "请选择类型：" + "、".join(INQUIRY_KINDS.values())
    text = _text(payload, "text")
    topic = _text(payload, "topic")
    name = _text(payload, "name")
    phone = _text(payload, "phone")
    delivery = _text(payload, "delivery")
    category = _text(payload, "category")
    if not text:
        errors["text"] = "请填写您想说的内容"
    _check_length(errors, "text", text, feedback["max_text_length"], "内容")
    _check_length(errors, "topic", topic, TOPIC_MAX, "主题")
    _check_length(errors, "name", name, NAME_MAX, "姓名")
    _check_length(errors, "category", category, CATEGORY_MAX, "类别")
    request = kind == "disclosure_request"
    if request and not name:
        errors["name"] = "依申请公开须填写申请人姓名"
    _check_phone(errors, phone, required=request)
    if request and delivery not in DELIVERY_METHODS:
        errors["delivery"] = "请选择获取信息的方式：" + "、".join(DELIVERY_METHODS)
    if not request:
        delivery = ""
    item_id = None
    if kind == "comment":
        item_id = _open_comment_item(session, payload.get("item_id"), at, errors)
    _check_blocked(errors, {"text": text, "topic": topic, "name": name}, feedback["blocked_words"])
    if errors:
        raise Refused(errors)
    return {
        "idempotency_key": key,
        "kind": kind,
        "topic": topic,
        "text": text,
        "name": name,
        "phone": phone,
        "delivery": delivery,
        "category": category,
        "item_id": item_id,
    }


def _open_comment_item(session: Session, raw, at: datetime, errors: dict) -> int | None:
    """The item a pre-disclosure comment is about, if its comment period is open now."""
    try:
        item_id = db_int(raw)
    except ValueError:
        errors["item_id"] = "请从征求意见的公开事项页面提出意见"
        return None
    item = public_item(session, item_id, at)
    if item is None or item.state != "pre_disclosure":
        errors["item_id"] = "该事项不在征求意见期内，不能再提出意见"
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
            state="pending",
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
    if level not in RATING_LEVELS:
        errors["level"] = "请选择满意程度：" + "、".join(RATING_LEVELS.values())
    target = _text(payload, "target") or "hall"
    window_id = guide_id = None
    if target not in RATING_TARGETS:
        errors["target"] = "请选择评价对象：" + "、".join(RATING_TARGETS.values())
    elif target == "window":
        window_id = _hall_window(session, payload.get("window_id"), terminal, errors)
    elif target == "guide":
        guide_id = _public_guide(session, payload.get("guide_id"), terminal, at, errors)
    comment = _text(payload, "comment")
    phone = _text(payload, "phone")
    _check_length(errors, "comment", comment, feedback["max_text_length"], "意见")
    _check_phone(errors, phone, required=False)
    _check_blocked(errors, {"comment": comment}, feedback["blocked_words"])
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
