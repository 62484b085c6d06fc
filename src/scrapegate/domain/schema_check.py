"""Structural check of an ``extraction_schema``: JSON Schema or shorthand.

This only decides whether the schema can be used (rule 48); the extraction layer converts and
applies it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

JSON_SCHEMA_MARKERS = ("type", "properties", "$schema", "$ref")
JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})
SHORTHAND_TYPES = frozenset({"string", "number", "integer", "boolean", "date", "url"})
_SUBSCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties")
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SUBSCHEMAS = ("items", "additionalProperties", "not", "contains", "if", "then", "else")


def is_shorthand(schema: Mapping[str, Any]) -> bool:
    return not any(key in schema for key in JSON_SCHEMA_MARKERS)


def schema_problem(schema: Mapping[str, Any]) -> str | None:
    """Why ``schema`` is unusable, or None when it is fine."""
    if is_shorthand(schema):
        if not schema:
            return "the schema has no fields"
        return _shorthand_problem(schema, "")
    return _json_schema_problem(schema, "")


def _shorthand_problem(node: Mapping[str, Any], path: str) -> str | None:
    for key, value in node.items():
        where = f"{path}.{key}" if path else str(key)
        problem = _shorthand_value_problem(value, where)
        if problem is not None:
            return problem
    return None


def _shorthand_value_problem(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        name = value.strip()
        if name.endswith("| null"):
            name = name[: -len("| null")].strip()
        if name not in SHORTHAND_TYPES:
            return f'field "{where}" has unknown type "{value}"'
        return None
    if isinstance(value, Mapping):
        if not value:
            return f'field "{where}" is an empty object'
        return _shorthand_problem(value, where)
    if isinstance(value, list) and len(value) == 1:
        return _shorthand_value_problem(value[0], f"{where}[]")
    return f'field "{where}" must be a type name, an object or a one-element list'


def _json_schema_problem(node: Any, pointer: str) -> str | None:
    if isinstance(node, bool):
        return None
    if not isinstance(node, Mapping):
        return f"{pointer or '/'} must be an object or a boolean"
    problem = _keyword_problem(node, pointer)
    if problem is not None:
        return problem
    for children in _subschemas(node, pointer):
        for child, child_pointer in children:
            problem = _json_schema_problem(child, child_pointer)
            if problem is not None:
                return problem
    return None


def _keyword_problem(node: Mapping[str, Any], pointer: str) -> str | None:
    where = pointer or "/"
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind is not None else []
    for item in kinds:
        if item not in JSON_TYPES:
            return f'"{item}" at {where} is not a JSON Schema type'
    required = node.get("required")
    if required is not None and (
        not isinstance(required, list) or not all(isinstance(r, str) for r in required)
    ):
        return f"required at {where} must be a list of strings"
    ref = node.get("$ref")
    if ref is not None:
        if not isinstance(ref, str):
            return f"$ref at {where} must be a string"
        if not ref.startswith("#"):
            return f"remote $ref at {where} is not supported"
    enum = node.get("enum")
    if enum is not None and not isinstance(enum, list):
        return f"enum at {where} must be a list"
    return None


def _subschemas(node: Mapping[str, Any], pointer: str) -> list[list[tuple[Any, str]]]:
    found: list[list[tuple[Any, str]]] = []
    for key in _SUBSCHEMA_MAPS:
        value = node.get(key)
        if isinstance(value, Mapping):
            found.append([(v, f"{pointer}/{key}/{k}") for k, v in value.items()])
        elif value is not None:
            found.append([(value, f"{pointer}/{key}")])
    for key in _SUBSCHEMA_LISTS:
        value = node.get(key)
        if isinstance(value, list):
            found.append([(v, f"{pointer}/{key}/{i}") for i, v in enumerate(value)])
        elif value is not None:
            found.append([(value, f"{pointer}/{key}")])
    for key in _SUBSCHEMAS:
        if key in node:
            found.append([(node[key], f"{pointer}/{key}")])
    return found
