"""Frozen dataclasses to JSON-ready values and back, driven by the dataclass type hints."""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


def to_jsonable(value: Any) -> Any:
    """Dataclasses become objects, enums their values, tuples lists; other values pass through."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [to_jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def from_jsonable(cls: type[T], data: Mapping[str, Any]) -> T:
    """Rebuild ``cls`` from ``to_jsonable`` output; missing keys take the field defaults."""
    if not isinstance(data, Mapping):
        raise TypeError(f"{cls.__name__} expects a JSON object, got {type(data).__name__}")
    hints = _field_hints(cls)
    kwargs = {name: _decode(hints[name], value) for name, value in data.items() if name in hints}
    return cls(**kwargs)


_HINTS: dict[type, dict[str, Any]] = {}


def _field_hints(cls: type) -> dict[str, Any]:
    """Resolved hints of a dataclass's fields; resolving them costs far more than decoding."""
    found = _HINTS.get(cls)
    if found is None:
        hints = get_type_hints(cls)
        found = _HINTS[cls] = {f.name: hints[f.name] for f in fields(cls)}
    return found


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(hint) if a is not type(None)]
        if len(members) == 1:
            return _decode(members[0], value)
        return value  # unions of plain JSON values (bool | "auto") need no conversion
    if origin is tuple:
        return tuple(_decode(get_args(hint)[0], item) for item in value)
    if isinstance(hint, type) and is_dataclass(hint):
        return from_jsonable(hint, value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is float:
        return float(value)
    if origin is not None and origin in (dict, Mapping):
        return dict(value)
    return value
