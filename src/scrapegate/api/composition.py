"""The jobs half of the composition root (part of api/app.py, split for size): the queue,
workers, runner hooks and the services built on them."""

from __future__ import annotations

from dataclasses import dataclass

from scrapegate.accounts.secrets import master_secret, webhook_secret_for
from scrapegate.config import Settings
from scrapegate.domain.scrape_request import ValidationContext
from scrapegate.domain.tiers import Tier
from scrapegate.engine.engine import ScrapeEngine
from scrapegate.engine.estimate import CostEstimator
from scrapegate.engine.history import HistoryReader
from scrapegate.jobs.batch_service import BatchService, BatchSettings
from scrapegate.jobs.cache import ResponseCache
from scrapegate.jobs.crawl_events import CrawlEventLog
from scrapegate.jobs.crawl_service import CrawlParts, CrawlService, CrawlSettings
from scrapegate.jobs.events import JobSignals
from scrapegate.jobs.queue import InMemoryJobQueue
from scrapegate.jobs.runner import JobRunner, RunnerSettings
from scrapegate.jobs.scrape_service import ScrapeService, ServiceSettings
from scrapegate.jobs.search_service import SearchService, SearchSettings
from scrapegate.jobs.worker import WorkerPool
from scrapegate.platform.artifacts import ArtifactLinks
from scrapegate.platform.search_provider import SearxngProvider
from scrapegate.platform.usage_log import UsageLog
from scrapegate.platform.webhooks import WebhookDispatcher
from scrapegate.storage.protocols import Storage


@dataclass(frozen=True)
class JobParts:
    queue: InMemoryJobQueue
    signals: JobSignals
    cache: ResponseCache
    pool: WorkerPool
    service: ScrapeService
    batches: BatchService
    crawls: CrawlService
    runner: JobRunner


def build_pool(
    settings: Settings,
    storage: Storage,
    runner: JobRunner,
    queue: InMemoryJobQueue,
    artifacts: ArtifactLinks,
) -> WorkerPool:
    jobs = settings.jobs
    return WorkerPool(
        storage,
        queue,
        runner,
        size=jobs.workers,
        org_limit=lambda org_id: settings.rate_limits.default_concurrency,
        purge_interval_s=jobs.purge_interval_s,
        queue_timeout_s=jobs.queue_timeout_s,
        tombstone_ttl_s=jobs.tombstone_ttl_s,
        extra_purges=(artifacts.store.purge, storage.batches.purge),
    )


def build_service(
    settings: Settings,
    storage: Storage,
    parts: tuple[InMemoryJobQueue, JobSignals, ResponseCache],
    engine: ScrapeEngine,
    usage_log: UsageLog,
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
    )


def build_runner(
    settings: Settings,
    storage: Storage,
    engine: ScrapeEngine,
    parts: tuple[JobSignals, ResponseCache],
    webhooks: WebhookDispatcher,
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
    )


def build_groups(
    settings: Settings,
    storage: Storage,
    engine: ScrapeEngine,
    service: ScrapeService,
    runner: JobRunner,
    webhooks: WebhookDispatcher,
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
    )
    crawls = CrawlService(
        CrawlParts(
            storage,
            service.queue,
            service.estimator,
            runner,
            engine.fetchers[Tier.CURL],
            engine.policy,
            CrawlEventLog(),
        ),
        CrawlSettings(billing_enabled=billing, result_ttl_s=ttl, webhook_secret_for=secret_for),
        webhooks=webhooks,
    )
    runner.add_finish_hook(batches.on_job_finished)
    runner.add_finish_hook(crawls.on_job_finished)
    return batches, crawls


def build_jobs(
    settings: Settings,
    storage: Storage,
    engine: ScrapeEngine,
    webhooks: WebhookDispatcher,
    usage_log: UsageLog,
    artifacts: ArtifactLinks,
) -> JobParts:
    queue, signals, cache = InMemoryJobQueue(), JobSignals(), ResponseCache(storage.cache)
    runner = build_runner(settings, storage, engine, (signals, cache), webhooks)
    pool = build_pool(settings, storage, runner, queue, artifacts)
    service = build_service(settings, storage, (queue, signals, cache), engine, usage_log)
    batches, crawls = build_groups(settings, storage, engine, service, runner, webhooks)
    return JobParts(
        queue=queue,
        signals=signals,
        cache=cache,
        pool=pool,
        service=service,
        batches=batches,
        crawls=crawls,
        runner=runner,
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
