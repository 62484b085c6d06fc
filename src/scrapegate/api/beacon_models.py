"""Response bodies of the beacon and funnel routes (api/beacons.py)."""

from __future__ import annotations

from scrapegate.api.wire import WireModel, WireTime


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
