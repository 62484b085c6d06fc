"""Frozen dataclasses to JSON-ready values and back, driven by the dataclass type hints."""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
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
    decoders = _field_decoders(cls)
    kwargs = {name: decoders[name](value) for name, value in data.items() if name in decoders}
    return cls(**kwargs)


# Turns one JSON value into the value of a field of the hinted type.
Decoder = Callable[[Any], Any]
_DECODERS: dict[type, dict[str, Decoder]] = {}


def _field_decoders(cls: type) -> dict[str, Decoder]:
    """A decoder per field of ``cls``, built once: resolving hints costs far more than decoding."""
    found = _DECODERS.get(cls)
    if found is None:
        hints = get_type_hints(cls)
        found = _DECODERS[cls] = {f.name: _decoder(hints[f.name]) for f in fields(cls)}
    return found


def _identity(value: Any) -> Any:
    return value


def _decoder(hint: object) -> Decoder:
    """The decoder for a value of type ``hint``; JSON null stays None at every level."""
    decode = _non_null_decoder(hint)
    if decode is _identity:
        return decode
    return lambda value: None if value is None else decode(value)


def _non_null_decoder(hint: object) -> Decoder:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(hint) if a is not type(None)]
        # Unions of plain JSON values (bool | "auto") need no conversion.
        return _decoder(members[0]) if len(members) == 1 else _identity
    if origin is tuple:
        decode_item = _decoder(get_args(hint)[0])
        return lambda value: tuple(decode_item(item) for item in value)
    if isinstance(hint, type) and is_dataclass(hint):
        nested: type = hint
        return lambda value: from_jsonable(nested, value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if hint is float:
        return float
    if origin is not None and origin in (dict, Mapping):
        return dict
    return _identity
