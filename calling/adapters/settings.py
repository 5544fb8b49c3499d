"""A hall's NovoSGA link as the console's form fills it: checked field by field
with Chinese messages; the secrets are write-only (blank keeps the stored one)."""

from __future__ import annotations

import urllib.parse

from calling.models import NovosgaLink
from calling.sealing import seal

INTERVALS = (2, 60)  # seconds between polls
SECRETS = ("client_secret", "password")  # sealed, never shown again


def read(form, link: NovosgaLink) -> tuple[dict, dict]:
    """(values, errors) of the submitted form; values only when errors is empty."""
    errors: dict[str, str] = {}
    active = form.get("active") == "1"
    base_url = form.get("base_url", "").strip().rstrip("/")
    parts = urllib.parse.urlsplit(base_url)
    if base_url and (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or len(base_url) > 255
    ):
        errors["base_url"] = (
            "请填写 NovoSGA 的地址，如 http://192.168.1.20 或 https://sga.example.cn/novosga"
        )
    elif active and not base_url:
        errors["base_url"] = "启用前请填写 NovoSGA 的地址"
    unit = form.get("unit_id", "").strip()
    if not (unit.isdigit() and 1 <= int(unit) <= 999999):
        errors["unit_id"] = "请填写 NovoSGA 的单位编号（正整数）"
    texts = {}
    for name, label, limit, missing, kept in (
        ("client_id", "客户端 ID", 200, "请填写 NovoSGA 的 OAuth 客户端 ID", ""),
        ("client_secret", "客户端密钥", 500, "请填写客户端密钥", link.client_secret),
        ("username", "用户名", 100, "请填写 NovoSGA 的用户名（该用户需能访问本单位）", ""),
        ("password", "密码", 500, "请填写该用户的密码", link.password),
    ):
        # Secrets are taken as typed (a space may belong to them); names trimmed.
        value = form.get(name, "")
        value = value if name in SECRETS else value.strip()
        if len(value) > limit:
            errors[name] = f"{label}太长（{limit} 字符以内）"
        elif active and not value and not kept:
            errors[name] = missing
        texts[name] = value
    interval = form.get("interval_seconds", "").strip()
    low, high = INTERVALS
    if not (interval.isdigit() and low <= int(interval) <= high):
        errors["interval_seconds"] = f"请填写 {low}–{high} 之间的整数（秒）"
    if errors:
        return {}, errors
    return {
        "active": active,
        "base_url": base_url,
        "unit_id": int(unit),
        **texts,
        "interval_seconds": int(interval),
    }, {}


def shown(link: NovosgaLink) -> dict:
    """What the ledger may keep of the link (never its secrets)."""
    return {
        "active": link.active,
        "base_url": link.base_url,
        "unit_id": link.unit_id,
        "client_id": link.client_id,
        "username": link.username,
        "interval_seconds": link.interval_seconds,
    }


def apply(link: NovosgaLink, values: dict) -> None:
    """Store the values. Another server or unit, or a link switched on again, starts
    afresh: its first answer is history (calls it missed while off are not called)."""
    moved = (values["base_url"], values["unit_id"]) != (link.base_url, link.unit_id)
    moved = moved or (values["active"] and not link.active)
    for name in ("active", "base_url", "unit_id", "client_id", "username", "interval_seconds"):
        setattr(link, name, values[name])
    for name in SECRETS:
        if values[name]:  # blank keeps the stored one
            setattr(link, name, seal(values[name]))
    if moved:
        link.seen_ids = link.last_id = link.last_id_at = None
    if moved or not link.active:
        link.poll_error, link.failing_since, link.refused = "", None, ""
