"""The job event bus on Redis pub/sub: the shared bus contract, processes, restarts.

Every test of tests/contract/test_job_event_bus.py that takes a ``bus`` runs here again on Redis.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from scrapegate.jobs.job_events import JobEventBus, job_topic
from scrapegate.jobs.redis_events import RedisJobEventBus
from scrapegate.storage.redis_client import open_redis
from tests.contract import test_job_event_bus as bus_contract
from tests.redis_fixtures import (
    PrivateRedisServer,
    new_prefix,
    redis_space,
    require_redis_url,
    running_private_redis,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

WAIT_S = 5.0  # upper bound for a message that should arrive; tests never wait this long

globals().update(
    {
        name: test
        for name, test in vars(bus_contract).items()
        if name.startswith("test_") and "bus" in inspect.signature(test).parameters
    }
)


@pytest.fixture
async def bus() -> AsyncIterator[JobEventBus]:
    async with redis_space() as space:
        yield RedisJobEventBus(space.client, space.prefix)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PrivateRedisServer]:
    """A Redis of this test's own, which it may stop and start."""
    with running_private_redis(tmp_path) as private:
        yield private


async def test_get_without_topics_times_out(bus: JobEventBus) -> None:
    async with bus.subscribe() as subscription:
        assert await subscription.get(0.05) is None


async def test_add_while_another_task_waits_in_get(bus: JobEventBus) -> None:
    async with bus.subscribe() as subscription:
        await subscription.add(job_topic("a"))
        waiting = asyncio.create_task(subscription.get(WAIT_S))
        await asyncio.sleep(0)
        await subscription.add(job_topic("b"))
        await bus.publish(job_topic("b"), {"n": 1})
        assert await waiting == {"n": 1}


async def test_processes_with_their_own_clients_see_each_others_events() -> None:
    redis_url = require_redis_url()
    prefix = new_prefix()  # channels are not keys: nothing to clean up
    worker_client, api_client = open_redis(redis_url), open_redis(redis_url)
    try:
        worker_bus = RedisJobEventBus(worker_client, prefix)
        api_bus = RedisJobEventBus(api_client, prefix)
        async with api_bus.subscribe() as subscription:
            await subscription.add(job_topic("j1"))
            await worker_bus.publish(job_topic("j1"), {"status": "completed"})
            assert await subscription.get(WAIT_S) == {"status": "completed"}
    finally:
        await worker_client.aclose()
        await api_client.aclose()


async def test_subscription_survives_a_redis_restart(server: PrivateRedisServer) -> None:
    client = open_redis(server.url)
    bus = RedisJobEventBus(client, new_prefix())
    try:
        async with bus.subscribe() as subscription:
            await subscription.add(job_topic("j1"))
            await bus.publish(job_topic("j1"), {"n": 1})
            assert await subscription.get(WAIT_S) == {"n": 1}

            server.stop()
            assert await subscription.get(0.2) is None  # no error while Redis is gone
            server.start()

            # Pub/sub keeps nothing: publish until the resubscribed reader hears one.
            received = None
            for attempt in range(100):
                await bus.publish(job_topic("j1"), {"n": 2, "attempt": attempt})
                received = await subscription.get(0.2)
                if received is not None:
                    break
            assert received is not None and received["n"] == 2
    finally:
        await client.aclose()


async def test_publish_while_redis_is_down_does_not_raise(
    server: PrivateRedisServer,
) -> None:
    client = open_redis(server.url)
    try:
        server.stop()
        await RedisJobEventBus(client, new_prefix()).publish(job_topic("j1"), {"n": 1})
    finally:
        await client.aclose()
