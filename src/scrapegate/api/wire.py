"""Building blocks of the response models: how values look on the wire.

Services return dataclasses; a route declares a ``WireModel`` subclass as its return type, and
FastAPI validates the dataclass into it (``from_attributes``), documents it in OpenAPI and
serialises it. Every timestamp goes out as ISO-8601 UTC with milliseconds and ``Z``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, PlainSerializer

from scrapegate.domain.timefmt import iso

WireTime = Annotated[datetime, PlainSerializer(iso, return_type=str)]


class WireModel(BaseModel):
    """A response body (or part of one): built from a service's dataclass by attribute."""

    model_config = ConfigDict(from_attributes=True)
