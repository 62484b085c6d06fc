"""The composition root: chooses implementations, wires services, builds the FastAPI app."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager

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
from scrapegate.api import extract as extract_routes
from scrapegate.api import favicon as favicon_routes
from scrapegate.api import feedback as feedback_routes
from scrapegate.api import kb as kb_routes
from scrapegate.api import llm_keys as llm_key_routes
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
from scrapegate.api.composition import build_extract, build_search
from scrapegate.api.errors import install_error_handlers
from scrapegate.api.firecrawl import search_routes as firecrawl_search_routes
from scrapegate.api.firecrawl import v1_routes as firecrawl_v1_routes
from scrapegate.api.firecrawl import v2_batch_routes as firecrawl_v2_batch_routes
from scrapegate.api.firecrawl import v2_crawl_routes as firecrawl_v2_crawl_routes
from scrapegate.api.firecrawl import v2_routes as firecrawl_v2_routes
from scrapegate.api.heap import freeze_startup_heap
from scrapegate.api.job_side import build_job_side, build_validation, open_storage
from scrapegate.api.llm_composition import build_llm_keys
from scrapegate.api.mcp.http_mount import mount_mcp
from scrapegate.api.middleware import RequestPlumbing, redact_server_logs
from scrapegate.api.platform_composition import (
    build_blog,
    build_feedback,
    build_oauth,
)
from scrapegate.api.services import Services
from scrapegate.api.shutdown import ShutdownBudget
from scrapegate.config import Settings, get_settings
from scrapegate.domain.tiers import Tier
from scrapegate.jobs.map_service import MapService, MapSettings
from scrapegate.platform.announcements import AnnouncementService
from scrapegate.platform.beacons import BeaconService
from scrapegate.platform.favicon import FaviconService
from scrapegate.platform.kb import KbService
from scrapegate.platform.notifications import NotificationService
from scrapegate.platform.support_preferences import SupportPreferenceService
from scrapegate.platform.unsubscribe import KEY_LABEL as UNSUBSCRIBE_KEY_LABEL
from scrapegate.platform.unsubscribe import UnsubscribeService
from scrapegate.secret_keys import derive_key, master_secret
from scrapegate.storage.protocols import Storage

log = logging.getLogger(__name__)


def build_services(settings: Settings, storage: Storage) -> Services:
    side = build_job_side(settings, storage)
    engine, jobs, coord = side.engine, side.jobs, side.coordination
    validation = build_validation(settings, side.capabilities)
    keys = KeyService(storage, settings.billing.default_balance_microcents)
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
        webhooks=side.webhooks,
        usage_log=side.usage_log,
        validation=validation,
        artifacts=side.artifacts,
        capabilities=side.capabilities,
        batches=jobs.batches,
        crawls=jobs.crawls,
        search=build_search(settings, storage, jobs, validation, side.webhooks),
        extracts=build_extract(settings, storage, engine, (side.usage_log, coord.cache)),
        llm_keys=build_llm_keys(settings, storage),
        events=jobs.events,
        favicons=FaviconService(engine.fetchers[Tier.HTTP], engine.policy, storage.cache),
        beacons=BeaconService(storage.analytics_events, settings.analytics.funnels),
        announcements=AnnouncementService(storage.announcements),
        support=side.support,
        blog=build_blog(settings, storage),
        kb=KbService(storage.kb, derive_key(master_secret(settings), "kb-votes")),
        notifications=NotificationService(storage),
        notifier=side.notifier,
        support_preferences=SupportPreferenceService(storage.support_preferences),
        oauth=build_oauth(settings, storage, keys),
        feedback=build_feedback(settings, storage, engine, side.support),
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
    extract_routes,
    llm_key_routes,
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
    firecrawl_v2_routes,
    firecrawl_v2_crawl_routes,
    firecrawl_v2_batch_routes,
    firecrawl_v1_routes,
    firecrawl_search_routes,
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


def create_app(
    settings: Settings | None = None, storage: Storage | None = None, *, long_lived: bool = False
) -> FastAPI:
    """``long_lived``: the process serves until stopped (``scrapegate serve``), not a test."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = storage or await open_storage(settings)
        services = build_services(settings, store)
        app.state.services = services
        await start_services(services)
        if long_lived:
            freeze_startup_heap()
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
    mount_mcp(app)  # MCP over streamable HTTP at /mcp, its lifespan inside the app's
    origins = ["*"] if settings.development else settings.server.cors_origins
    if origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=origins, allow_methods=["*"], allow_headers=["*"]
        )
    app.add_middleware(RequestPlumbing)
    redact_server_logs()
    return app


def create_served_app() -> FastAPI:
    """The app of one ``scrapegate serve --workers N`` process."""
    return create_app(long_lived=True)
