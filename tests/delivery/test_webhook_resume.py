"""Restart safety: pending deliveries survive a dispatcher shutdown and resume with the same id."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from scrapegate.config import WebhookSettings
from scrapegate.domain.records import WebhookDelivery
from scrapegate.storage.protocols import WebhookDeliveryRepository
from tests.delivery.conftest import RecordingSleep
from tests.delivery.receiver import Answer, Receiver
from tests.delivery.test_webhooks import SECRET, make_dispatcher, stored

# The receiver fixture runs on the session loop; the tests must share it.
pytestmark = pytest.mark.asyncio(loop_scope="session")

SLOW_RETRY = WebhookSettings(max_attempts=3, backoff_base_s=3_600.0, allow_http=True)


class NeverWakes(RecordingSleep):
    """A sleep that records the wait and then blocks until cancelled."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.entered.set()
        await asyncio.Event().wait()


async def _interrupted_delivery(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> WebhookDelivery:
    """A delivery whose first attempt failed, left pending by a dispatcher that shut down."""
    receiver.script = [Answer(500)]
    sleeper = NeverWakes()
    first = make_dispatcher(deliveries, settings=SLOW_RETRY, sleep=sleeper)
    delivery = await first.enqueue(
        org_id="org-1", url=receiver.url(), secret=SECRET, event="job.completed", data={"n": 1}
    )
    await asyncio.wait_for(sleeper.entered.wait(), 10)
    await first.aclose()
    return await stored(deliveries, delivery.id)


async def test_pending_delivery_resumes_after_restart(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    interrupted = await _interrupted_delivery(receiver, deliveries)
    assert (interrupted.status, interrupted.attempts) == ("pending", 1)
    assert interrupted.next_attempt_at is not None
    asked: list[str] = []

    async def secret_of(delivery: WebhookDelivery) -> str | None:
        asked.append(delivery.id)
        return SECRET

    second = make_dispatcher(
        deliveries, settings=SLOW_RETRY, sleep=recording_sleep, secret_resolver=secret_of
    )
    await second.start()
    await second.drain(10)

    assert asked == [interrupted.id]
    first_try, resumed = receiver.received
    assert resumed.headers["x-alterlab-delivery"] == interrupted.id
    assert resumed.headers["x-alterlab-delivery-attempt"] == "2"
    assert resumed.body == first_try.body
    assert resumed.signed_by(SECRET)
    # The resumed dispatcher waits out the stored backoff instead of retrying at once.
    [wait] = recording_sleep.delays
    assert 2_000 < wait <= 3_600 * 1.2
    saved = await stored(deliveries, interrupted.id)
    assert (saved.status, saved.attempts) == ("delivered", 2)


async def test_delivery_without_a_secret_fails_on_resume(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    interrupted = await _interrupted_delivery(receiver, deliveries)

    async def secret_gone(delivery: WebhookDelivery) -> str | None:
        return None

    second = make_dispatcher(deliveries, sleep=recording_sleep, secret_resolver=secret_gone)
    await second.start()
    await second.drain(10)
    assert len(receiver.received) == 1
    saved = await stored(deliveries, interrupted.id)
    assert saved.status == "failed"
    assert saved.last_error == "the signing secret is no longer available"


async def test_delivery_out_of_attempts_is_closed_on_resume(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    now = datetime.now(UTC)
    exhausted = WebhookDelivery(
        id="0b0c8f8e-54a3-4b7e-9a55-6f1b6c0f2d11",
        org_id="org-1",
        event="job.failed",
        url=receiver.url(),
        payload={"event": "job.failed"},
        attempts=3,
        last_error="HTTP 500",
        created_at=now,
        updated_at=now,
    )
    await deliveries.create(exhausted)

    async def secret_of(delivery: WebhookDelivery) -> str | None:
        return SECRET

    dispatcher = make_dispatcher(deliveries, secret_resolver=secret_of)
    await dispatcher.start()
    await dispatcher.drain(10)
    assert receiver.connections == 0
    saved = await stored(deliveries, exhausted.id)
    assert (saved.status, saved.last_error) == ("failed", "HTTP 500")


async def test_enqueue_after_close_stays_pending(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    dispatcher = make_dispatcher(deliveries)
    await dispatcher.aclose()
    delivery = await dispatcher.enqueue(
        org_id="org-1", url=receiver.url(), secret=SECRET, event="job.completed", data={}
    )
    assert dispatcher.in_flight == 0
    assert receiver.connections == 0
    assert (await stored(deliveries, delivery.id)).status == "pending"
    await dispatcher.start()
    await dispatcher.drain(10)
    assert (await stored(deliveries, delivery.id)).status == "delivered"
