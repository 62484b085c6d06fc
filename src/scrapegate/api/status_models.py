"""Response body of the public status page (api/status.py)."""

from __future__ import annotations

from scrapegate.api.wire import WireModel, WireTime


class ServiceCheckBody(WireModel):
    name: str
    status: str
    latency_ms: int | None
    message: str


class StatusBody(WireModel):
    overall_status: str
    services: list[ServiceCheckBody]
    timestamp: WireTime
    uptime_percentage: float
