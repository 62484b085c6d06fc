"""Typed reads of one JSON object, raising the spec's "<field> must be <type>" errors."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from scrapegate.errors import InvalidRequest


class FieldReader:
    """Reads fields of one JSON object. ``path`` prefixes ``details.field`` (dotted path);
    ``label`` prefixes the name printed in ``detail`` (the spec drops ``advanced.`` there)."""

    def __init__(self, data: Mapping[str, Any], path: str = "", label: str = "") -> None:
        self.data = data
        self.path = path
        self.label = label

    def field(self, name: str) -> str:
        return f"{self.path}{name}"

    def name(self, name: str) -> str:
        return f"{self.label}{name}"

    def error(self, name: str, detail: str, **extra: Any) -> InvalidRequest:
        return InvalidRequest(detail, field=self.field(name), **extra)

    def has(self, name: str) -> bool:
        """JSON null counts as absent: clients serialise unset options as null."""
        return self.data.get(name) is not None

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def child(self, name: str, label: str | None = None) -> FieldReader | None:
        """The nested object ``name`` (None when absent); its fields print as ``label``."""
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self.error(name, f"{self.name(name)} must be an object")
        text = self.name(name) + "." if label is None else label
        return FieldReader(value, f"{self.field(name)}.", text)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(name, f"{self.name(name)} must be a boolean")
        return value

    def optional_boolean(self, name: str) -> bool | None:
        return self.boolean(name, False) if self.has(name) else None

    def number(self, name: str, low: float, high: float, range_detail: str) -> float | None:
        value = self.raw(name)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.error(name, f"{self.name(name)} must be a number")
        if not low <= value <= high:
            raise self.error(name, range_detail)
        return float(value)

    def integer(self, name: str, low: int, high: int, range_detail: str) -> int | None:
        value = self.raw(name)
        if value is None:
            return None
        integral = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not integral:
            raise self.error(name, f"{self.name(name)} must be an integer")
        if not low <= value <= high:
            raise self.error(name, range_detail)
        return int(value)

    def string(self, name: str, max_length: int | None = None, long_detail: str = "") -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(name, f"{self.name(name)} must be a string")
        if max_length is not None and len(value) > max_length:
            raise self.error(name, long_detail)
        return value

    def choice(self, name: str, allowed: tuple[str, ...], detail: str) -> str | None:
        """An enum value; a value of the wrong type gets the same message as an unknown one."""
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, str) or value not in allowed:
            raise self.error(name, detail)
        return value

    def string_list(self, name: str, max_items: int | None = None) -> tuple[str, ...] | None:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(name, f"{self.name(name)} must be a list of strings")
        if max_items is not None and len(value) > max_items:
            raise self.error(name, f"{self.name(name)} must contain at most {max_items} items")
        return tuple(value)

    def string_map(self, name: str) -> dict[str, str] | None:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
            raise self.error(name, f"{self.name(name)} must be an object of strings")
        return {str(k): v for k, v in value.items()}
