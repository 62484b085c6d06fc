"""``scrapegate worker``: the composition root of a worker process in the Redis topology.

It builds the same services as the API (so the runner, crawl and batch hooks, webhooks and the
request log behave identically), starts no HTTP server, and runs arq until SIGTERM; then it
stops taking jobs and lets running ones finish for ``jobs.shutdown_wait_s`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from arq.connections import ArqRedis

from scrapegate.api.app import build_services, open_storage
from scrapegate.api.services import Services
from scrapegate.config import ConfigError, Settings
from scrapegate.jobs.arq_worker import WorkerOptions, build_worker

log = logging.getLogger(__name__)


def worker_options(settings: Settings, concurrency: int | None) -> WorkerOptions:
    jobs = settings.jobs
    return WorkerOptions(
        concurrency=concurrency or jobs.workers,
        job_timeout_s=jobs.job_timeout_s,
        shutdown_wait_s=jobs.shutdown_wait_s,
        housekeeping_every_s=max(int(jobs.purge_interval_s), 1),
    )


async def _stop(services: Services) -> None:
    await services.webhooks.drain(5.0)
    await services.webhooks.aclose()
    await services.usage_log.aclose()
    for fetcher in services.engine.fetchers.values():
        await fetcher.aclose()
    await services.coordination.aclose()


async def run_worker(settings: Settings, concurrency: int | None = None) -> None:
    if not settings.redis_url:
        raise ConfigError("scrapegate worker needs SCRAPEGATE_REDIS_URL (the shared job queue)")
    storage = await open_storage(settings)
    services = build_services(settings, storage)
    redis = services.coordination.redis
    assert redis is not None  # a Redis URL was given
    await services.usage_log.start()
    await services.webhooks.start()
    worker = build_worker(
        ArqRedis(connection_pool=redis.connection_pool),
        services.jobs.dispatcher,
        services.jobs.housekeeping,
        worker_options(settings, concurrency),
    )
    log.info("worker %s taking jobs", services.jobs.dispatcher.owner)
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await worker.async_run()
    finally:
        await worker.close()
        await _stop(services)
        await storage.close()
