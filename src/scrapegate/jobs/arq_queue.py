"""The job queue on Redis, with arq: producers enqueue, ``scrapegate worker`` processes run.

The arq job id is our job id, so a job waits in the queue at most once: putting it again while
it waits (the stall reaper does) changes nothing. A job that must wait (politeness, a lease, the
organization's concurrency) is deferred with arq's ``Retry`` under the same id.
"""

from __future__ import annotations

from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix

RUN_JOB = "run_job"
QUEUE_NAME = "sg:jobs"


class ArqJobQueue:
    def __init__(self, redis: ArqRedis, queue_name: str = QUEUE_NAME) -> None:
        self._redis = redis
        self.queue_name = queue_name

    async def put(self, job_id: str) -> None:
        await self._redis.enqueue_job(RUN_JOB, job_id, _job_id=job_id, _queue_name=self.queue_name)

    async def depth(self) -> int:
        return int(await self._redis.zcard(self.queue_name))

    async def requeue_stalled(self, job_id: str) -> None:
        """For the stall reaper: no live worker holds the job (a lapsed lease, or pending for
        long: a worker may have died between taking it from arq and claiming it), so arq's own
        in-progress mark, which outlives a killed worker until its timeout, is dropped too. A
        second run of a job that was only waiting is harmless: whoever claims it first runs it."""
        await self._redis.delete(in_progress_key_prefix + job_id)
        await self.put(job_id)
