"""Filling a caller's extraction schema from the page, then checking it with ``jsonschema``.

Each field is looked for in its scope (the page, or the entity or DOM record its parent object
or list item came from), coerced to the field's type, and left null when nothing converts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.extract.coerce import (
    as_boolean,
    as_date,
    as_datetime,
    as_duration,
    as_integer,
    as_number,
    as_text,
    as_url,
)
from scrapegate.extract.evidence import EvidenceLog, pointer
from scrapegate.extract.lookup import Found, Sources
from scrapegate.extract.page_fields import plain_text, split_keywords
from scrapegate.extract.schema_check import schema_problems
from scrapegate.extract.schema_scopes import EntityScope, PageScope, Scope, norm
from scrapegate.extract.shorthand import as_json_schema

MAX_DEPTH = 8
PRIMARY_TYPES = (
    "Product", "Article", "NewsArticle", "BlogPosting", "Recipe", "Event", "JobPosting", "FAQPage",
    "LocalBusiness", "Organization", "SoftwareApplication", "Course", "Book", "Movie",
    "VideoObject",
)  # fmt: skip
Coercer = Callable[[JsonValue], JsonValue]


@dataclass
class SchemaFill:
    value: JsonObject
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Filler:
    src: Sources
    log: EvidenceLog
    root: JsonObject

    def resolve(self, node: JsonValue) -> JsonObject:
        """A subschema with local ``$ref`` and the first non-null ``anyOf``/``oneOf`` branch
        followed (a few steps, so recursive schemas end)."""
        for _ in range(MAX_DEPTH):
            if not isinstance(node, dict):
                return {}
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#"):
                node = _pointer_get(self.root, ref[1:])
                continue
            branches = node.get("anyOf") or node.get("oneOf")
            if isinstance(branches, list) and "type" not in node:
                node = next((b for b in branches if _kind(b) != "null"), {})
                continue
            return node
        return {}

    def fill_object(self, schema: JsonObject, scope: Scope, where: str, depth: int) -> JsonObject:
        properties = schema.get("properties")
        out: JsonObject = {}
        if not isinstance(properties, dict):
            return out
        for name, sub in properties.items():
            out[name] = self.fill_value(
                name, self.resolve(sub), scope, f"{where}{pointer(name)}", depth
            )
        return out

    def fill_value(
        self, name: str, schema: JsonObject, scope: Scope, where: str, depth: int
    ) -> JsonValue:
        kind = _kind(schema)
        if depth > MAX_DEPTH:
            return None
        if kind == "object" and isinstance(schema.get("properties"), dict):
            inner = scope.child(name)
            value = self.fill_object(schema, inner or scope, where, depth + 1)
            return value if _filled(value) else None
        if kind == "array":
            return self.fill_array(name, self.resolve(schema.get("items")), scope, where, depth)
        coerce = self.coercer(schema)
        for found in scope.candidates(name):
            scalar = self.log.take(where, found, coerce)
            if scalar is not None:
                return scalar
        return None

    def fill_array(
        self, name: str, items: JsonObject, scope: Scope, where: str, depth: int
    ) -> JsonValue:
        sources = scope.items(name)
        if _kind(items) == "object":
            filled: list[JsonValue] = []
            for source in sources:
                if isinstance(source, Found):
                    continue
                value = self.fill_object(items, source, f"{where}/{len(filled)}", depth + 1)
                if _filled(value):
                    filled.append(value)
            return filled or None
        found = next((s for s in sources if isinstance(s, Found)), None)
        if found is None:
            return None
        coerce = self.coercer(items)
        values = _spread(found.value, norm(name))
        converted = [v for v in (coerce(value) for value in values) if v is not None]
        if not converted:
            return None
        self.log.note(where, found)
        return list(converted)

    def coercer(self, schema: JsonObject) -> Coercer:
        base = self.src.facts.url
        enum = schema.get("enum")
        coerce = _type_coercer(_kind(schema), schema.get("format"), base)
        if isinstance(enum, list):
            return lambda value: _in_enum(coerce(value), enum)
        return coerce


def _type_coercer(kind: str | None, fmt: JsonValue, base: str) -> Coercer:
    if kind == "number":
        return as_number
    if kind == "integer":
        return as_integer
    if kind == "boolean":
        return as_boolean
    if fmt == "date":
        return as_date
    if fmt == "date-time":
        return as_datetime
    if fmt == "duration":
        return as_duration
    if fmt in ("uri", "url", "iri", "uri-reference"):
        return lambda value: as_url(value, base)
    if kind == "string":
        return plain_text
    return _any_scalar


def _any_scalar(value: JsonValue) -> JsonValue:
    if isinstance(value, (dict, list)):
        return as_text(value)
    return value


def _in_enum(value: JsonValue, allowed: list[JsonValue]) -> JsonValue:
    """An enum member equal to the value, or matching it ignoring case and punctuation."""
    if value is None or value in allowed:
        return value
    wanted = norm(str(value).rsplit("/", 1)[-1])
    return next((a for a in allowed if isinstance(a, str) and norm(a) == wanted), None)


def _kind(schema: JsonValue) -> str | None:
    """The schema's main type: the first non-null one."""
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    named = [k for k in kinds if isinstance(k, str) and k != "null"]
    if named:
        return named[0]
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "null" if "null" in kinds else None


def _spread(value: JsonValue, name: str) -> list[JsonValue]:
    if isinstance(value, list):
        return list(value)
    if name in ("tags", "keywords") and isinstance(value, str):
        return list(split_keywords(value))
    return [value]


def _filled(value: JsonValue) -> bool:
    if isinstance(value, dict):
        return any(_filled(v) for v in value.values())
    if isinstance(value, list):
        return bool(value)
    return value is not None


def _pointer_get(root: JsonValue, path: str) -> JsonValue:
    node = root
    for part in [p for p in path.split("/") if p]:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def fill_schema(
    src: Sources, log: EvidenceLog, schema: Mapping[str, Any], *, promote: bool
) -> SchemaFill:
    """The schema filled from the page: every property present, null when not found."""
    json_schema = as_json_schema(schema)
    filler = _Filler(src, log, json_schema)
    primary = src.entity(*PRIMARY_TYPES) if promote else None
    root = filler.resolve(json_schema)
    scope: Scope = PageScope(src, primary)
    if _kind(root) != "object":
        return SchemaFill({}, warnings=["The extraction schema does not describe an object."])
    value = filler.fill_object(root, scope, "", 0)
    missing, warnings = schema_problems(value, root, json_schema, log)
    return SchemaFill(value, missing, warnings)


__all__ = ["EntityScope", "SchemaFill", "fill_schema"]
