"""The feed's answers: catalogue, halls, items, guides, meetings, slogans, urgent notices,
public answers to inquiries and search results."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from content_feed.schemas import DateTimeText, OptDate, OptDateTime, Schema

Surface = Literal["kiosk", "wall", "led"]


class Category(Schema):
    id: int
    code: str
    name: str
    domain: str


class CategoryNode(Schema):
    id: int
    code: str
    name: str
    domain: str
    required: bool
    count: int = Field(description="该节点及其下级的公开事项数")
    children: list[CategoryNode]


class Catalogue(Schema):
    domains: list[str]
    categories: list[CategoryNode]


class Window(Schema):
    id: int
    number: str
    name: str
    services: str


class Hall(Schema):
    code: str
    name: str
    address: str
    opening_hours: str
    phone: str
    windows: list[Window]


class Halls(Schema):
    halls: list[Hall]
    timezone: str = Field(description="大厅所在时区（IANA 名称）")


class Attachment(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    url: str
    thumbnail_url: str | None
    width: int | None
    height: int | None


class PreDisclosure(Schema):
    comment_from: OptDateTime
    comment_until: OptDateTime


class ItemSummary(Schema):
    id: int
    index_number: str | None
    title: str
    led_text: str
    domain: str
    category: Category
    disclosure_mode: Literal["proactive", "on_request"]
    disclosure_mode_label: str
    timeliness: Literal["standing", "periodic", "staged", "immediate"]
    timeliness_label: str
    refresh_period_days: int | None
    publishing_body: str
    subject: str
    document_number: str
    written_on: OptDate
    published_on: OptDate
    updated_at: OptDateTime
    valid_from: OptDateTime
    valid_until: OptDateTime
    summary: str = Field(max_length=100)
    surfaces: list[Surface]
    halls: list[str]
    online_url: str
    qr: str
    pre_disclosure: PreDisclosure | None = Field(description="预公开（征求意见）期；正式公开时为空")


class ItemDetail(ItemSummary):
    body_html: str
    attachments: list[Attachment]


class ItemsPage(Schema):
    items: list[ItemSummary]
    page: int
    per_page: int
    total: int
    pages: int


class TimeLimit(Schema):
    """法定/承诺办结时限 as the implementation list writes it."""

    value: int | None = Field(description="时限数字；即办、当场办结、无、不适用、未填写时为空")
    unit: str = Field(
        description="working_days 工作日 / calendar_days 自然日 / hours 小时 / same_day 当场办结"
        " / immediate 即办 / none 无 / not_applicable 不适用 / unfilled 未填写"
    )
    text: str = Field(description="清单原文写法，如“20个工作日”“30个自然日”“即办”“无”")


class GuideSummary(Schema):
    id: int
    code: str
    name: str
    kind: str
    summary: str
    implementing_body: str
    statutory_limit: str
    promised_limit: str
    fee: str
    online: bool
    window: str
    hall: str | None
    page_url: str
    qr: str


class GuideFile(Schema):
    """A blank form or sample of a material: where to download it, its QR code."""

    id: int
    filename: str
    is_image: bool
    url: str
    download_url: str
    thumb: str | None
    qr: str


class GuideFee(Schema):
    name: str
    standard: str
    basis: str


class Material(Schema):
    name: str
    form: str
    form_label: str
    copies: int
    necessity: str
    necessity_label: str
    deferrable: bool = Field(description="容缺后补：可先受理，此材料后补")
    source: str
    notes: str
    blank_form: GuideFile | None = Field(description="空白表格")
    sample: GuideFile | None = Field(description="填写样例")


class GuideStep(Schema):
    title: str
    description: str


class GuideFaq(Schema):
    question: str
    answer: str


class GuideDetail(GuideSummary):
    basis: str
    conditions: str
    statutory: TimeLimit
    promised: TimeLimit
    statutory_days: int | None = Field(
        description="法定办结时限的工作日数，仅当单位为工作日时有值（据此计算期限）"
    )
    promised_days: int | None = Field(
        description="承诺办结时限的工作日数，仅当单位为工作日时有值（据此计算期限）"
    )
    is_free: bool
    fees: list[GuideFee]
    location: str
    office_hours: str
    consult_phone: str
    complaint_phone: str
    visits: int
    visits_text: str  # 到现场次数 in words ("无需到现场", "1 次")
    online_url: str
    online_qr: str | None
    materials: list[Material]
    steps: list[GuideStep]
    faqs: list[GuideFaq]


class Guides(Schema):
    guides: list[GuideSummary]


class Meeting(Schema):
    id: int
    title: str
    meeting_at: DateTimeText
    meeting_ends_at: DateTimeText
    place: str
    topics: str
    observer_quota: int
    eligibility: str
    how_to_register: str
    register_until: OptDateTime
    published_at: OptDateTime


class Meetings(Schema):
    meetings: list[Meeting]


class Slogan(Schema):
    id: int
    text: str


class Slogans(Schema):
    slogans: list[Slogan]


class UrgentNotice(Schema):
    id: int
    title: str
    # "紧急通知：…" as a surface shows it (content_feed/wording.py), said once.
    heading: str
    body: str
    starts_at: DateTimeText
    ends_at: DateTimeText
    surfaces: list[Surface]


class UrgentNotices(Schema):
    urgent_notices: list[UrgentNotice]


class PublicAnswer(Schema):
    """Nothing in it leads back to the asker: no receipt number, no name."""

    kind: str
    kind_label: str
    topic: str
    category: str
    question: str
    rewritten: bool = Field(description="提问人未同意公开：问题由工作人员改写、匿名公开")
    reply: str
    received_on: OptDate
    replied_on: OptDate


class Answers(Schema):
    answers: list[PublicAnswer]
    page: int
    per_page: int


Spans = Annotated[list[tuple[int, int]], Field(description="命中的字符区间 [起, 止)")]


class Hit(Schema):
    # Fields in the order content_feed.search writes them (the body's bytes, its ETag).
    kind: str
    id: int
    title: str
    title_spans: Spans
    snippet: str
    snippet_spans: Spans
    matched_in: Literal["title", "summary", "body"]


class ItemHit(Hit):
    kind: Literal["item"]
    index_number: str | None
    category: str
    date: OptDate


class GuideHit(Hit):
    kind: Literal["guide"]
    code: str
    date: OptDate
    category: str


class WindowHit(Hit):
    kind: Literal["window"]
    category: str
    date: None
    number: str


class SearchAnswer(Schema):
    query: str
    total: int
    total_capped: bool = Field(description="命中数达到上限，total 为下限")
    results: list[Annotated[ItemHit | GuideHit | WindowHit, Field(discriminator="kind")]]
    page: int
    per_page: int
