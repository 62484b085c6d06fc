"""Shorthand extraction schemas converted to JSON Schema.

``{"price": "number", "sale_ends": "date | null", "images": ["url"]}``: type names, nested
objects and one-element lists ("list of"); every non-nullable field is required.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.schema_check import is_shorthand

NULLABLE_SUFFIX = "| null"
TYPE_SCHEMAS: dict[str, JsonObject] = {
    "string": {"type": "string"},
    "number": {"type": "number"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "url": {"type": "string", "format": "uri"},
}


def as_json_schema(schema: Mapping[str, Any]) -> JsonObject:
    """The JSON Schema of an extraction schema (a JSON Schema is returned as it is)."""
    if not is_shorthand(schema):
        return dict(schema)
    return _object_schema(schema)


def _object_schema(fields: Mapping[str, Any]) -> JsonObject:
    properties: JsonObject = {}
    required: list[str] = []
    for name, value in fields.items():
        child, nullable = _field_schema(value)
        properties[name] = child
        if not nullable:
            required.append(name)
    return {"type": "object", "properties": properties, "required": list(required)}


def _field_schema(value: Any) -> tuple[JsonObject, bool]:
    """(the field's schema, whether it may be null)."""
    if isinstance(value, str):
        name = value.strip()
        nullable = name.endswith(NULLABLE_SUFFIX)
        if nullable:
            name = name[: -len(NULLABLE_SUFFIX)].strip()
        schema = dict(TYPE_SCHEMAS[name])
        if nullable:
            schema["type"] = [schema["type"], "null"]
        return schema, nullable
    if isinstance(value, Mapping):
        return _object_schema(value), False
    item, _ = _field_schema(value[0])
    return {"type": "array", "items": item}, False
