"""Request bodies in the OpenAPI document, for routes that read their body themselves.

Those routes validate raw JSON with our own rules (exact error codes and field names), so FastAPI
never sees a body parameter; the route names a pydantic model of the body instead, and
``openapi_extra={"requestBody": json_body(Model)}`` documents it. The model only documents: it
never validates a request. Its schema is inlined (nested models too), since a ``$ref`` could
only point at components FastAPI does not know about.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from pydantic import BaseModel, WithJsonSchema

from scrapegate.domain.json_types import JsonObject, JsonValue

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


class RequestModel(BaseModel):
    """A request body as OpenAPI shows it; it documents and never validates a request."""


class MediaTypeDoc(TypedDict):
    schema: JsonObject  # a JSON Schema, as pydantic generates it


class RequestBodyDoc(TypedDict):
    """An OpenAPI Request Body Object."""

    required: bool
    content: dict[str, MediaTypeDoc]


def one_of(choices: Iterable[str]) -> WithJsonSchema:
    """A string field's enum, from the very tuple its validator checks against."""
    return WithJsonSchema({"type": "string", "enum": list(choices)})


def json_body(model: type[RequestModel], *, required: bool = True) -> RequestBodyDoc:
    return request_body(model, (JSON,), required=required)


def request_body(
    model: type[RequestModel], media_types: tuple[str, ...], *, required: bool = True
) -> RequestBodyDoc:
    schema = inline_schema(model)
    return {"required": required, "content": {media: {"schema": schema} for media in media_types}}


def inline_schema(model: type[RequestModel]) -> JsonObject:
    """The model's JSON Schema with every ``$ref`` to its ``$defs`` replaced by the definition."""
    schema: JsonObject = model.model_json_schema()
    definitions = schema.pop("$defs", {})
    assert isinstance(definitions, dict)
    inlined = _inlined(schema, definitions, ())
    assert isinstance(inlined, dict)
    return inlined


def _inlined(value: JsonValue, definitions: JsonObject, seen: tuple[str, ...]) -> JsonValue:
    if isinstance(value, list):
        return [_inlined(item, definitions, seen) for item in value]
    if not isinstance(value, dict):
        return value
    ref = value.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            raise ValueError(f"{name} refers to itself: a request body model must not recurse")
        target = _inlined(definitions[name], definitions, (*seen, name))
        assert isinstance(target, dict)
        siblings = {key: item for key, item in value.items() if key != "$ref"}
        return {**target, **siblings}  # a field's own description wins over its model's
    return {key: _inlined(item, definitions, seen) for key, item in value.items()}
