"""The shapes of the feed API, declared once (pydantic v2).

Each answer a route gives and each input it takes is a model here: the JSON is
produced from the model (``dump``), input is validated by it (errors.py turns
pydantic's errors into the problem documents' Chinese per-field messages), and
the OpenAPI document is generated from the same models (api/openapi.py).

Times stay text made by content_feed.timefmt (``…Z``, hall-local dates): the
models declare their format for the document and the bytes of an answer do not
change with the serializer.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from shared.ids import DB_INT_MAX


class Schema(BaseModel):
    """An answer: fields in declaration order (the body's key order, so its ETag is
    stable), nothing but what is declared."""

    model_config = ConfigDict(extra="forbid")


def _documented_required(schema: dict, model) -> None:
    names = [n for n in model.REQUIRED if n not in schema.get("required", [])]
    if names:
        schema["required"] = [*names, *schema.get("required", [])]
    for name in names:
        # A client sends these: the stand-in default is no part of the contract.
        schema["properties"][name].pop("default", None)


class Input(BaseModel):
    """A request body or query: what is declared is checked; a body's other keys are
    ignored (kiosks of older or newer versions send more), numbers count as text.

    ``REQUIRED`` names fields a client must send that the model still defaults, so
    that a missing one is reported by the rule that owns it (the terminal by its
    authentication, the kind by the submission rules) with everything else wrong."""

    model_config = ConfigDict(
        extra="ignore", coerce_numbers_to_str=True, json_schema_extra=_documented_required
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ()


def _no_bool(value: Any) -> Any:
    # JSON true is no number, though Python's bool is an int.
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


Int = Annotated[int, BeforeValidator(_no_bool)]
# (The bounds before the validator, or pydantic documents them as "ge"/"le".)
Id = Annotated[int, Field(ge=1, le=DB_INT_MAX), BeforeValidator(_no_bool)]
DateTimeText = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
DateText = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
OptDateTime = Annotated[
    str | None, WithJsonSchema({"type": ["string", "null"], "format": "date-time"})
]
OptDate = Annotated[str | None, WithJsonSchema({"type": ["string", "null"], "format": "date"})]
# Integer or not, as computed: an average of 4 stays ``4`` in the body.
Number = int | float


def dump(model: BaseModel) -> dict:
    """The JSON-able body of an answer (json.dumps of it is what is sent and hashed)."""
    return model.model_dump(mode="json")


class Problem(BaseModel):
    """An error (RFC 9457), as content_feed/api/problems.py writes it."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: dict[str, str] | None = Field(None, description="字段 → 中文说明")
    instance: str | None
