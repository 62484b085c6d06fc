"""After filling: required fields left empty, and values the schema rejects (set back to null)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapegate.domain.json_types import JsonObject, JsonValue
from scrapegate.extract.evidence import EvidenceLog, pointer

MAX_ROUNDS = 3


def missing_required(value: JsonValue, schema: JsonObject, where: str = "") -> Iterator[str]:
    """Pointers of required fields that are null, outside list items (an item without a
    field is still an item)."""
    if not isinstance(value, dict):
        return
    required = schema.get("required")
    properties = schema.get("properties")
    for name in required if isinstance(required, list) else []:
        if isinstance(name, str) and value.get(name) is None:
            yield f"{where}{pointer(name)}"
    for name, sub in properties.items() if isinstance(properties, dict) else ():
        child = value.get(name)
        if isinstance(child, dict) and isinstance(sub, dict):
            yield from missing_required(child, sub, f"{where}{pointer(name)}")


def schema_problems(
    value: JsonObject, root: JsonObject, full: JsonObject, log: EvidenceLog
) -> tuple[list[str], list[str]]:
    """(missing required fields, warnings); values the schema rejects become null."""
    warnings: list[str] = []
    for _ in range(MAX_ROUNDS):
        rejected = list(_rejected_values(value, full))
        if not rejected:
            break
        for path, reason in rejected:
            where = pointer(*path)
            _set_null(value, path)
            log.entries.pop(where, None)
            warnings.append(f"{where} was left null: the page's value {reason}.")
    return list(dict.fromkeys(missing_required(value, root))), warnings


def _rejected_values(
    value: JsonObject, schema: JsonObject
) -> Iterator[tuple[list[str | int], str]]:
    """Schema errors on values we filled (a null only means the page had nothing)."""
    # Imported here: jsonschema takes ~150 ms to import, which only extraction should pay.
    from jsonschema.validators import validator_for  # type: ignore[import-untyped]

    validator_class: Any = validator_for(schema)
    seen: set[tuple[str | int, ...]] = set()
    for error in validator_class(schema).iter_errors(value):
        path = tuple(error.absolute_path)
        if error.instance is None or error.validator == "required" or not path or path in seen:
            continue
        seen.add(path)
        yield list(path), _short(error.message)


def _short(message: str) -> str:
    text = " ".join(message.split())
    return f"does not match the schema ({text[:150]})"


def _set_null(value: JsonObject, path: list[str | int]) -> None:
    node: Any = value
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = None
