"""Jobs and their tombstones in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from scrapegate.domain.records import Job, JobCounts, JobTombstone, average_duration_ms, utcnow
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.memory.state import MemoryState, detached

UNFINISHED = ("pending", "running")


def _claimable(job: Job, now: datetime) -> bool:
    if job.status == "pending":
        return True
    lease_lapsed = job.lease_until is None or job.lease_until < now
    return job.status == "running" and lease_lapsed


class MemoryJobRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def create(self, job: Job) -> Job:
        if job.id in self._state.jobs:
            raise Conflict(f"job {job.id} already exists")
        self._state.jobs[job.id] = detached(job)
        return job

    async def create_many(self, jobs: Sequence[Job]) -> None:
        for job in jobs:
            self._state.jobs.setdefault(job.id, detached(job))

    async def get(self, job_id: str) -> Job | None:
        return detached(self._state.jobs.get(job_id))

    async def get_many(self, job_ids: Sequence[str]) -> list[Job]:
        return [detached(self._state.jobs[i]) for i in job_ids if i in self._state.jobs]

    async def save(self, job: Job) -> None:
        if job.id not in self._state.jobs:
            raise NotFound(f"job {job.id} does not exist")
        self._state.jobs[job.id] = detached(job)

    async def save_held(self, job: Job, owner: str) -> bool:
        stored = self._state.jobs.get(job.id)
        if stored is None or stored.status != "running" or stored.lease_owner != owner:
            return False
        self._state.jobs[job.id] = detached(job)
        return True

    async def claim(self, job_id: str, owner: str, lease_until: datetime) -> Job | None:
        async with self._state.jobs_lock:
            job = self._state.jobs.get(job_id)
            now = utcnow()
            if job is None or not _claimable(job, now):
                return None
            job.status = "running"
            job.lease_owner = owner
            job.lease_until = lease_until
            job.run_count += 1
            if job.started_at is None:
                job.started_at = now
            return detached(job)

    async def find_inflight(self, org_id: str, request_hash: str) -> Job | None:
        found = [
            j
            for j in self._state.jobs.values()
            if j.org_id == org_id and j.request_hash == request_hash and j.status in UNFINISHED
        ]
        return detached(min(found, key=lambda j: (j.created_at, j.id), default=None))

    async def list_unfinished(self) -> list[Job]:
        found = [j for j in self._state.jobs.values() if j.status in UNFINISHED]
        found.sort(key=lambda j: (j.created_at, j.id))
        return detached(found)

    async def list_effects_pending(self, ended_before: datetime, *, limit: int) -> list[Job]:
        found = [
            j
            for j in self._state.jobs.values()
            if j.effects_pending and j.completed_at is not None and j.completed_at < ended_before
        ]
        found.sort(key=lambda j: j.completed_at or ended_before)
        return detached(found[:limit])

    async def effects_done(self, job_id: str) -> None:
        job = self._state.jobs.get(job_id)
        if job is not None:
            job.effects_pending = False

    async def queue_position(self, job: Job) -> int:
        ahead = sum(
            1
            for j in self._state.jobs.values()
            if j.org_id == job.org_id
            and j.status == "pending"
            and j.created_at < job.created_at
            and j.id != job.id
        )
        return 1 + ahead

    async def expire(self, now: datetime, tombstone_ttl_s: int) -> int:
        async with self._state.jobs_lock:
            tombstones = self._state.tombstones
            for job_id in [t.id for t in tombstones.values() if t.forget_at <= now]:
                del tombstones[job_id]
            expired = [
                j
                for j in self._state.jobs.values()
                if j.terminal and j.expires_at is not None and j.expires_at <= now
            ]
            forget_at = now + timedelta(seconds=tombstone_ttl_s)
            for job in expired:
                tombstones[job.id] = JobTombstone(job.id, job.org_id, now, forget_at)
                del self._state.jobs[job.id]
            return len(expired)

    async def tombstone(self, job_id: str) -> JobTombstone | None:
        return detached(self._state.tombstones.get(job_id))

    async def counts(self, now: datetime, ended_since: datetime) -> JobCounts:
        jobs = list(self._state.jobs.values())
        pending = [job.created_at for job in jobs if job.status == "pending"]
        running = [job for job in jobs if job.status == "running"]
        ended = [
            job
            for job in jobs
            if job.terminal and job.completed_at is not None and job.completed_at >= ended_since
        ]
        return JobCounts(
            pending=len(pending),
            running=len(running),
            stalled=sum(1 for job in running if job.lease_until is None or job.lease_until < now),
            oldest_pending_at=min(pending, default=None),
            completed_recently=sum(1 for job in ended if job.status == "completed"),
            failed_recently=sum(1 for job in ended if job.status == "failed"),
            avg_duration_ms=average_duration_ms(
                [(job.started_at, job.completed_at) for job in ended]
            ),
        )
