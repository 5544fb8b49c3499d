"""What terminals are given: a screen's program, an LED strip's text, a kiosk's bundle.

These answers are built as dicts by display/ and kiosk/ and sent as they are
(their bytes, and so their ETags, are what they were); the models here declare
them for the OpenAPI document, and tests/test_api_schemas.py validates every
live answer against that document, so a key added to an answer and not here
fails the test.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from content_feed.schemas import DateTimeText, Number, OptDateTime, Schema
from content_feed.schemas.feed import (
    CategoryNode,
    GuideDetail,
    Hall,
    ItemDetail,
    ItemSummary,
    Meeting,
    PublicAnswer,
    UrgentNotice,
)

Version = Annotated[str, Field(description="内容版本：即 ETag（不含引号）")]
QrImage = Annotated[
    str,
    Field(
        pattern=r"^data:image/svg\+xml;base64,",
        description="二维码（内嵌 SVG，离线时随节目单一起保存）",
    ),
]
Fact = Annotated[tuple[str, str], Field(description="[名称, 内容]")]

# -- a screen's program ---------------------------------------------------------


class Entry(Schema):
    """节目单中的一个条目（各类条目共有的字段）。"""

    kind: str
    key: str = Field(description="条目在本节目单中的唯一键（播放记录按它报告）")
    label: str = Field(description="角标文字")
    title: str
    text: str = Field(description="一行文字（LED 条屏显示这一行）")
    duration: int = Field(ge=1, description="显示秒数")


class PlaylistEntry(Entry):
    """来自节目单的条目：指明所显示的内容。"""

    ref: str = Field(
        description="所显示的内容（item18、guide1、meeting1、slogan3；二维码卡片 qr，图片 img）"
    )


class ItemHeadlineEntry(PlaylistEntry):
    kind: Literal["item_headline"] = Field(description="公开事项标题")
    subtitle: str = Field(description="发布机关 · 发布日期")
    summary: str
    qr: QrImage
    qr_caption: str


class ItemPageEntry(ItemHeadlineEntry):
    kind: Literal["item_page"] = Field(description="公开事项全文")
    body_html: str = Field(description="正文（已净化的 HTML）")


class GuideEntry(PlaylistEntry):
    kind: Literal["guide"] = Field(description="办事指南摘要（含二维码）")
    subtitle: str = Field(description="实施主体")
    summary: str
    facts: list[Fact] = Field(description="承诺时限、收费、办理窗口、到现场次数（空的不列）")
    materials: list[str] = Field(max_length=6, description="申请材料（前 6 项）")
    qr: QrImage
    qr_caption: str


class SloganEntry(PlaylistEntry):
    kind: Literal["slogan"] = Field(description="宣传标语")


class MeetingEntry(PlaylistEntry):
    kind: Literal["meeting"] = Field(description="会议公告")
    subtitle: str = Field(description="会议时间 · 会议地点")
    summary: str = Field(description="议题（纯文字）")
    facts: list[Fact] = Field(description="会议时间、会议地点、旁听名额、报名截止（可为空字符串）")
    body: str = Field(description="报名方式（纯文字）")


class QrCardEntry(PlaylistEntry):
    kind: Literal["qr_card"] = Field(description="二维码卡片")
    summary: str
    qr: QrImage
    qr_caption: str


class ImageEntry(PlaylistEntry):
    kind: Literal["image"] = Field(description="图片")
    # As display/playlist.py is_local_url: this server's path, nothing a browser
    # would read as another host's.
    image: str = Field(
        pattern=r"^/(?:[^/\\\t\r\n][^\\\t\r\n]*)?$",
        description="图片地址（仅限本服务器上的路径）",
    )


class UrgentEntry(Entry):
    kind: Literal["urgent"] = Field(description="紧急通知（紧急模式下节目单只有紧急通知）")
    notice_id: int = Field(description="紧急通知编号：终端显示时用它确认（ack）")
    body: str
    starts_at: DateTimeText
    ends_at: DateTimeText
    level: Literal["", "red", "orange", "yellow", "blue"] = Field(
        description="预警信息的颜色级别（红橙黄蓝）；控制台发布的紧急通知为空（红色显示）"
    )


ProgramEntry = Annotated[
    ItemHeadlineEntry
    | ItemPageEntry
    | GuideEntry
    | SloganEntry
    | MeetingEntry
    | QrCardEntry
    | ImageEntry
    | UrgentEntry,
    Field(discriminator="kind"),
]


class ScreenOf(Schema):
    code: str
    name: str
    kind: Literal["wall", "led"] = Field(description="大屏或 LED 条屏")
    width: int = Field(description="像素")
    height: int = Field(description="像素")


class ProgramHall(Schema):
    code: str
    name: str
    timezone: str = Field(description="大厅所在时区（IANA 名称）")
    phone: str


class Named(Schema):
    id: int
    name: str


class Program(Schema):
    """大屏或 LED 条屏当前的节目：按顺序轮播的条目，有效至 until。"""

    version: Version
    generated_at: DateTimeText
    terminal: ScreenOf
    hall: ProgramHall
    mode: Literal["urgent", "scheduled", "default", "idle"] = Field(
        description="urgent 紧急通知；scheduled 按排期；default 默认节目单；idle 空闲画面"
    )
    slot: str = Field(description="本次决定的简称（u1、s2、idle）")
    schedule: Named | None = Field(description="正在执行的排期（紧急、空闲时为空）")
    playlist: Named | None = Field(description="正在播放的节目单（紧急、空闲时为空）")
    since: OptDateTime = Field(description="本次决定开始的时间（已知时）")
    until: OptDateTime = Field(description="下一次可能改变的时间")
    urgent: list[int] = Field(description="正在显示的紧急通知编号")
    entries: list[ProgramEntry]
    ticker: list[str] = Field(max_length=20, description="滚动字幕（宣传标语）")
    push: str = Field(description="即时推送的订阅路径；未启用推送时为空字符串")


# -- an LED strip's text ------------------------------------------------------


class LedPage(Schema):
    label: str
    text: str
    seconds: Number = Field(description="显示秒数")
    tone: Literal["text", "alert"] = Field(description="alert：紧急通知")
    outside_gb2312: list[str] = Field(description="本页中 GB2312 不能编码的字符（各一次）")


class LedText(Schema):
    """LED 条屏节目的文字（供接收文字指令的控制卡使用）。"""

    # The program's ETag: this answer's own is made from it and the format.
    version: str = Field(
        description="所依据的节目单版本（节目单的 ETag，不含引号；本答复的 ETag 另算）"
    )
    text: str = Field(description="全部页面的文字，每页一行")
    outside_gb2312: list[str] = Field(description="GB2312 不能编码的字符（各一次）")
    gb2312_safe: bool = Field(description="全部文字都能用 GB2312 编码")
    pages: list[LedPage]
    width: int = Field(description="像素")
    height: int = Field(description="像素")
    color_mode: str = Field(description="mono 单色、dual 红绿双色、rgb 全彩")


# -- a kiosk's bundle -------------------------------------------------------------


class Spelled(Schema):
    py: str = Field(description="标题的拼音首字母（离线搜索用）")
    pinyin: list[str] = Field(description="标题逐字的拼音")


class Searchable(Spelled):
    search: list[str] = Field(description="离线搜索读取的文字")


class BundleItem(ItemDetail, Searchable):
    """较新的公开事项：带全文。"""


class BundleItemSummary(ItemSummary, Searchable):
    """较早的公开事项：全文按需从事项接口读取。"""


SpelledText = list[list[str]]
SPELLED = "摘要与正文逐字的拼音（离线搜索用拼音查找材料、窗口业务等）"


class BundleGuide(GuideDetail, Searchable):
    keywords: str = Field(description="检索关键词")
    spelled: SpelledText = Field(description=SPELLED)


class BundleWindow(Spelled):
    id: int
    title: str
    summary: str
    body: str
    spelled: SpelledText = Field(description=SPELLED)


class KioskOf(Schema):
    code: str
    name: str


class ProgressWords(Schema):
    inquiry: dict[str, str] = Field(description="问询等的办理状态（群众看到的说法：已受理……）")
    rating: dict[str, str] = Field(description="好差评的处理状态")
    due: dict[str, str] = Field(description="期限的叫法：inquiry 答复期限，rating 整改期限")


class Vocabulary(Schema):
    inquiry_kinds: dict[str, str]
    rating_levels: dict[str, str] = Field(description='满意程度："5" 到 "1"')
    rating_targets: dict[str, str]
    delivery_methods: list[str] = Field(description="依申请公开的信息获取方式")
    progress: ProgressWords = Field(description="办理进度的用语，与手机进度页相同")


class OfflineSearch(Schema):
    abbreviations: dict[str, list[str]] = Field(description="简称 → 全称")
    windows: list[BundleWindow]


class SubmissionRule(Schema):
    field: str | list[str] = Field(description="所检查的字段（blocked_words 可列出多个，逐一检查）")
    rule: Literal["required", "max_length", "one_of", "phone", "blocked_words", "comment_open"]
    message: str = Field(description="不满足时显示的中文说明")
    limit: int | str | None = Field(None, description="长度上限，或参数名")
    values: str | None = Field(None, description="可选值所在的参数名")
    when: dict[str, Any] | None = Field(None, description="仅当其他字段为这些值时检查")


class PhoneRule(Schema):
    pattern: str
    min_digits: int
    max_digits: int


class SubmissionRules(Schema):
    about: str
    inquiry: list[SubmissionRule]
    rating: list[SubmissionRule]
    phone: PhoneRule


Choice = Annotated[tuple[str, str], Field(description="[值, 中文名称]")]


class RuleParams(Schema):
    max_text_length: int
    blocked_words: list[str]
    inquiry_kinds: list[Choice]
    delivery_methods: list[Choice]
    rating_levels: list[Choice]
    rating_targets: list[Choice]


class Rules(Schema):
    """提交须满足的规则：触摸查询机在排队提交前先行检查。"""

    rules: SubmissionRules = Field(description="提交规则（inquiries/submission_rules.json）")
    params: RuleParams = Field(description="规则引用的参数（来自配置）")


class Limits(Schema):
    max_text_length: int


class BundleUrls(Schema):
    item_api: str = Field(description="公开事项接口的地址（加 /<编号> 取全文）")


class Bundle(Schema):
    """触摸查询机显示的全部内容；查询机保存一份，服务器不可用时照常浏览。"""

    terminal: KioskOf
    hall: Hall
    timezone: str = Field(description="大厅所在时区（IANA 名称）")
    generated_at: DateTimeText
    catalogue: list[CategoryNode]
    items: list[BundleItem | BundleItemSummary] = Field(
        description="本大厅触摸查询机上公开的事项；最新的带全文，较早的只有摘要"
    )
    guides: list[BundleGuide]
    meetings: list[Meeting]
    urgent_notices: list[UrgentNotice]
    slogans: list[str]
    answers: list[PublicAnswer] = Field(description="公开的答复（最多 100 条）")
    vocabulary: Vocabulary
    search: OfflineSearch
    rules: Rules
    limits: Limits
    urls: BundleUrls
