"""Template helpers for staff's words: a file's kind by name (not its MIME
type), and whether to offer a row's change buttons at all."""

from __future__ import annotations

from admin import bp
from web import hall_scope

FILE_KINDS = {
    "application/pdf": "PDF 文档",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
    "application/vnd.ms-excel": "Excel 表格",
    "text/csv": "表格（逗号分隔）",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
    "application/msword": "Word 文档",
    "application/vnd.ms-powerpoint": "演示文稿",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "演示文稿",
    "application/zip": "压缩包",
    "text/plain": "文本",
}


@bp.app_template_filter("file_kind")
def file_kind(content_type: str | None) -> str:
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in FILE_KINDS:
        return FILE_KINDS[kind]
    if kind.startswith("image/"):
        return "图片"
    return "文件"


@bp.app_template_global("may_change")
def may_change(obj) -> bool:
    return hall_scope.may_change(obj)
