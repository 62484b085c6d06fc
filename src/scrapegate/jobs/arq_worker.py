"""``scrapegate worker``: an arq worker that runs queued jobs through the job dispatcher.

Housekeeping (purges, the stall reaper) is an arq cron job: every worker schedules it, and arq
runs each tick once across the cluster because the tick's job id is the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from arq import Retry, cron
from arq.connections import ArqRedis
from arq.worker import Worker, func

from scrapegate.jobs.arq_queue import QUEUE_NAME, RUN_JOB
from scrapegate.jobs.dispatch import JobDispatcher
from scrapegate.jobs.housekeeping import Housekeeping

# Deferrals (politeness, leases, concurrency) count as arq tries; only real crashes should end.
MAX_TRIES = 1_000_000


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = 10
    job_timeout_s: float = 900.0
    shutdown_wait_s: float = 30.0  # SIGTERM: stop taking work, let running jobs finish this long
    housekeeping_every_s: int = 60
    poll_delay_s: float = 0.05


async def run_job(ctx: dict[str, Any], job_id: str) -> None:
    dispatcher: JobDispatcher = ctx["dispatcher"]
    wait = await dispatcher.dispatch(job_id)
    if wait is not None:
        raise Retry(defer=wait)


async def housekeep(ctx: dict[str, Any]) -> None:
    housekeeping: Housekeeping = ctx["housekeeping"]
    await housekeeping.run_once()


def housekeeping_seconds(every_s: int) -> set[int]:
    step = min(max(every_s, 1), 60)
    return set(range(0, 60, step))


def build_worker(
    redis: ArqRedis,
    dispatcher: JobDispatcher,
    housekeeping: Housekeeping,
    options: WorkerOptions,
) -> Worker:
    every_s = options.housekeeping_every_s
    return Worker(
        functions=[func(run_job, name=RUN_JOB, max_tries=MAX_TRIES)],
        cron_jobs=[
            cron(
                housekeep,
                name="housekeeping",
                second=housekeeping_seconds(every_s),
                minute=None if every_s < 60 else set(range(0, 60, max(every_s // 60, 1))),
                run_at_startup=False,
            )
        ],
        redis_pool=redis,
        queue_name=QUEUE_NAME,
        ctx={"dispatcher": dispatcher, "housekeeping": housekeeping},
        max_jobs=options.concurrency,
        job_timeout=options.job_timeout_s,
        job_completion_wait=int(options.shutdown_wait_s),
        keep_result=0,
        poll_delay=options.poll_delay_s,
        retry_jobs=True,
        handle_signals=True,
    )
