"""The composition root: chooses implementations, wires services, builds the FastAPI app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from scrapegate import __version__
from scrapegate.accounts.keys import KeyService, hash_key
from scrapegate.accounts.socket_slots import SocketSlots
from scrapegate.api import announcements as announcement_routes
from scrapegate.api import artifacts as artifact_routes
from scrapegate.api import batch as batch_routes
from scrapegate.api import beacons as beacon_routes
from scrapegate.api import blog as blog_routes
from scrapegate.api import blog_admin as blog_admin_routes
from scrapegate.api import crawl as crawl_routes
from scrapegate.api import dashboard, health, jobs, scrape, usage, usage_analytics, ws
from scrapegate.api import favicon as favicon_routes
from scrapegate.api import feedback as feedback_routes
from scrapegate.api import kb as kb_routes
from scrapegate.api import map as map_routes
from scrapegate.api import notifications as notification_routes
from scrapegate.api import oauth as oauth_routes
from scrapegate.api import oauth_admin as oauth_admin_routes
from scrapegate.api import reports as report_routes
from scrapegate.api import search as search_routes
from scrapegate.api import status as status_routes
from scrapegate.api import support as support_routes
from scrapegate.api import support_admin as support_admin_routes
from scrapegate.api import support_files as support_file_routes
from scrapegate.api import support_preferences as support_preference_routes
from scrapegate.api import unsubscribe as unsubscribe_routes
from scrapegate.api.composition import build_jobs, build_search
from scrapegate.api.coordination import build_coordination
from scrapegate.api.errors import install_error_handlers
from scrapegate.api.middleware import RequestPlumbing, redact_server_logs
from scrapegate.api.platform_composition import (
    build_blog,
    build_feedback,
    build_notifier,
    build_oauth,
)
from scrapegate.api.request_docs import install_request_docs
from scrapegate.api.services import Capabilities, Services
from scrapegate.api.shutdown import ShutdownBudget
from scrapegate.config import Settings, get_settings
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
from scrapegate.jobs.map_service import MapService, MapSettings
from scrapegate.metering.usage_log import UsageLog
from scrapegate.metering.usage_spool import SPOOL_DIRECTORY
from scrapegate.platform.announcements import AnnouncementService
from scrapegate.platform.artifacts import ArtifactLinks
from scrapegate.platform.beacons import BeaconService
from scrapegate.platform.favicon import FaviconService
from scrapegate.platform.kb import KbService
from scrapegate.platform.notifications import NotificationService
from scrapegate.platform.support.service import support_for
from scrapegate.platform.support_preferences import SupportPreferenceService
from scrapegate.platform.unsubscribe import KEY_LABEL as UNSUBSCRIBE_KEY_LABEL
from scrapegate.platform.unsubscribe import UnsubscribeService
from scrapegate.secret_keys import derive_key, master_secret
from scrapegate.storage.artifacts import LocalArtifactStore
from scrapegate.storage.protocols import Storage
from scrapegate.storage.sql import open_sql_storage, upgrade_database

log = logging.getLogger(__name__)


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
    return await open_sql_storage(url)


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
    )


def build_services(settings: Settings, storage: Storage) -> Services:
    artifacts = build_artifacts(settings)
    capabilities = probe_capabilities(settings)
    engine = build_engine(settings, storage, artifacts, capabilities)
    webhooks = build_webhooks(settings, storage)
    usage_log = UsageLog(storage.usage, settings.data_dir / SPOOL_DIRECTORY)
    coord = build_coordination(settings, storage)
    jobs = build_jobs(settings, storage, engine, (webhooks, usage_log, artifacts), coord)
    validation = build_validation(settings, capabilities)
    keys = KeyService(storage, settings.billing.default_balance_microcents)
    support = support_for(settings, storage.support, jobs.housekeeping.add_purge)
    return Services(
        settings=settings,
        storage=storage,
        keys=keys,
        engine=engine,
        estimator=jobs.service.estimator,
        cache=jobs.cache,
        queue=jobs.queue,
        pool=jobs.pool,
        job_slots=jobs.slots,
        scrape=jobs.service,
        rate_limiter=coord.rate_limiter,
        failed_auth=coord.failed_auth,
        coordination=coord,
        socket_slots=SocketSlots(coord.slots, renew_every_s=settings.jobs.lease_s / 3),
        jobs=jobs,
        webhooks=webhooks,
        usage_log=usage_log,
        validation=validation,
        artifacts=artifacts,
        capabilities=capabilities,
        batches=jobs.batches,
        crawls=jobs.crawls,
        search=build_search(settings, storage, jobs, validation, webhooks),
        events=jobs.events,
        favicons=FaviconService(engine.fetchers[Tier.HTTP], engine.policy, storage.cache),
        beacons=BeaconService(storage.analytics_events, settings.analytics.funnels),
        announcements=AnnouncementService(storage.announcements),
        support=support,
        blog=build_blog(settings, storage),
        kb=KbService(storage.kb, derive_key(master_secret(settings), "kb-votes")),
        notifications=NotificationService(storage),
        notifier=build_notifier(settings, storage, jobs),
        support_preferences=SupportPreferenceService(storage.support_preferences),
        oauth=build_oauth(settings, storage, keys, jobs),
        feedback=build_feedback(settings, storage, engine, support),
        unsubscribes=UnsubscribeService(
            storage.unsubscribes, derive_key(master_secret(settings), UNSUBSCRIBE_KEY_LABEL)
        ),
        maps=MapService(
            storage,
            engine.fetchers[Tier.HTTP],
            engine.policy,
            MapSettings(price=settings.pricing.map, billing_enabled=settings.billing.enabled),
        ),
    )


async def ensure_bootstrap_key(services: Services) -> None:
    raw = services.settings.bootstrap_api_key
    if not raw or await services.storage.api_keys.get_by_hash(hash_key(raw)) is not None:
        return
    await services.keys.create_key(
        org_name="bootstrap", name="bootstrap", raw=raw, scopes=("read", "write", "admin")
    )


ROUTERS = (
    scrape,
    jobs,
    usage_analytics,  # literal /usage/by-key and /usage/estimate before any /usage/{id}
    usage,
    dashboard,
    health,
    status_routes,
    artifact_routes,
    batch_routes,
    map_routes,
    crawl_routes,
    search_routes,
    report_routes,
    ws,
    favicon_routes,
    beacon_routes,
    announcement_routes,
    blog_routes,
    blog_admin_routes,
    unsubscribe_routes,
    oauth_routes,
    oauth_admin_routes,
    feedback_routes,
    support_routes,
    support_file_routes,
    support_admin_routes,
    kb_routes,
    support_preference_routes,
    notification_routes,
)


async def start_services(services: Services) -> None:
    await ensure_bootstrap_key(services)
    await services.usage_log.start()
    await services.webhooks.start()
    if services.coordination.embedded:
        # One process: a search job still running now lost its task with the last process.
        await services.search.fail_orphans()  # before the pool could claim a search job
    if services.pool is not None:
        await services.engine.conversions.start()  # this process runs jobs: warm the pool now
        await services.pool.start()
    await services.crawls.resume()
    services.status = status_routes.build_status_board(services)
    await services.status.prober.start()


async def stop_services(services: Services, budget: ShutdownBudget | None = None) -> None:
    """Every step is bounded (SIGTERM must end the process); the request log spools what it
    cannot write in time."""
    budget = budget or ShutdownBudget()
    await budget.step("feedback re-checks", services.feedback.aclose())  # they use the fetchers
    if services.status is not None:
        await budget.step("status prober", services.status.prober.stop())
    await budget.step("searches", services.search.aclose())
    if services.pool is not None:
        await budget.step("worker pool", services.pool.stop())
    await budget.step("conversion pool", services.engine.conversions.aclose())
    await budget.step("webhooks", services.webhooks.aclose())
    await services.usage_log.aclose()  # after the pool: jobs append rows until they stop
    fetchers = services.engine.fetchers.values()
    await budget.step("fetchers", _gather(*(fetcher.aclose() for fetcher in fetchers)))
    await budget.step("coordination", services.coordination.aclose())


async def _gather(*stops: Awaitable[None]) -> None:
    await asyncio.gather(*stops)


def create_app(settings: Settings | None = None, storage: Storage | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = storage or await open_storage(settings)
        services = build_services(settings, store)
        app.state.services = services
        await start_services(services)
        try:
            yield
        finally:
            budget = ShutdownBudget()
            await stop_services(services, budget)
            if storage is None:
                await budget.step("database", store.close())

    app = FastAPI(
        title="scrapegate", version=__version__, lifespan=lifespan, redirect_slashes=False
    )
    install_error_handlers(app)
    for module in ROUTERS:
        app.include_router(module.router)
    install_request_docs(app)
    origins = ["*"] if settings.development else settings.server.cors_origins
    if origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=origins, allow_methods=["*"], allow_headers=["*"]
        )
    app.add_middleware(RequestPlumbing)
    redact_server_logs()
    return app
