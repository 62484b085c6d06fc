"""The body of a webhook POST: the envelope around an event's data, and its exact bytes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypedDict

import orjson

from scrapegate.domain.records import new_id
from scrapegate.domain.timefmt import iso

# An event's data as its sender shaped it (the jobs layer types it); delivery only serialises it.
EventData = Mapping[str, object]

API_VERSION = "v1"
MAX_DATA_BYTES = 5 * 1024 * 1024


def format_timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and ``Z``."""
    return iso(moment) or ""


class WebhookBody(TypedDict):
    event: str
    event_id: str
    created_at: str
    api_version: str
    organization_id: str
    data: EventData


def _bounded_data(data: EventData, job_id: str | None) -> EventData:
    """``data`` unless it exceeds 5 MiB, in which case the result body is replaced by a link."""
    if "result" not in data or len(orjson.dumps(data)) <= MAX_DATA_BYTES:
        return data
    bounded = {k: v for k, v in data.items() if k != "result"}
    bounded["result_omitted"] = True
    bounded["result_url"] = f"/api/v1/jobs/{job_id or data.get('job_id')}"
    return bounded


def build_body(
    *, event: str, org_id: str, data: EventData, created_at: datetime, job_id: str | None
) -> WebhookBody:
    return {
        "event": event,
        "event_id": new_id(),
        "created_at": format_timestamp(created_at),
        "api_version": API_VERSION,
        "organization_id": org_id,
        "data": _bounded_data(data, job_id),
    }


def encode_body(payload: dict[str, Any]) -> bytes:
    # Sorted keys: the same bytes on every attempt, even after a store that reorders JSON keys.
    return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
