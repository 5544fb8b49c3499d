"""Small form helpers for the console pages (plain HTML forms, CSRF from flask-wtf)."""

from __future__ import annotations

from datetime import date

from flask import request

from content_feed.ids import as_id


class FormError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def text(name: str, *, required: bool = False, limit: int = 200, label: str = "") -> str:
    value = (request.form.get(name) or "").strip()
    if required and not value:
        raise FormError(name, f"请填写{label or name}")
    if len(value) > limit:
        raise FormError(name, f"{label or name}不能超过 {limit} 个字符")
    return value


def integer(name: str, *, low: int, high: int, default: int | None = None, label: str = "") -> int:
    raw = (request.form.get(name) or "").strip()
    if not raw and default is not None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FormError(name, f"{label or name}应为整数") from None
    if not low <= value <= high:
        raise FormError(name, f"{label or name}应在 {low} 到 {high} 之间")
    return value


def optional_int(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    value = as_id(raw)
    if value is None:
        raise FormError(name, "应为编号（整数）")
    return value


def day(name: str, label: str = "") -> date | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FormError(name, f"{label or name}应为日期 YYYY-MM-DD") from None


def checked(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "true", "y")
