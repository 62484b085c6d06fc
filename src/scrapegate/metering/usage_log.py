"""The request log writer: rows are queued in memory and written by one background task.

``append`` is synchronous and cheap. Exactly one task writes to the database, in batches; a
route that needs its own rows stored (``flush``) asks that task and waits for it. Nothing is
dropped: beyond ``max_queued_rows``, while the database fails, and at shutdown the rows go to
the spool (``usage_spool``), and the writer feeds them back in order when it can.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from scrapegate.domain.records import UsageRow
from scrapegate.metering.usage_spool import UsageSpool
from scrapegate.storage.protocols import UsageRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UsageLogLimits:
    max_queued_rows: int = 50_000  # about 20 MB of rows; more go to the spool
    batch_rows: int = 2_000  # rows per insert transaction
    linger_s: float = 0.25  # gather rows this long before a write nobody waits for
    retry_max_s: float = 5.0  # longest pause between attempts while the database fails
    flush_timeout_s: float = 10.0  # longest a route waits for its rows to be stored
    close_timeout_s: float = 2.0  # shutdown: write for this long, then spool the rest


@dataclass
class Segment:
    """A spool file in the writer's queue: its rows are older than every row in memory."""

    path: Path
    first_seq: int | None  # None: adopted from a process that has gone
    count: int
    rows: list[UsageRow] | None = None  # until the file is written (kept if that failed)
    spilled: asyncio.Task[None] | None = None
    offset: int = 0  # bytes of the file already stored
    stored: int = 0


@dataclass(frozen=True)
class Batch:
    rows: list[UsageRow]
    first_seq: int | None
    segment: Segment | None = None
    end: int = 0  # the segment offset after these rows


@dataclass
class _Signals:
    wake: asyncio.Event = field(default_factory=asyncio.Event)  # there is work
    urgent: asyncio.Event = field(default_factory=asyncio.Event)  # somebody waits: no linger
    stop: asyncio.Event = field(default_factory=asyncio.Event)  # shutdown deadline passed
    progress: asyncio.Event = field(default_factory=asyncio.Event)


class UsageLog:
    def __init__(
        self,
        repository: UsageRepository,
        spool_dir: Path,
        limits: UsageLogLimits | None = None,
    ) -> None:
        self._repository = repository
        self._spool = UsageSpool(spool_dir)
        self._limits = limits or UsageLogLimits()
        self._queue: deque[UsageRow] = deque()
        self._segments: deque[Segment] = deque()
        self._appended = 0  # sequence number of the last row appended
        self._stored = 0  # every row up to this sequence number is in the database
        self._in_flight: Batch | None = None
        self._signals = _Signals()
        self._task: asyncio.Task[None] | None = None
        self._spills: set[asyncio.Task[None]] = set()
        self._closing = False
        self._closed = False

    @property
    def queued_rows(self) -> int:
        """Rows not yet in the database: in memory, in flight and in the spool."""
        in_segments = sum(max(s.count - s.stored, 0) for s in self._segments)
        in_flight = len(self._in_flight.rows) if self._in_flight is not None else 0
        return len(self._queue) + in_flight + in_segments

    def append(self, row: UsageRow) -> None:
        if self._closed:  # a request that ended during shutdown: straight to disk
            self._spool.write(self._spool.new_path(), [row])
            self._spool.close()  # so that the next process adopts the file
            return
        self._queue.append(row)
        self._appended += 1
        if len(self._queue) >= self._limits.max_queued_rows:
            self._spill_queue()
        self._signals.wake.set()

    async def flush(self) -> bool:
        """Wait until every row appended before the call, and every spool file adopted at the
        start, is stored; False after ``flush_timeout_s``."""
        target = self._appended
        if self._flushed(target):
            return True
        if self._closed:
            return False
        self._ensure_writer()
        self._signals.urgent.set()
        self._signals.wake.set()
        try:
            async with asyncio.timeout(self._limits.flush_timeout_s):
                while not self._flushed(target):
                    await self._signals.progress.wait()
        except TimeoutError:
            log.warning("request log flush timed out with %d rows waiting", self.queued_rows)
            return False
        return True

    async def start(self) -> None:
        """Queue the rows spooled by processes that have gone, then start the writer."""
        adopted = await asyncio.to_thread(self._spool.adopt_orphans)
        for path in reversed(adopted):
            self._segments.appendleft(Segment(path, first_seq=None, count=0))
        if adopted:
            log.info("request log: replaying %d spool file(s)", len(adopted))
            self._signals.wake.set()
        self._ensure_writer()

    async def aclose(self, timeout_s: float | None = None) -> None:
        """Write for at most ``timeout_s``; what is left goes to the spool for the next start."""
        self._ensure_writer()
        self._closing = True
        self._signals.urgent.set()
        self._signals.wake.set()
        if self._task is not None:
            timeout = self._limits.close_timeout_s if timeout_s is None else timeout_s
            await asyncio.wait({self._task}, timeout=timeout)
        # The writer ends after its current write; a write is never cancelled halfway (an
        # interrupted SQLite transaction would keep the database locked).
        self._signals.stop.set()  # from here on the writer changes nothing
        self._closed = True
        await self._spool_leftovers()
        self._spool.close()

    def _flushed(self, target: int) -> bool:
        return self._stored >= target and not any(s.first_seq is None for s in self._segments)

    def _ensure_writer(self) -> None:
        if self._task is None and not self._closed:
            self._task = asyncio.create_task(self._run(), name="request-log-writer")

    async def _run(self) -> None:
        backoff = self._limits.linger_s
        while not self._signals.stop.is_set():
            if not self._has_work():
                if self._closing:
                    return
                await self._signals.wake.wait()
                self._signals.wake.clear()
                continue
            await self._linger()
            if await self._write_all_safely():
                backoff = self._limits.linger_s
                continue
            await self._pause(backoff)
            backoff = min(backoff * 2, self._limits.retry_max_s)

    def _has_work(self) -> bool:
        return bool(self._queue or self._segments)

    async def _linger(self) -> None:
        """Gather a larger batch, unless somebody is waiting or the batch is full already."""
        if self._closing or self._segments or len(self._queue) >= self._limits.batch_rows:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._limits.linger_s):
                await self._signals.urgent.wait()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._signals.stop.wait()

    async def _write_all_safely(self) -> bool:
        try:
            return await self._write_all()
        except Exception:  # the writer must outlive any surprise: retry after a pause
            log.exception("request log writer failed")
            return False

    async def _write_all(self) -> bool:
        """Write batches until nothing is left; False when the database failed."""
        self._signals.urgent.clear()
        while self._has_work() and not self._signals.stop.is_set():
            batch = await self._next_batch()
            if batch is None:
                continue
            self._in_flight = batch
            try:
                await self._repository.append_many(batch.rows)
            except Exception as exc:  # a log write must never fail a request: keep the rows
                log.warning("request log write failed (%d rows kept): %r", len(batch.rows), exc)
                if not self._signals.stop.is_set():  # else shutdown spools the in-flight rows
                    self._in_flight = None
                    self._keep_failed(batch)
                return False
            if self._signals.stop.is_set():
                return True  # shutdown may spool this batch too: a replay skips stored ids
            self._in_flight = None
            self._record_stored(batch)
        return True

    async def _next_batch(self) -> Batch | None:
        """The oldest rows: the spool first (in order), then memory."""
        if not self._segments:
            first = self._appended - len(self._queue) + 1
            size = min(len(self._queue), self._limits.batch_rows)
            return Batch([self._queue.popleft() for _ in range(size)], first)
        segment = self._segments[0]
        if segment.spilled is not None:
            await asyncio.wait({segment.spilled})
        if segment.rows is not None:  # the file could not be written: the rows are still here
            rows = segment.rows[segment.stored : segment.stored + self._limits.batch_rows]
            return self._segment_batch(segment, rows, segment.offset)
        try:
            chunk = await asyncio.to_thread(
                self._spool.read, segment.path, segment.offset, self._limits.batch_rows
            )
        except FileNotFoundError:  # another process adopted and finished it meanwhile
            self._finish_segment(segment)
            return None
        except OSError as exc:  # left on disk for an operator; the rows behind it go on
            log.error("request log spool %s unreadable, skipped: %r", segment.path, exc)
            self._finish_segment(segment, remove=False)
            return None
        return self._segment_batch(segment, chunk.rows, chunk.end)

    def _segment_batch(self, segment: Segment, rows: list[UsageRow], end: int) -> Batch | None:
        if not rows:
            self._finish_segment(segment)
            return None
        first = None if segment.first_seq is None else segment.first_seq + segment.stored
        return Batch(rows, first, segment, end)

    def _record_stored(self, batch: Batch) -> None:
        if batch.segment is not None:
            batch.segment.offset = batch.end
            batch.segment.stored += len(batch.rows)
        if batch.first_seq is not None:
            self._stored = max(self._stored, batch.first_seq + len(batch.rows) - 1)
        self._signals.progress.set()
        self._signals.progress = asyncio.Event()

    def _finish_segment(self, segment: Segment, *, remove: bool = True) -> None:
        self._segments.remove(segment)
        if remove:
            self._spool.remove(segment.path)
        if segment.first_seq is not None:
            self._stored = max(self._stored, segment.first_seq + segment.count - 1)
        self._signals.progress.set()
        self._signals.progress = asyncio.Event()

    def _keep_failed(self, batch: Batch) -> None:
        """The database failed: a memory batch and the queue go to the spool, oldest first."""
        if batch.segment is None:
            self._segments.appendleft(self._spill(batch.rows, batch.first_seq))
        self._spill_queue()

    def _spill_queue(self) -> None:
        if self._queue:
            first = self._appended - len(self._queue) + 1
            self._segments.append(self._spill(list(self._queue), first))
            self._queue.clear()

    def _spill(self, rows: list[UsageRow], first_seq: int | None) -> Segment:
        segment = Segment(self._spool.new_path(), first_seq, len(rows), rows)
        segment.spilled = asyncio.create_task(self._write_segment(segment, rows))
        self._spills.add(segment.spilled)
        segment.spilled.add_done_callback(self._spills.discard)
        return segment

    async def _write_segment(self, segment: Segment, rows: list[UsageRow]) -> None:
        try:
            await asyncio.to_thread(self._spool.write, segment.path, rows)
        except OSError as exc:  # rows stay in memory; the writer takes them from there
            log.error("request log spool write failed (%d rows in memory): %r", len(rows), exc)
            return
        segment.rows = None  # on disk now (the writer waits for this before it reads a segment)

    async def _spool_leftovers(self) -> None:
        """At shutdown: everything not stored goes to disk (the in-flight batch too)."""
        if self._spills:
            await asyncio.wait(set(self._spills))
        leftovers: list[UsageRow] = []
        if self._in_flight is not None and self._in_flight.segment is None:
            leftovers.extend(self._in_flight.rows)  # may also commit: stored once on replay
        for segment in self._segments:
            if segment.rows is not None:  # its file could not be written: try once more
                leftovers.extend(segment.rows[segment.stored :])
        leftovers.extend(self._queue)
        self._queue.clear()
        if not leftovers:
            return
        try:
            await asyncio.to_thread(self._spool.write, self._spool.new_path(), leftovers)
        except OSError as exc:
            log.error("request log: %d rows lost, spool not writable: %r", len(leftovers), exc)
            return
        log.info("request log: %d rows spooled for the next start", len(leftovers))
