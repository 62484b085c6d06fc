"""Path and query parameters shared by resource routes."""

from __future__ import annotations

import uuid

from scrapegate.errors import InvalidRequest, NotFound

MAX_PAGE = 1_000


def resource_id(value: str, what: str) -> str:
    """A canonical UUID; anything else is an unknown resource."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound(f"{what} not found") from None


def page_window(offset: int, limit: int) -> tuple[int, int]:
    """``offset``/``limit`` of a results page: negatives refused, ``limit`` clamped to 1,000."""
    if offset < 0 or limit < 0:
        raise InvalidRequest("offset and limit must not be negative", "offset")
    return offset, min(limit, MAX_PAGE) or MAX_PAGE
