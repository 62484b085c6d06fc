"""``scrapegate worker``: the composition root of a worker process in the Redis topology.

It builds only what runs jobs (``api/job_side.py``: the same runner, crawl and batch hooks,
webhooks and request log as the API, but no routes and no product services), starts no HTTP
server, and runs arq until SIGTERM; then it stops taking jobs and lets running ones finish for
``jobs.shutdown_wait_s`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta

from arq.connections import ArqRedis

from scrapegate.api.heap import freeze_startup_heap
from scrapegate.api.job_side import JobSide, build_job_side, open_storage
from scrapegate.config import ConfigError, Settings
from scrapegate.domain.records import utcnow
from scrapegate.jobs.arq_worker import WorkerOptions, build_worker
from scrapegate.platform.worker_heartbeats import HeartbeatLoop, WorkerBeat, WorkerHeartbeats

log = logging.getLogger(__name__)


def worker_options(settings: Settings, concurrency: int | None) -> WorkerOptions:
    jobs = settings.jobs
    return WorkerOptions(
        concurrency=concurrency or jobs.workers,
        job_timeout_s=jobs.job_timeout_s,
        shutdown_wait_s=jobs.shutdown_wait_s,
        housekeeping_every_s=max(int(jobs.purge_interval_s), 1),
    )


def heartbeat_loop(services: JobSide, options: WorkerOptions) -> HeartbeatLoop:
    """This process's heartbeat, read by the API's job health and status page."""
    redis = services.coordination.redis
    assert redis is not None  # only the Redis topology runs separate workers
    housekeeping = services.jobs.housekeeping

    def beat() -> WorkerBeat:
        return WorkerBeat(
            owner=services.jobs.dispatcher.owner,
            at=time.time(),
            concurrency=options.concurrency,
            reaped_last_hour=housekeeping.reaped_since(utcnow() - timedelta(hours=1)),
        )

    return HeartbeatLoop(WorkerHeartbeats(redis), beat)


async def _stop(services: JobSide) -> None:
    await services.webhooks.drain(5.0)
    await services.webhooks.aclose()
    await services.usage_log.aclose()
    await services.engine.conversions.aclose()
    for fetcher in services.engine.fetchers.values():
        await fetcher.aclose()
    await services.coordination.aclose()


async def run_worker(settings: Settings, concurrency: int | None = None) -> None:
    if not settings.redis_url:
        raise ConfigError("scrapegate worker needs SCRAPEGATE_REDIS_URL (the shared job queue)")
    storage = await open_storage(settings)
    services = build_job_side(settings, storage)
    redis = services.coordination.redis
    assert redis is not None  # a Redis URL was given
    await services.usage_log.start()
    await services.webhooks.start()
    await services.engine.conversions.start()
    options = worker_options(settings, concurrency)
    worker = build_worker(
        ArqRedis(connection_pool=redis.connection_pool),
        services.jobs.dispatcher,
        services.jobs.housekeeping,
        options,
    )
    heartbeat = heartbeat_loop(services, options)
    freeze_startup_heap()  # a worker process runs until stopped
    log.info("worker %s taking jobs", services.jobs.dispatcher.owner)
    try:
        await heartbeat.start()
        with contextlib.suppress(asyncio.CancelledError):
            await worker.async_run()
    finally:
        await heartbeat.stop()
        await worker.close()
        await _stop(services)
        await storage.close()
