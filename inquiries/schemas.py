"""What kiosks send and get back: submissions, receipts and their progress, public
answers, search results, the public ledger and refusal reports.

The submission models declare the shape (which fields, of which type, the key's
pattern); what their text must satisfy is inquiries/submission_rules.json,
which the kiosk applies too before it queues anything offline. The enums and
lengths of those rules are repeated here for the document only, taken from the
same vocabulary.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, Field

from content_feed.schemas import (
    DateTimeText,
    Id,
    Input,
    Int,
    Number,
    OptDate,
    Schema,
)
from content_feed.vocabulary import INQUIRY_KINDS, RATING_LEVELS, RATING_TARGETS
from inquiries.submission_rules import DELIVERY_METHODS

KEY_PATTERN = r"^[A-Za-z0-9_-]{8,80}$"
KEY_MESSAGE = "提交编号缺失或格式不对，请返回重新填写后提交"
InquiryKind = Literal["question", "suggestion", "disclosure_request", "comment"]


def _doc(**schema) -> dict:
    return {"json_schema_extra": schema}


class Submission(Input):
    # The route checks the terminal first, with its token; the domain functions are
    # given the terminal itself.
    REQUIRED = ("terminal", "idempotency_key")
    MESSAGES: ClassVar[dict[str, str]] = {"idempotency_key": KEY_MESSAGE}

    terminal: str | None = Field(None, description="触摸查询机编号")
    idempotency_key: str = Field(
        "",
        pattern=KEY_PATTERN,
        description="由触摸查询机为每次提交生成；用同一编号重试只会得到同一张回执",
    )


class InquiryRequest(Submission):
    REQUIRED = ("terminal", "idempotency_key", "kind", "text")

    kind: str = Field("", **_doc(enum=list(INQUIRY_KINDS)))
    text: str = ""
    topic: str = Field("", **_doc(maxLength=100))
    name: str = Field("", **_doc(maxLength=60))
    phone: str = ""
    category: str = Field("", **_doc(maxLength=60))
    delivery: str = Field(
        "",
        description="依申请公开：获取信息的方式（其他类型为空）",
        **_doc(enum=["", *DELIVERY_METHODS]),
    )
    item_id: Id | None = Field(None, description="预公开意见：征求意见的事项")
    # 是否同意公开答复: only an explicit JSON true counts; anything else is no.
    public_consent: Annotated[bool, BeforeValidator(lambda value: value is True)] = Field(
        False, description="是否同意公开答复（只有 true 算同意；不同意时只能改写后匿名公开）"
    )


class RatingRequest(Submission):
    REQUIRED = ("terminal", "idempotency_key", "level")

    level: Int = Field(0, **_doc(minimum=1, maximum=5, enum=sorted(RATING_LEVELS)))
    target: str = Field("hall", **_doc(enum=list(RATING_TARGETS)))
    window_id: Id | None = None
    guide_id: Id | None = None
    comment: str = ""
    phone: str = ""


class Receipt(Schema):
    receipt_no: str
    receipt_display: str = Field(description="分组显示的回执号")
    kind: str
    kind_label: str
    state: str
    state_label: str
    received_at: DateTimeText
    status_url: str


class InquiryReceipt(Receipt):
    kind: InquiryKind
    state: Literal["pending", "in_progress", "done", "cannot_handle"]
    due_on: OptDate


class RatingReceipt(Receipt):
    kind: Literal["rating"]
    state: Literal["received", "follow_up", "resolved"]
    level: int
    level_label: str
    target: str
    target_label: str
    follow_up: bool = Field(description="差评：已开启回访整改")
    has_phone: bool = Field(description="留了联系电话（才会电话回访）")
    contact_due_on: OptDate
    resolve_due_on: OptDate


class InquiryProgress(InquiryReceipt):
    """What the holder of a receipt sees: progress, personal data masked, never the
    text of the question itself."""

    topic: str
    phone: str
    replied: bool
    reply: str
    replied_on: OptDate
    state_reason: str = Field(description="暂不能办理的原因")


class RatingProgress(RatingReceipt):
    phone: str
    follow_up_state: str
    resolved: bool
    resolution_note: str = Field(description="回访整改情况")


Progress = Annotated[InquiryProgress | RatingProgress, Field(discriminator="kind")]


class MonthCounts(Schema):
    received: int
    done: int
    in_progress: int
    cannot_handle: int


class Satisfaction(Schema):
    count: int
    average: Number | None
    good_share: Number | None


class LedgerSummary(Schema):
    received: int
    done: int
    in_progress: int
    cannot_handle: int
    overdue: int
    on_time_share: Number | None
    avg_working_days_to_answer: Number | None
    by_month: dict[str, MonthCounts] = Field(description="按月（YYYY-MM）")
    satisfaction: Satisfaction


class RefusalReport(Input):
    """A submission the kiosk queued offline and the server refused on arrival."""

    terminal: str
    kind: Literal["inquiries", "ratings"]
    body: dict = Field(description="原提交内容（含 idempotency_key）")
    errors: dict | None = Field(None, description="拒收原因：字段到说明")
    queued_at: str | None = Field(None, **_doc(format="date-time"))

    MESSAGES: ClassVar[dict[str, str]] = {
        "kind": "类型只能是 inquiries 或 ratings",
        "body": "缺少原提交内容",
        "errors": "拒收原因须是字段到说明的对象",
        "queued_at": "时间格式不对",
    }


class RefusalRecorded(Schema):
    id: int
    recorded: bool
