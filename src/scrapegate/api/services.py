"""Everything a route needs, built once by the composition root (api/app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from scrapegate.accounts.keys import KeyService
from scrapegate.accounts.ratelimit import FailedAuthGuard, RateLimiter
from scrapegate.config import Settings
from scrapegate.domain.scrape_request import ValidationContext
from scrapegate.engine.engine import ScrapeEngine
from scrapegate.engine.estimate import CostEstimator
from scrapegate.jobs.batch_service import BatchService
from scrapegate.jobs.cache import ResponseCache
from scrapegate.jobs.crawl_service import CrawlService
from scrapegate.jobs.map_service import MapService
from scrapegate.jobs.queue import JobQueue
from scrapegate.jobs.scrape_service import ScrapeService
from scrapegate.jobs.search_service import SearchService
from scrapegate.jobs.worker import WorkerPool
from scrapegate.platform.artifacts import ArtifactLinks
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
class Services:
    settings: Settings
    storage: Storage
    keys: KeyService
    engine: ScrapeEngine
    estimator: CostEstimator
    cache: ResponseCache
    queue: JobQueue
    pool: WorkerPool
    scrape: ScrapeService
    rate_limiter: RateLimiter
    failed_auth: FailedAuthGuard
    webhooks: WebhookDispatcher
    usage_log: UsageLog
    validation: ValidationContext
    artifacts: ArtifactLinks
    capabilities: Capabilities
    batches: BatchService
    maps: MapService
    crawls: CrawlService
    search: SearchService
