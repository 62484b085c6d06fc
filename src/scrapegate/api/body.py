"""Reading JSON request bodies ourselves, so every failure gets the spec's envelope."""

from __future__ import annotations

import gzip
from typing import Any

import orjson
from fastapi import Request

from scrapegate.errors import InvalidRequest, PayloadTooLarge

DEFAULT_BODY_LIMIT = 1024 * 1024


async def read_json(request: Request, limit: int = DEFAULT_BODY_LIMIT) -> Any:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit and not _gzipped(request):
        raise PayloadTooLarge(f"Request body must not exceed {limit} bytes")
    raw = await request.body()
    if _gzipped(request):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            raise InvalidRequest("Request body is not valid JSON") from None
    if len(raw) > limit:
        raise PayloadTooLarge(f"Request body must not exceed {limit} bytes")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidRequest("Request body is not valid JSON") from None


def _gzipped(request: Request) -> bool:
    return request.headers.get("content-encoding", "").lower() == "gzip"
