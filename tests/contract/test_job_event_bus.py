"""The job event bus contract: every implementation behaves the same for its subscribers.

Add an implementation by appending a factory to ``BUSES`` (a Redis one needs a loopback server).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from scrapegate.domain.records import Job
from scrapegate.jobs.job_events import (
    InMemoryJobEventBus,
    JobEventBus,
    JobEventPublisher,
    batch_topic,
    job_event,
    job_topic,
)

BusFactory = Callable[[], Awaitable[JobEventBus]]


async def memory_bus() -> JobEventBus:
    return InMemoryJobEventBus()


BUSES = [pytest.param(memory_bus, id="memory")]
# Long enough for a broker round trip; only ever waited out when nothing is expected.
QUIET_S = 0.2
ARRIVAL_S = 5.0


@pytest.fixture(params=BUSES)
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[JobEventBus]:
    factory: BusFactory = request.param
    yield await factory()


def event(n: int, **extra: Any) -> dict[str, Any]:
    return {"type": "job.running", "job_id": f"job-{n}", "n": n, **extra}


async def test_subscriber_gets_messages_of_its_topic_in_order(bus: JobEventBus) -> None:
    async with bus.subscribe() as sub:
        await sub.add(job_topic("a"))
        for n in range(5):
            await bus.publish(job_topic("a"), event(n))
        received = [await sub.get(ARRIVAL_S) for _ in range(5)]
    assert [m["n"] for m in received if m is not None] == [0, 1, 2, 3, 4]


async def test_get_returns_none_when_nothing_arrives(bus: JobEventBus) -> None:
    async with bus.subscribe() as sub:
        await sub.add(job_topic("quiet"))
        assert await sub.get(QUIET_S) is None


async def test_other_topics_are_not_delivered(bus: JobEventBus) -> None:
    async with bus.subscribe() as sub:
        await sub.add(job_topic("mine"))
        await bus.publish(job_topic("theirs"), event(1))
        await bus.publish(job_topic("mine"), event(2))
        first = await sub.get(ARRIVAL_S)
        assert first is not None and first["n"] == 2
        assert await sub.get(QUIET_S) is None


async def test_one_subscription_follows_several_topics(bus: JobEventBus) -> None:
    async with bus.subscribe() as sub:
        await sub.add(job_topic("x"))
        await sub.add(batch_topic("b"))
        await bus.publish(batch_topic("b"), event(1))
        await bus.publish(job_topic("x"), event(2))
        got = {(await sub.get(ARRIVAL_S) or {}).get("n") for _ in range(2)}
    assert got == {1, 2}


async def test_adding_a_topic_twice_delivers_once(bus: JobEventBus) -> None:
    async with bus.subscribe() as sub:
        await sub.add(job_topic("twice"))
        await sub.add(job_topic("twice"))
        await bus.publish(job_topic("twice"), event(1))
        assert await sub.get(ARRIVAL_S) is not None
        assert await sub.get(QUIET_S) is None


async def test_removed_topic_stops_delivery(bus: JobEventBus) -> None:
    async with bus.subscribe() as sub:
        await sub.add(job_topic("gone"))
        await sub.add(job_topic("kept"))
        await sub.remove(job_topic("gone"))
        await sub.remove(job_topic("never-added"))  # harmless
        await bus.publish(job_topic("gone"), event(1))
        await bus.publish(job_topic("kept"), event(2))
        first = await sub.get(ARRIVAL_S)
        assert first is not None and first["n"] == 2
        assert await sub.get(QUIET_S) is None


async def test_every_subscriber_gets_its_own_copy(bus: JobEventBus) -> None:
    async with bus.subscribe() as one, bus.subscribe() as two:
        await one.add(job_topic("shared"))
        await two.add(job_topic("shared"))
        await bus.publish(job_topic("shared"), event(1, data={"status": "running"}))
        first, second = await one.get(ARRIVAL_S), await two.get(ARRIVAL_S)
        assert first is not None and second is not None
        first["data"]["status"] = "changed by one subscriber"
        assert second["data"]["status"] == "running"


async def test_no_history_for_late_subscribers(bus: JobEventBus) -> None:
    await bus.publish(job_topic("early"), event(1))
    async with bus.subscribe() as sub:
        await sub.add(job_topic("early"))
        assert await sub.get(QUIET_S) is None


async def test_a_closed_subscription_does_not_disturb_publishers(bus: JobEventBus) -> None:
    async with bus.subscribe() as sub:
        await sub.add(job_topic("closing"))
    await bus.publish(job_topic("closing"), event(1))
    async with bus.subscribe() as later:
        await later.add(job_topic("closing"))
        await bus.publish(job_topic("closing"), event(2))
        got = await later.get(ARRIVAL_S)
        assert got is not None and got["n"] == 2


async def test_messages_arrive_as_json(bus: JobEventBus) -> None:
    job = Job(
        id="j1",
        org_id="o1",
        key_id=None,
        type="scrape",
        request={"url": "http://x/"},
        request_hash="h",
    )
    async with bus.subscribe() as sub:
        await sub.add(job_topic("j1"))
        await sub.add(batch_topic("b1"))
        await JobEventPublisher(bus).job_changed(job, batch_id="b1", queue_position=3)
        by_job, by_batch = await sub.get(ARRIVAL_S), await sub.get(ARRIVAL_S)
    expected = job_event(job, batch_id="b1", queue_position=3)
    assert by_job is not None and by_batch is not None
    assert by_job["data"] == by_batch["data"] == expected["data"]
    assert by_job["data"]["queue_position"] == 3 and by_job["data"]["url"] == "http://x/"
    assert (by_job["type"], by_job["org_id"], by_job["batch_id"]) == ("job.queued", "o1", "b1")


async def test_memory_bus_drops_the_oldest_for_a_slow_subscriber(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bus = InMemoryJobEventBus(capacity=3)
    async with bus.subscribe() as sub:
        await sub.add(job_topic("slow"))
        with caplog.at_level(logging.WARNING):
            for n in range(5):
                await bus.publish(job_topic("slow"), event(n))
        kept = [await sub.get(QUIET_S) for _ in range(3)]
        assert [m["n"] for m in kept if m is not None] == [2, 3, 4]
        assert await sub.get(QUIET_S) is None
    assert "too slow" in caplog.text


async def test_memory_bus_refuses_messages_that_could_not_cross_a_broker() -> None:
    bus = InMemoryJobEventBus()
    async with bus.subscribe() as sub:
        await sub.add(job_topic("bad"))
        with pytest.raises(TypeError):
            await bus.publish(job_topic("bad"), {"type": "job.running", "data": object()})


async def test_publisher_survives_a_failing_bus(caplog: pytest.LogCaptureFixture) -> None:
    class BrokenBus(InMemoryJobEventBus):
        async def publish(self, topic: str, message: dict[str, Any]) -> None:
            raise ConnectionError("broker down")

    job = Job(id="j2", org_id="o1", key_id=None, type="scrape", request={}, request_hash="h")
    with caplog.at_level(logging.ERROR):
        await JobEventPublisher(BrokenBus()).job_changed(job)
    assert "could not publish job.queued for job j2" in caplog.text
