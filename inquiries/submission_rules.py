"""The rules a kiosk submission must satisfy, stated once in ``submission_rules.json``.

The server applies them here; the kiosk gets the same file and parameters in
its bundle and applies them (``kiosk/static/kiosk/js/rules.js``) before it
queues anything, so a submission made offline is one the server will take.
Only what needs the database (the comment period, a window or guide of the
hall) is asked of the caller, through ``comment_open``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from content_feed.vocabulary import INQUIRY_KINDS, RATING_LEVELS, RATING_TARGETS

RULES: dict = json.loads(Path(__file__).with_name("submission_rules.json").read_text("utf-8"))
_PHONE = re.compile(RULES["phone"]["pattern"])
DELIVERY_METHODS = ("纸质文本", "电子邮件", "邮寄", "当场查阅", "自行领取")


def params_for(feedback: dict) -> dict:
    """The values the rules name, from the ``[feedback]`` configuration. Choices are
    lists of [value, label] pairs (JSON objects would reorder numeric keys)."""
    return {
        "max_text_length": feedback["max_text_length"],
        "blocked_words": [w for w in feedback["blocked_words"] if w],
        "inquiry_kinds": [[k, v] for k, v in INQUIRY_KINDS.items()],
        "delivery_methods": [[d, d] for d in DELIVERY_METHODS],
        "rating_levels": [[str(k), v] for k, v in RATING_LEVELS.items()],
        "rating_targets": [[k, v] for k, v in RATING_TARGETS.items()],
    }


def phone_ok(phone: str) -> bool:
    digits = sum(ch.isdigit() for ch in phone)
    spec = RULES["phone"]
    return bool(_PHONE.match(phone)) and spec["min_digits"] <= digits <= spec["max_digits"]


def _failure(rule: dict, value: str, params: dict, comment_open) -> str | None:
    kind, message = rule["rule"], rule["message"]
    if kind == "required":
        return message if not value else None
    if kind == "max_length":
        limit = rule["limit"]
        limit = params[limit] if isinstance(limit, str) else limit
        if len(value) > limit:
            return message.format(limit=limit, length=len(value))
        return None
    if kind == "one_of":
        choices = params[rule["values"]]
        if any(value == choice for choice, _ in choices):
            return None
        return message.format(values="、".join(label for _, label in choices))
    if kind == "phone":
        return None if not value or phone_ok(value) else message
    if kind == "blocked_words":
        word = next((w for w in params["blocked_words"] if w in value), None)
        return message.format(word=word) if word else None
    if kind == "comment_open":
        return None if comment_open is not None and comment_open(value) else message
    raise ValueError(f"unknown rule {kind!r}")


def check(
    form: str,
    fields: dict[str, str],
    params: dict,
    comment_open: Callable[[str], bool] | None = None,
) -> dict[str, str]:
    """Field → Chinese message for every field of ``fields`` that breaks a rule of
    ``form`` ("inquiry" or "rating"); empty when all is well."""
    errors: dict[str, str] = {}
    for rule in RULES[form]:
        when = rule.get("when", {})
        if any(fields.get(k, "") != v for k, v in when.items()):
            continue
        names = rule["field"] if isinstance(rule["field"], list) else [rule["field"]]
        for name in names:
            if name in errors:
                continue
            failed = _failure(rule, fields.get(name, ""), params, comment_open)
            if failed:
                errors[name] = failed
    return errors
