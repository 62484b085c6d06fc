"""The job event bus on Redis pub/sub: a subscriber on any process sees events from any worker.

Each subscription holds one pub/sub connection, read by a task of its own. When Redis goes away
(a restart, a network blip) that task reconnects and subscribes the topics again; events
published while it was disconnected are lost, as pub/sub keeps nothing. Publishing while Redis
is unreachable logs and drops the event rather than failing the job that produced it: job state
lives in the database, and the bus only tells listeners to look.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from scrapegate.jobs.job_events import BusSubscription, Message
from scrapegate.storage.redis_client import DEFAULT_PREFIX, REDIS_UNAVAILABLE_ERRORS

log = logging.getLogger(__name__)

RECONNECT_PAUSE_S = 0.5  # between connection attempts while Redis is down
READ_POLL_S = 1.0  # how often the reader wakes up, so idle connections get health checks
SUBSCRIBE_TIMEOUT_S = 5.0  # how long add() waits for Redis to confirm a subscription


class RedisJobEventBus:
    def __init__(
        self, client: Redis, prefix: str = DEFAULT_PREFIX, *, capacity: int = 1_000
    ) -> None:
        self._client = client
        self._channel_prefix = f"{prefix}events:"
        self._capacity = capacity

    async def publish(self, topic: str, message: Message) -> None:
        try:
            await self._client.publish(self._channel_prefix + topic, orjson.dumps(message))
        except REDIS_UNAVAILABLE_ERRORS as error:
            log.warning("event on %s dropped: Redis unreachable (%s)", topic, error)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[BusSubscription]:
        subscription = _RedisSubscription(self._client, self._channel_prefix, self._capacity)
        try:
            yield subscription
        finally:
            await subscription.close()


class _RedisSubscription:
    """Topics on one pub/sub connection; a reader task fills the inbox that ``get`` drains, so
    ``add``/``remove`` from one task and ``get`` from another never read the socket together."""

    def __init__(self, client: Redis, channel_prefix: str, capacity: int) -> None:
        self._client = client
        self._channel_prefix = channel_prefix
        self._topics: set[str] = set()
        self._inbox: asyncio.Queue[Message] = asyncio.Queue(capacity)
        self._confirmed: dict[str, asyncio.Event] = {}  # by channel
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None

    async def add(self, topic: str) -> None:
        """Returns once Redis confirms the subscription, so later publishes reach it; while
        Redis is unreachable it gives up waiting after a while and the reader keeps trying."""
        channel = self._channel_prefix + topic
        self._topics.add(topic)
        confirmed = self._confirmed.setdefault(channel, asyncio.Event())
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_forever(), name=f"events {channel}")
        elif self._pubsub is not None:
            # A failure here breaks the connection for the reader too, which resubscribes.
            with contextlib.suppress(*REDIS_UNAVAILABLE_ERRORS):
                await self._pubsub.subscribe(channel)
        try:
            await asyncio.wait_for(confirmed.wait(), SUBSCRIBE_TIMEOUT_S)
        except TimeoutError:
            log.warning("Redis has not confirmed the subscription to %s yet", topic)

    async def remove(self, topic: str) -> None:
        channel = self._channel_prefix + topic
        self._topics.discard(topic)
        self._confirmed.pop(channel, None)
        if self._pubsub is not None:
            with contextlib.suppress(*REDIS_UNAVAILABLE_ERRORS):
                await self._pubsub.unsubscribe(channel)

    async def get(self, timeout: float) -> Message | None:
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(self._inbox.get(), timeout)
        return None

    async def close(self) -> None:
        self._topics.clear()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        if self._pubsub is not None:
            pubsub, self._pubsub = self._pubsub, None
            await _close_quietly(pubsub)

    async def _read_forever(self) -> None:
        while True:
            try:
                pubsub = await self._connect()
                while True:
                    self._take(await pubsub.get_message(timeout=READ_POLL_S))
            except REDIS_UNAVAILABLE_ERRORS as error:
                await self._disconnect(f"lost its Redis connection ({error}); reconnecting")
            except Exception:
                # The reader must outlive surprises, or its subscriber would wait forever.
                log.exception("event subscription reader failed; reconnecting")
                await self._disconnect("reader failed")
            await asyncio.sleep(RECONNECT_PAUSE_S)

    async def _connect(self) -> PubSub:
        pubsub = self._client.pubsub()
        try:
            await pubsub.connect()  # type: ignore[no-untyped-call]
        except BaseException:
            await _close_quietly(pubsub)
            raise
        # Published before subscribing: a topic added from now on is subscribed by add().
        self._pubsub = pubsub
        for event in self._confirmed.values():
            event.clear()
        channels = [self._channel_prefix + topic for topic in sorted(self._topics)]
        if channels:
            await pubsub.subscribe(*channels)
        return pubsub

    def _take(self, raw: dict[str, Any] | None) -> None:
        if raw is None:
            return
        channel = _text(raw.get("channel") or b"")
        if raw.get("type") == "subscribe" and channel in self._confirmed:
            self._confirmed[channel].set()
            return
        topic = channel.removeprefix(self._channel_prefix)
        # A message can arrive just after its topic was removed; the caller no longer wants it.
        if raw.get("type") != "message" or topic not in self._topics:
            return
        try:
            message: Message = orjson.loads(raw["data"])
        except orjson.JSONDecodeError:
            log.warning("ignored a message on %s that is not JSON", topic)
            return
        if self._inbox.full():
            # A subscriber that stopped reading must not hold memory or block the reader.
            self._inbox.get_nowait()
            log.warning("event subscriber too slow; dropped its oldest message")
        self._inbox.put_nowait(message)

    async def _disconnect(self, reason: str) -> None:
        if self._pubsub is None:
            log.debug("event subscription still cannot reach Redis")
            return
        log.warning("event subscription %s", reason)
        pubsub, self._pubsub = self._pubsub, None
        await _close_quietly(pubsub)


async def _close_quietly(pubsub: PubSub) -> None:
    # Closing a connection to a server that is gone may itself fail; it is closed either way.
    with contextlib.suppress(*REDIS_UNAVAILABLE_ERRORS):
        await pubsub.aclose()  # type: ignore[no-untyped-call]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
