"""What a process that runs jobs is made of: storage, engine, queue, hooks, and no routes.

``scrapegate worker`` builds only this; the API (``api/app.py``) builds it and adds its routes
and product services. Nothing here imports FastAPI.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from scrapegate import __version__
from scrapegate.api.composition import JobParts, build_jobs
from scrapegate.api.coordination import Coordination, build_coordination
from scrapegate.api.llm_composition import build_llm_step, llm_configured
from scrapegate.config import Settings
from scrapegate.convert import ocr
from scrapegate.delivery.webhooks import WebhookDispatcher
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.records import WebhookDelivery
from scrapegate.domain.scrape_request import ValidationContext
from scrapegate.domain.tiers import Tier
from scrapegate.engine.conversion_runners import ConversionRunner, conversion_runner
from scrapegate.engine.engine import EngineSettings, ScrapeEngine
from scrapegate.fetchers import build_fetchers
from scrapegate.fetchers.base import Fetcher
from scrapegate.fetchers.browser import (
    BrowserFetcher,
    BrowserPool,
    LightJsFetcher,
    browser_available,
)
from scrapegate.metering.usage_log import UsageLog
from scrapegate.metering.usage_spool import SPOOL_DIRECTORY
from scrapegate.platform.artifacts import ArtifactLinks
from scrapegate.platform.notifications import Notifier
from scrapegate.platform.support.service import SupportService, support_for
from scrapegate.secret_keys import derive_key, master_secret
from scrapegate.storage.artifacts import LocalArtifactStore
from scrapegate.storage.playbook_cache import RecentAttemptsCache
from scrapegate.storage.protocols import Storage
from scrapegate.storage.retention import keep_for
from scrapegate.storage.sql import open_sql_storage, upgrade_database


@dataclass(frozen=True)
class Capabilities:
    """What this server can do, probed once at start (drives 501 answers and health)."""

    browser: bool
    ocr: bool
    ocr_languages: frozenset[str]


@dataclass(frozen=True)
class JobSide:
    settings: Settings
    storage: Storage
    engine: ScrapeEngine
    webhooks: WebhookDispatcher
    usage_log: UsageLog
    coordination: Coordination
    jobs: JobParts
    artifacts: ArtifactLinks
    capabilities: Capabilities
    notifier: Notifier
    support: SupportService  # its purge runs with the jobs' housekeeping


def build_job_side(settings: Settings, storage: Storage) -> JobSide:
    artifacts = build_artifacts(settings)
    capabilities = probe_capabilities(settings)
    engine = build_engine(settings, storage, artifacts, capabilities)
    webhooks = build_webhooks(settings, storage)
    usage_log = UsageLog(storage.usage, settings.data_dir / SPOOL_DIRECTORY)
    coord = build_coordination(settings, storage)
    jobs = build_jobs(settings, storage, engine, (webhooks, usage_log, artifacts), coord)
    # Used OAuth codes are kept a day past expiry so that a late replay still revokes its key.
    jobs.housekeeping.add_purge(keep_for(storage.oauth.purge_codes, timedelta(days=1)))
    return JobSide(
        settings=settings,
        storage=storage,
        engine=engine,
        webhooks=webhooks,
        usage_log=usage_log,
        coordination=coord,
        jobs=jobs,
        artifacts=artifacts,
        capabilities=capabilities,
        notifier=build_notifier(settings, storage, jobs),
        support=support_for(settings, storage.support, jobs.housekeeping.add_purge),
    )


def build_notifier(settings: Settings, storage: Storage, jobs: JobParts) -> Notifier:
    """The notifier, told about every job and crawl that ends in this process."""
    notifier = Notifier(storage, settings.billing)
    jobs.runner.add_finish_hook(notifier.job_finished)
    jobs.crawls.add_finish_hook(notifier.crawl_finished)
    return notifier


def net_policy(settings: Settings) -> NetPolicy:
    sec = settings.security
    return NetPolicy.build(
        allow_private=settings.allow_private_networks,
        allowed_cidrs=sec.allowed_private_cidrs,
        allowed_ports=sec.allowed_ports,
        deny_hosts=sec.deny_hosts,
    )


async def open_storage(settings: Settings) -> Storage:
    url = settings.resolved_database_url
    await upgrade_database(url)
    storage = await open_sql_storage(url)
    if settings.redis_url:
        return storage  # other processes record attempts too
    # Embedded mode: this process records every attempt, so its copy of the playbook is exact.
    return replace(storage, playbook=RecentAttemptsCache(storage.playbook))


def build_artifacts(settings: Settings) -> ArtifactLinks:
    store = LocalArtifactStore(Path(settings.data_dir) / "artifacts")
    key = derive_key(master_secret(settings), "artifact-url")
    return ArtifactLinks(store, key, settings.public_base_url, settings.artifacts.ttl_s)


def probe_capabilities(settings: Settings) -> Capabilities:
    ocr_ready = settings.ocr.enabled and ocr.tesseract_available()
    return Capabilities(
        browser=browser_available(settings.browser.executable_path),
        ocr=ocr_ready,
        ocr_languages=ocr.installed_languages() if ocr_ready else frozenset(),
    )


def build_tiers(settings: Settings, capabilities: Capabilities) -> dict[Tier, Fetcher]:
    fetchers = build_fetchers(settings.server.contact_url)
    if capabilities.browser:
        browser = settings.browser
        pool = BrowserPool(
            browser.executable_path,
            size=browser.pool_size,
            contexts_per_browser=browser.contexts_per_browser,
        )
        fetchers[Tier.LIGHTJS] = LightJsFetcher(pool)
        fetchers[Tier.BROWSER] = BrowserFetcher(pool, close_pool=True)
    return fetchers


def build_engine(
    settings: Settings,
    storage: Storage,
    artifacts: ArtifactLinks | None,
    capabilities: Capabilities,
    conversions: ConversionRunner | None = None,
) -> ScrapeEngine:
    return ScrapeEngine(
        build_tiers(settings, capabilities),
        PriceTable.from_settings(settings.pricing),
        net_policy(settings),
        storage.playbook,
        EngineSettings(
            min_words=settings.quality.min_words,
            playbook_shared=settings.playbook.shared,
            playbook_overrides=settings.playbook.overrides,
            allow_stealth_tiers=settings.escalation.allow_stealth_tiers,
            allow_evaluate=settings.browser.allow_evaluate,
            inline_artifacts=settings.artifacts.inline_base64,
            ocr_ready=capabilities.ocr,
        ),
        artifacts=artifacts,
        conversions=conversions or conversion_runner(settings.convert.processes),
        llm=build_llm_step(settings, storage),
    )


def webhook_policy(settings: Settings) -> NetPolicy:
    return NetPolicy.build(
        allow_private=settings.allow_private_networks or settings.webhooks.allow_private_networks,
        allowed_cidrs=settings.security.allowed_private_cidrs,
        allowed_ports=settings.security.allowed_ports,
    )


def build_webhooks(settings: Settings, storage: Storage) -> WebhookDispatcher:
    async def job_webhook_secret(delivery: WebhookDelivery) -> str | None:
        job = await storage.jobs.get(delivery.job_id) if delivery.job_id else None
        return job.webhook_secret if job else None

    return WebhookDispatcher(
        storage.webhooks,
        policy=webhook_policy(settings),
        settings=settings.webhooks,
        development=settings.development,
        version=__version__,
        secret_resolver=job_webhook_secret,
    )


def build_validation(settings: Settings, capabilities: Capabilities) -> ValidationContext:
    return ValidationContext(
        browser_available=capabilities.browser,
        ocr_available=capabilities.ocr,
        ocr_languages=capabilities.ocr_languages,
        pdf_available=True,
        allow_evaluate=settings.browser.allow_evaluate,
        policy=net_policy(settings),
        prices=PriceTable.from_settings(settings.pricing),
        development=settings.development,
        webhooks_allow_private=webhook_policy(settings).allow_private,
        default_cache_ttl_s=settings.scrape.default_cache_ttl_s,
        llm_available=llm_configured(settings),
    )
