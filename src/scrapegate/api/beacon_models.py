"""Request and response bodies of the beacon and funnel routes (api/beacons.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from scrapegate.api.body_docs import RequestModel
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.config import EVENT_NAME_PATTERN
from scrapegate.platform.beacons import MAX_EVENTS, MAX_PATH, MAX_VISITOR_ID


class RejectedEventBody(WireModel):
    index: int
    message: str


class IngestBody(WireModel):
    accepted: int
    rejected: int
    errors: list[RejectedEventBody]


class FunnelBody(WireModel):
    name: str
    steps: list[str]
    window_hours: int


class FunnelListBody(WireModel):
    funnels: list[FunnelBody]
    total: int


class StepStatsBody(WireModel):
    event: str
    visitors: int
    conversion_from_previous: float
    conversion_from_start: float


class FunnelStatsBody(WireModel):
    name: str
    period_start: WireTime
    period_end: WireTime
    window_hours: int
    steps: list[StepStatsBody]


class AllFunnelStatsBody(WireModel):
    period_start: WireTime
    period_end: WireTime
    funnels: list[FunnelStatsBody]


class BeaconEventBody(RequestModel):
    """One event; an invalid one is rejected alone (listed in ``errors``)."""

    name: str = Field(pattern=EVENT_NAME_PATTERN)
    ts: datetime | None = Field(None, description="within the last 7 days; default: now")
    visitor_id: str | None = Field(None, max_length=MAX_VISITOR_ID)
    path: str | None = Field(None, max_length=MAX_PATH)
    props: dict[str, Any] | None = Field(None, description="at most 4 KiB of JSON")


class IngestRequestBody(RequestModel):
    """``POST /api/v1/analytics/events``."""

    events: list[BeaconEventBody] = Field(min_length=1, max_length=MAX_EVENTS)
