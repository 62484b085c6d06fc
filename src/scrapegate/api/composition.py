"""The jobs half of the composition root (part of api/app.py, split for size): the queue,
workers, runner hooks and the services built on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from scrapegate.api.coordination import Coordination
from scrapegate.api.llm_composition import build_llm
from scrapegate.config import Settings
from scrapegate.delivery.webhooks import WebhookDispatcher
from scrapegate.domain.scrape_request import ValidationContext
from scrapegate.domain.tiers import Tier
from scrapegate.engine.engine import ScrapeEngine
from scrapegate.engine.estimate import CostEstimator
from scrapegate.engine.history import HistoryReader
from scrapegate.engine.site_report import report_purger
from scrapegate.fetchers.search_provider import SearxngProvider
from scrapegate.jobs.arq_queue import ArqJobQueue
from scrapegate.jobs.batch_service import BatchService, BatchSettings
from scrapegate.jobs.cache import ResponseCache
from scrapegate.jobs.crawl_events import CrawlEventLog
from scrapegate.jobs.crawl_frontier import keep_links_not_html
from scrapegate.jobs.crawl_gate import CrawlGate
from scrapegate.jobs.crawl_service import CrawlParts, CrawlService, CrawlSettings
from scrapegate.jobs.dispatch import JobDispatcher
from scrapegate.jobs.events import CompletionSignals
from scrapegate.jobs.extract_service import ExtractService, ExtractSettings
from scrapegate.jobs.housekeeping import Housekeeping
from scrapegate.jobs.job_events import JobEventBus
from scrapegate.jobs.queue import InMemoryJobQueue, JobQueue
from scrapegate.jobs.runner import JobRunner, RunnerSettings
from scrapegate.jobs.scrape_service import ScrapeService, ServiceSettings
from scrapegate.jobs.search_service import SearchService, SearchSettings
from scrapegate.jobs.worker import WorkerPool, worker_identity
from scrapegate.metering.concurrency import ConcurrencyTracker
from scrapegate.metering.usage_log import UsageLog
from scrapegate.platform.artifacts import ArtifactLinks
from scrapegate.platform.status import sample_purger
from scrapegate.secret_keys import master_secret, webhook_secret_for
from scrapegate.storage.protocols import CacheRepository, Storage
from scrapegate.storage.retention import keep_for

BEACON_RETENTION = timedelta(days=400)  # like the request log


@dataclass(frozen=True)
class JobParts:
    queue: JobQueue
    signals: CompletionSignals
    cache: ResponseCache
    pool: WorkerPool | None  # embedded only
    service: ScrapeService
    batches: BatchService
    crawls: CrawlService
    runner: JobRunner
    slots: ConcurrencyTracker  # running jobs per organization and per crawl
    events: JobEventBus  # job state changes, for WebSocket subscribers
    dispatcher: JobDispatcher
    housekeeping: Housekeeping


def build_dispatcher(
    settings: Settings, storage: Storage, runner: JobRunner, coord: Coordination
) -> JobDispatcher:
    gate = CrawlGate(coord.pacer, coord.slots, settings.crawl.host_interval_floor_s)
    return JobDispatcher(
        storage,
        runner,
        org_limit=lambda org_id: settings.rate_limits.default_concurrency,
        slots=coord.slots,
        gate=gate,
        queue_timeout_s=settings.jobs.queue_timeout_s,
        owner=worker_identity(runner),
        slot_refresh_s=settings.jobs.lease_s / 3,
    )


def build_housekeeping(
    settings: Settings,
    storage: Storage,
    parts: tuple[ArtifactLinks, JobRunner],
    coord: Coordination,
) -> Housekeeping:
    artifacts, runner = parts
    # The stall reaper is for the Redis topology; embedded, a restart re-queues everything.
    requeue = coord.queue.requeue_stalled if isinstance(coord.queue, ArqJobQueue) else None
    return Housekeeping(
        storage,
        tombstone_ttl_s=settings.jobs.tombstone_ttl_s,
        purges=(
            artifacts.store.purge,
            storage.batches.purge,
            report_purger(storage.reports),
            sample_purger(storage.health),
            keep_for(storage.analytics_events.purge, BEACON_RETENTION),
        ),
        requeue=requeue,
        stale_pending_s=settings.jobs.stale_pending_s,
        replay=runner.replay_effects,
        replay_after_s=max(settings.jobs.lease_s * 3, 10.0),
    )


def build_pool(
    settings: Settings,
    storage: Storage,
    queue: InMemoryJobQueue,
    dispatcher: JobDispatcher,
    housekeeping: Housekeeping,
) -> WorkerPool:
    return WorkerPool(
        queue,
        dispatcher,
        housekeeping,
        storage,
        size=settings.jobs.workers,
        purge_interval_s=settings.jobs.purge_interval_s,
    )


def build_service(
    settings: Settings,
    storage: Storage,
    parts: tuple[JobQueue, CompletionSignals, ResponseCache],
    engine: ScrapeEngine,
    usage_log: UsageLog,
    events: JobEventBus,
) -> ScrapeService:
    secret = master_secret(settings)
    histories = HistoryReader(
        storage.playbook, shared=settings.playbook.shared, overrides=settings.playbook.overrides
    )
    estimator = CostEstimator(
        engine.prices, histories, allow_stealth=settings.escalation.allow_stealth_tiers
    )
    return ScrapeService(
        storage,
        *parts,
        estimator,
        ServiceSettings(
            billing_enabled=settings.billing.enabled,
            sync_wait_budget_s=settings.scrape.sync_wait_budget_s,
            webhook_secret_for=lambda org_id: webhook_secret_for(secret, org_id),
            concurrency_limit=lambda org_id: settings.rate_limits.default_concurrency,
            log_usage=usage_log.append,
        ),
        events=events,
    )


def build_runner(
    settings: Settings,
    storage: Storage,
    engine: ScrapeEngine,
    parts: tuple[CompletionSignals, ResponseCache],
    webhooks: WebhookDispatcher,
    events: JobEventBus,
) -> JobRunner:
    return JobRunner(
        storage,
        engine,
        *parts,
        RunnerSettings(
            billing_enabled=settings.billing.enabled,
            result_ttl_s=settings.jobs.result_ttl_s,
            lease_s=settings.jobs.lease_s,
            batch_result_ttl_s=settings.batch.result_ttl_s,
        ),
        webhooks=webhooks,
        events=events,
    )


def build_groups(
    settings: Settings,
    storage: Storage,
    engine: ScrapeEngine,
    service: ScrapeService,
    runner: JobRunner,
    webhooks: WebhookDispatcher,
    events: JobEventBus,
) -> tuple[BatchService, CrawlService]:
    """Batches and crawls: many jobs that end together, told by the runner's finish hooks."""
    secret = master_secret(settings)

    def secret_for(org_id: str) -> str:
        return webhook_secret_for(secret, org_id)

    billing, ttl = settings.billing.enabled, settings.batch.result_ttl_s
    batches = BatchService(
        storage,
        service.queue,
        service.estimator,
        runner,
        BatchSettings(billing_enabled=billing, result_ttl_s=ttl, webhook_secret_for=secret_for),
        webhooks=webhooks,
        events=events,
    )
    crawls = CrawlService(
        CrawlParts(
            storage,
            service.queue,
            service.estimator,
            runner,
            engine.fetchers[Tier.CURL],
            engine.policy,
            CrawlEventLog(storage, events),
        ),
        CrawlSettings(
            billing_enabled=billing,
            result_ttl_s=ttl,
            webhook_secret_for=secret_for,
            progress_interval_s=settings.crawl.progress_interval_s,
        ),
        webhooks=webhooks,
    )
    runner.add_finish_hook(batches.on_job_finished)
    runner.add_finish_hook(crawls.on_job_finished)
    runner.add_result_shaper(keep_links_not_html)
    return batches, crawls


def build_jobs(
    settings: Settings,
    storage: Storage,
    engine: ScrapeEngine,
    services: tuple[WebhookDispatcher, UsageLog, ArtifactLinks],
    coord: Coordination,
) -> JobParts:
    webhooks, usage_log, artifacts = services
    cache, events = ResponseCache(coord.cache), coord.bus
    runner = build_runner(settings, storage, engine, (coord.signals, cache), webhooks, events)
    dispatcher = build_dispatcher(settings, storage, runner, coord)
    housekeeping = build_housekeeping(settings, storage, (artifacts, runner), coord)
    pool = None
    if isinstance(coord.queue, InMemoryJobQueue):  # embedded: workers live in this process
        pool = build_pool(settings, storage, coord.queue, dispatcher, housekeeping)
    parts = (coord.queue, coord.signals, cache)
    service = build_service(settings, storage, parts, engine, usage_log, events)
    batches, crawls = build_groups(settings, storage, engine, service, runner, webhooks, events)
    housekeeping.add_purge(crawls.repair_orphans)
    return JobParts(
        queue=coord.queue,
        signals=coord.signals,
        cache=cache,
        pool=pool,
        service=service,
        batches=batches,
        crawls=crawls,
        runner=runner,
        slots=coord.slots,
        events=events,
        dispatcher=dispatcher,
        housekeeping=housekeeping,
    )


def build_search(
    settings: Settings,
    storage: Storage,
    jobs: JobParts,
    validation: ValidationContext,
    webhooks: WebhookDispatcher,
) -> SearchService:
    secret = master_secret(settings)
    provider = SearxngProvider(settings.searxng_url) if settings.searxng_url else None
    return SearchService(
        storage,
        provider,
        jobs.service,
        validation,
        SearchSettings(
            billing_enabled=settings.billing.enabled,
            price=settings.pricing.search,
            sync_budget_s=settings.scrape.sync_wait_budget_s,
            result_ttl_s=settings.batch.result_ttl_s,
            webhook_secret_for=lambda org_id: webhook_secret_for(secret, org_id),
        ),
        webhooks=webhooks,
        cancel_scrape=jobs.runner.cancel_pending,
    )


def build_extract(
    settings: Settings,
    storage: Storage,
    engine: ScrapeEngine,
    parts: tuple[UsageLog, CacheRepository],
) -> ExtractService:
    """``POST /api/v1/extract``: the engine's conversion runner, the response cache's store."""
    usage_log, cache = parts
    llm = build_llm(settings, storage)
    return ExtractService(
        storage,
        engine.conversions,
        cache,
        ExtractSettings(
            price=settings.pricing.extract,
            billing_enabled=settings.billing.enabled,
            log_usage=usage_log.append,
        ),
        llm=llm,
    )
