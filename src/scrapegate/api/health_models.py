"""Response bodies of the health routes (api/health.py)."""

from __future__ import annotations

from scrapegate.api.wire import WireModel, WireTime


class HealthBody(WireModel):
    status: str
    timestamp: WireTime
    version: str


class LiveBody(WireModel):
    status: str


class ReadinessBody(WireModel):
    """Without an admin key, when ``health.detail_requires_admin`` is on, only ``status``."""

    status: str
    checks: dict[str, str]


class OcrHealthBody(WireModel):
    available: bool
    tesseract_version: str | None
    pillow_version: str
    languages: list[str]
    message: str


class JobQueueBody(WireModel):
    pending: int
    running: int
    oldest_pending_age_s: float | None
    stalled: int
    reaped_last_hour: int


class WorkersBody(WireModel):
    total: int
    busy: int
    idle: int


class RecentJobsBody(WireModel):
    completed: int
    failed: int
    failure_rate: float
    avg_duration_ms: int | None


class JobHealthBody(WireModel):
    """Without an admin key, when ``health.detail_requires_admin`` is on, only ``status``."""

    status: str
    queue: JobQueueBody
    workers: WorkersBody
    last_5m: RecentJobsBody
    timestamp: WireTime
