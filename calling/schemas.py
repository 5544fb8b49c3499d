"""The shapes of the calling endpoints: a queue system's event, the answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, ConfigDict, Field

from content_feed.schemas import Schema

KINDS = ("call", "recall", "start", "end", "pause", "resume", "no_show", "transfer")
KIND_LABELS = {
    "call": "叫号",
    "recall": "重呼",
    "start": "开始办理",
    "end": "办结",
    "pause": "暂停",
    "resume": "恢复",
    "no_show": "未到/过号",
    "transfer": "转窗口",
}
# Kinds that name the ticket they act on.
WITH_TICKET = ("call", "recall", "start", "end", "no_show", "transfer")

EXAMPLE = {
    "event_id": "qs-20261117-000123",
    "type": "call",
    "window": "3",
    "ticket": "A001",
    "service": "不动产登记",
    "occurred_at": "2026-11-17T02:00:05Z",
    "issued_at": "2026-11-17T01:48:10Z",
}


class CallEventIn(Schema):
    """One event of the hall's queue system (叫号系统)."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                EXAMPLE,
                {
                    "event_id": "qs-20261117-000124",
                    "type": "pause",
                    "window": "3",
                    "reason": "午休",
                    "occurred_at": "2026-11-17T04:00:00Z",
                },
                {
                    "event_id": "qs-20261117-000125",
                    "type": "transfer",
                    "window": "3",
                    "ticket": "A001",
                    "to_window": "5",
                    "occurred_at": "2026-11-17T02:09:00Z",
                },
            ]
        },
    )

    event_id: str = Field(
        min_length=1, max_length=80, description="事件编号：同一编号只处理一次（重发安全）"
    )
    type: Literal[KINDS] = Field(
        description="call 叫号、recall 重呼、start 开始办理、end 办结、"
        "pause 暂停、resume 恢复、no_show 未到/过号、transfer 转窗口"
    )
    window: str = Field(
        min_length=1, max_length=20, description="窗口编号（与后台“大厅与窗口”一致）"
    )
    ticket: str = Field(
        "",
        max_length=20,
        description="票号，如 A001（call、recall、start、end、no_show、transfer 必填）",
    )
    service: str = Field("", max_length=100, description="业务名称（统计用）")
    reason: str = Field("", max_length=100, description="暂停原因")
    to_window: str = Field("", max_length=20, description="转入的窗口编号（transfer）")
    occurred_at: AwareDatetime = Field(description="事件发生时间（带时区）：迟到的旧事件按时间处理")
    issued_at: AwareDatetime | None = Field(None, description="取号时间（计算等候时长）")
    sound: bool = Field(True, description="是否语音播报（call、recall）")


class WindowState(Schema):
    number: str
    name: str
    state: Literal["idle", "calling", "serving", "paused"]
    state_label: str
    ticket: str
    text: str = Field(description="窗口屏显示的文字")


class EventOutcome(Schema):
    event_id: str
    status: Literal["applied", "stale", "duplicate"] = Field(
        description="applied 已生效；stale 比该窗口已处理的事件更早，只记入历史；"
        "duplicate 此编号已处理过（不重复生效）"
    )
    window: WindowState


class CallShown(Schema):
    ticket: str
    window: str
    window_name: str
    at: str
    newest: bool


class AnnouncementShown(Schema):
    id: int
    text: str
    area: str
    starts_at: str
    ends_at: str
    repeats: int
    volume: int
    audio: str = Field(description="合成语音（WAV）的地址")


class CallsAnswer(Schema):
    """A hall's calls as its screens show them."""

    version: str
    hall: str
    windows: list[WindowState]
    calls: list[CallShown] = Field(description="最近的叫号，最新的在前")
    announcements: list[AnnouncementShown]
    push: str = Field(description="推送订阅地址（无推送时为空，终端轮询）")


def label_of(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


__all__ = [
    "KINDS",
    "CallEventIn",
    "EventOutcome",
    "CallsAnswer",
    "WindowState",
    "datetime",
]
