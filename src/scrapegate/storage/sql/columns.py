"""A record's column values for an INSERT or UPDATE."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_NAMES: dict[type, tuple[str, ...]] = {}


def column_values(record: DataclassInstance) -> dict[str, object]:
    """The dataclass's fields by name, shallow: ``dataclasses.asdict`` deep-copies every nested
    JSON value (a job's whole result) only for SQLAlchemy to serialise it once more. The values
    are handed to SQLAlchemy unread, whatever their type."""
    kind = type(record)
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(f.name for f in fields(kind))
    return {name: getattr(record, name) for name in names}
