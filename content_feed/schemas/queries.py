"""The query parameters of the feed's GET routes. A parameter a route does not
declare is refused (api/caching.py), so none multiplies the cache."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from content_feed.schemas import Input
from content_feed.schemas.feed import Surface
from content_feed.search import MAX_QUERY
from content_feed.text_hygiene import clean_text
from shared.ids import DB_INT_MAX

# Page numbers past this are no page anyone has (and keep offsets far from overflow).
MAX_PAGE = DB_INT_MAX // 1000


class HallQuery(Input):
    hall: str | None = Field(None, description="服务大厅编号：只返回面向该大厅的内容")


class SurfaceQuery(HallQuery):
    surface: Surface | None = Field(None, description="终端类型")


class Paging(Input):
    page: int = Field(1, ge=1, le=MAX_PAGE)


class ItemsQuery(SurfaceQuery, Paging):
    # The largest page is the configuration's (feed.max_page_size), checked with it.
    per_page: int | None = Field(
        None, ge=1, json_schema_extra={"x-maximum-from": "feed.max_page_size"}
    )
    category: str | None = Field(None, description="公开目录编号（含下级）")
    domain: str | None = Field(None, description="公开领域（catalogue.domains 之一）")


class AnswersQuery(HallQuery, Paging):
    per_page: int = Field(20, ge=1, le=100)


class SearchQuery(SurfaceQuery):
    q: str = Field(
        "",
        max_length=MAX_QUERY,
        description="中文、拼音全拼或首字母；至少一个可见字符",
        # Documented as accepted exactly: a visible character somewhere (control
        # characters and spaces alone are refused with 请输入要查找的内容).
        json_schema_extra={
            "x-required": True,
            "minLength": 1,
            "pattern": "[^\\s\\x00-\\x1f\\x7f-\\x9f]",
        },
        validate_default=True,
    )
    page: int = Field(1, ge=1, le=50)
    per_page: int = Field(20, ge=1, le=100)

    @field_validator("q", mode="before")
    @classmethod
    def _typed(cls, value):
        # Control characters match nothing a person typed: without them "\x00" is empty.
        text = clean_text(value or "").strip() if isinstance(value, str) else ""
        if not text:
            raise PydanticCustomError("zh", "不能为空", {"detail": "请输入要查找的内容"})
        if len(text) > MAX_QUERY:
            raise PydanticCustomError(
                "zh", "过长", {"detail": f"查找内容不能超过 {MAX_QUERY} 个字"}
            )
        return text
