"""What FastAPI sends for a response model: shared by the byte-level wire tests."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import TypeAdapter

AT = datetime(2026, 3, 4, 5, 6, 7, 891_234, tzinfo=UTC)
AT_WIRE = "2026-03-04T05:06:07.891Z"


def wire(model: type, value: object) -> str:
    """What FastAPI sends for a route declaring ``model`` and returning ``value``."""
    adapter: TypeAdapter[object] = TypeAdapter(model)
    validated = adapter.validate_python(value, from_attributes=True)
    return adapter.dump_json(validated, by_alias=True).decode()
