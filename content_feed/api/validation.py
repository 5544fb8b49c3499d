"""Input validated by its model, refused as a problem document with a Chinese
message per field (the shape of content_feed/api/problems.py)."""

from __future__ import annotations

import typing

from pydantic import BaseModel, ValidationError

from content_feed.api.problems import Problem

M = typing.TypeVar("M", bound=BaseModel)

# pydantic's error types, in the words a kiosk or a developer reads.
WORDS = {
    "missing": "不能缺少",
    "string_type": "应为文字",
    "int_type": "必须是整数",
    "int_parsing": "必须是整数",
    "int_from_float": "必须是整数",
    "finite_number": "必须是整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
    "too_long": "条目过多",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "string_too_short": "过短",
    "string_pattern_mismatch": "格式不对",
    "literal_error": "取值无效",
}


def _bounds(model: type[BaseModel], name: str) -> tuple[int | None, int | None]:
    """The field's ``ge``/``le``, also when they sit inside ``Annotated[...] | None``."""
    field = model.model_fields[name]
    metadata = list(field.metadata)
    for arg in typing.get_args(field.annotation):
        for meta in getattr(arg, "__metadata__", ()):
            metadata += getattr(meta, "metadata", [meta])
    # annotated_types.Ge / Le, as pydantic keeps them.
    low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in metadata if hasattr(m, "le")), None)
    return low, high


def _choices(model: type[BaseModel], name: str) -> list[str]:
    found: list[str] = []

    def walk(tp):
        if typing.get_origin(tp) is typing.Literal:
            found.extend(str(a) for a in typing.get_args(tp))
        for arg in typing.get_args(tp):
            walk(arg)

    walk(model.model_fields[name].annotation)
    return found


def _where(loc: tuple) -> str:
    """``plays[0].started_at`` for a nested field."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _explain(model: type[BaseModel], error: dict, label: str) -> tuple[str, str]:
    """(the field's message, a sentence for ``detail``) for one pydantic error."""
    loc = error["loc"]
    name = str(loc[0]) if loc else ""
    # Bounds and choices are looked up on the model's own fields, not nested ones.
    own = len(loc) == 1 and name in model.model_fields
    where = _where(loc)
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "zh":  # our own validators say it in Chinese already
        return error["msg"], ctx.get("detail", error["msg"])
    if name in getattr(model, "MESSAGES", {}):
        message = model.MESSAGES[name]
        return message, message
    shown = f"，收到 {value!r:.40}" if isinstance(value, str | int | float) else ""
    if kind in ("greater_than_equal", "less_than_equal") and own:
        low, high = _bounds(model, name)
        shown = f"，收到 {value}"
        if high is None:
            return f"不能小于 {low}", f"{label} {where} 不能小于 {low}{shown}"
        limit = f"{low} 到 {high}"
        return limit, f"{label} {where} 应为 {limit}{shown}"
    if kind == "literal_error" and own:
        values = ", ".join(_choices(model, name))
        return "取值无效", f"{label} {where} 应为 {values} 之一{shown}"
    if kind in ("string_too_long", "string_too_short"):
        bound = ctx.get("max_length") if kind == "string_too_long" else ctx.get("min_length")
        limit = f"不能超过 {bound} 字" if kind == "string_too_long" else f"不能少于 {bound} 字"
        return limit, f"{label} {where} {limit}"
    word = WORDS.get(kind, "取值无效")
    if kind == "missing":
        shown = ""
    if len(loc) > 1:
        word = f"{where} {word}"  # the field names its part: plays[0].started_at
    return word, f"{label} {where} {WORDS.get(kind, '取值无效')}{shown}"


def field_errors(
    model: type[BaseModel], exc: ValidationError, label: str = "字段"
) -> tuple[dict[str, str], str]:
    """(field → message, one sentence naming them all) for what ``model`` refused."""
    errors: dict[str, str] = {}
    details: list[str] = []
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else "body"
        if name in errors:
            continue
        errors[name], detail = _explain(model, error, label)
        details.append(detail)
    return errors, "；".join(details)


def checked(model: type[M], data: dict, status: int = 422, label: str = "字段") -> M:
    """``data`` as ``model``, or a problem naming every field that is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors, detail = field_errors(model, exc, label)
        raise Problem(status, detail, errors=errors) from None


def checked_query(model: type[M], args) -> M:
    """Query arguments as ``model``; an empty value counts as not given."""
    return checked(model, {k: v for k, v in args.items() if v != ""}, 400, "参数")
