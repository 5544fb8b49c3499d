"""What terminals report of themselves: heartbeats, urgent-notice confirmations,
proof of play."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, Strict

from content_feed.schemas import DateTimeText, Input, Schema
from shared.ids import DB_INT_MAX


class Heartbeat(Input):
    """Alive, which page or entry it shows, which content version it has. Kiosks
    name themselves here, screens in the address."""

    terminal: str | None = Field(None, description="触摸查询机编号（大屏、LED 条屏的编号在地址中）")
    page: str | None = Field(None, description="触摸查询机当前页面")
    entry: str | None = Field(None, description="大屏当前播放的节目条目")
    program: str | None = Field(None, description="大屏当前的节目单")
    version: str | None = Field(None, description="终端持有的内容版本（ETag）")
    done: list[Annotated[int, Strict(), Field(ge=1, le=DB_INT_MAX)]] | None = Field(
        None, max_length=50, description="大屏已执行的遥控命令编号"
    )
    power: Literal["on", "off"] | None = Field(None, description="大屏此刻亮屏（on）或关屏（off）")


class HeartbeatReply(Schema):
    ok: bool
    server_time: DateTimeText
    poll_seconds: int = Field(description="终端应隔多少秒再报告一次")
    commands: list[dict] | None = Field(
        None, description="待执行的遥控命令：编号 id、动作 action（reload / fetch / identify）"
    )
    power: Literal["on", "off"] | None = Field(
        None, description="按关屏时段或遥控，此刻应亮屏或关屏"
    )


def _json_integer(value):
    """A JSON integer as JSON Schema counts them: 5 and 5.0 (no fraction), never "5"."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Ack(Input):
    # A JSON integer only: "5" is no notice number.
    notice_id: Annotated[
        int, BeforeValidator(_json_integer), Strict(), Field(ge=1, le=DB_INT_MAX)
    ] = Field(description="终端正在显示的紧急通知")


class AckReply(Schema):
    ok: bool
    first_shown_at: DateTimeText = Field(description="第一次确认显示的时间")


class Play(Input):
    """One showing of one entry. Text longer than its column is kept to its start
    (what the console lists); the time must carry its zone."""

    key: str = ""
    ref: str = ""
    kind: str = ""
    title: str = ""
    started_at: str = Field(json_schema_extra={"format": "date-time"})
    duration: float = Field(0, allow_inf_nan=False, description="秒（0 到 86400）")


class PlayBatch(Input):
    batch_key: str = Field(
        min_length=8, max_length=80, description="每批一个；同一编号再送只记一次"
    )
    plays: list[Play] = Field(max_length=500)


class PlayOutcome(Schema):
    accepted: int
    duplicate: bool
    dropped: int = Field(description="时间超出范围（终端时钟有误）而未记的条数")
