"""Everything a route needs, built once by the composition root (api/app.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapegate.accounts.keys import KeyService
from scrapegate.accounts.ratelimit import ConcurrencyTracker, FailedAuthLimiter, RateLimiter
from scrapegate.api.composition import JobParts
from scrapegate.api.coordination import Coordination
from scrapegate.config import Settings
from scrapegate.domain.scrape_request import ValidationContext
from scrapegate.engine.engine import ScrapeEngine
from scrapegate.engine.estimate import CostEstimator
from scrapegate.jobs.batch_service import BatchService
from scrapegate.jobs.cache import ResponseCache
from scrapegate.jobs.crawl_service import CrawlService
from scrapegate.jobs.job_events import JobEventBus
from scrapegate.jobs.map_service import MapService
from scrapegate.jobs.queue import JobQueue
from scrapegate.jobs.scrape_service import ScrapeService
from scrapegate.jobs.search_service import SearchService
from scrapegate.jobs.worker import WorkerPool
from scrapegate.platform.announcements import AnnouncementService
from scrapegate.platform.artifacts import ArtifactLinks
from scrapegate.platform.beacons import BeaconService
from scrapegate.platform.favicon import FaviconService
from scrapegate.platform.status import StatusBoard
from scrapegate.platform.unsubscribe import UnsubscribeService
from scrapegate.platform.usage_log import UsageLog
from scrapegate.platform.webhooks import WebhookDispatcher
from scrapegate.storage.protocols import Storage


@dataclass(frozen=True)
class Capabilities:
    """What this server can do, probed once at start (drives 501 answers and health)."""

    browser: bool
    ocr: bool
    ocr_languages: frozenset[str]


@dataclass
class SocketSlots:
    """Open WebSocket connections per API key in this process (spec core-api §20.1: 10)."""

    limit: int = 10
    open: dict[str, int] = field(default_factory=dict)

    def take(self, key_id: str) -> bool:
        if self.open.get(key_id, 0) >= self.limit:
            return False
        self.open[key_id] = self.open.get(key_id, 0) + 1
        return True

    def give_back(self, key_id: str) -> None:
        left = self.open.get(key_id, 0) - 1
        if left > 0:
            self.open[key_id] = left
        else:
            self.open.pop(key_id, None)


@dataclass
class Services:
    settings: Settings
    storage: Storage
    keys: KeyService
    engine: ScrapeEngine
    estimator: CostEstimator
    cache: ResponseCache
    queue: JobQueue
    pool: WorkerPool | None  # None in API processes of the Redis topology (workers run apart)
    job_slots: ConcurrencyTracker  # running jobs per organization, shared by every worker
    coordination: Coordination
    jobs: JobParts  # what ``scrapegate worker`` runs (dispatcher, housekeeping)
    scrape: ScrapeService
    rate_limiter: RateLimiter
    failed_auth: FailedAuthLimiter
    webhooks: WebhookDispatcher
    usage_log: UsageLog
    validation: ValidationContext
    artifacts: ArtifactLinks
    capabilities: Capabilities
    batches: BatchService
    maps: MapService
    crawls: CrawlService
    search: SearchService
    events: JobEventBus
    favicons: FaviconService
    beacons: BeaconService
    announcements: AnnouncementService
    unsubscribes: UnsubscribeService
    socket_slots: SocketSlots = field(default_factory=SocketSlots)
    status: StatusBoard | None = None  # the public status page, built by start_services
