"""The composition root's container (built by api/app.py); routes take its parts one typed
dependency at a time (api/deps.py)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from scrapegate.accounts.keys import KeyService
from scrapegate.accounts.llm_keys import LlmKeyService
from scrapegate.accounts.ratelimit import FailedAuthLimiter, RateLimiter
from scrapegate.accounts.socket_slots import SocketSlots
from scrapegate.api.composition import JobParts
from scrapegate.api.coordination import Coordination
from scrapegate.api.job_side import Capabilities
from scrapegate.config import Settings
from scrapegate.delivery.webhooks import WebhookDispatcher
from scrapegate.domain.scrape_request import ValidationContext
from scrapegate.engine.engine import ScrapeEngine
from scrapegate.engine.estimate import CostEstimator
from scrapegate.jobs.batch_service import BatchService
from scrapegate.jobs.cache import ResponseCache
from scrapegate.jobs.crawl_service import CrawlService
from scrapegate.jobs.extract_service import ExtractService
from scrapegate.jobs.job_events import JobEventBus
from scrapegate.jobs.map_service import MapService
from scrapegate.jobs.queue import JobQueue
from scrapegate.jobs.scrape_service import ScrapeService
from scrapegate.jobs.search_service import SearchService
from scrapegate.jobs.worker import WorkerPool
from scrapegate.metering.concurrency import ConcurrencyTracker
from scrapegate.metering.usage_log import UsageLog
from scrapegate.platform.announcements import AnnouncementService
from scrapegate.platform.artifacts import ArtifactLinks
from scrapegate.platform.beacons import BeaconService
from scrapegate.platform.blog.service import BlogService
from scrapegate.platform.favicon import FaviconService
from scrapegate.platform.feedback import FeedbackService
from scrapegate.platform.kb import KbService
from scrapegate.platform.notifications import NotificationService, Notifier
from scrapegate.platform.oauth import OAuthService
from scrapegate.platform.status import StatusBoard
from scrapegate.platform.support.service import SupportService
from scrapegate.platform.support_preferences import SupportPreferenceService
from scrapegate.platform.unsubscribe import UnsubscribeService
from scrapegate.storage.protocols import Storage


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
    extracts: ExtractService
    llm_keys: LlmKeyService  # the organization's own LLM keys (BYOK)
    events: JobEventBus
    favicons: FaviconService
    beacons: BeaconService
    announcements: AnnouncementService
    support: SupportService
    blog: BlogService
    unsubscribes: UnsubscribeService
    oauth: OAuthService
    feedback: FeedbackService
    kb: KbService
    notifications: NotificationService
    notifier: Notifier  # server-created notifications (low balance, failed crawls)
    support_preferences: SupportPreferenceService
    socket_slots: SocketSlots
    status: StatusBoard | None = None  # the public status page, built by start_services


def services_of(connection: HTTPConnection) -> Services:
    """The app's container (routes take typed dependencies from api/deps.py instead)."""
    services: Services = connection.app.state.services
    return services
