"""What the push endpoint answers (declared for the OpenAPI document)."""

from __future__ import annotations

from pydantic import Field

from content_feed.schemas import Schema


class AlertReceipt(Schema):
    shown: list[int] = Field(description="已上屏的预警（本系统编号）")
    held: list[int] = Field(description="已收下但未上屏的预警：其他区域、演练、过期、不上屏的级别")
    duplicates: int = Field(description="此前已收到过的消息数（按 sender、identifier、sent 去重）")
    heartbeats: int = Field(description="status=System 心跳消息数")
    refused: list[str] = Field(description="文档中被拒收的预警及理由")
