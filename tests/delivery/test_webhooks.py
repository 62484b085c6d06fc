"""Webhook delivery against a real loopback receiver: headers, signatures, retries, policy."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from scrapegate.config import WebhookSettings
from scrapegate.delivery.webhooks import WebhookDispatcher, encode_body
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.records import WebhookDelivery
from scrapegate.storage.protocols import WebhookDeliveryRepository
from tests.delivery.conftest import RecordingSleep
from tests.delivery.receiver import Answer, Receiver

# The receiver fixture runs on the session loop; the tests must share it.
pytestmark = pytest.mark.asyncio(loop_scope="session")

SECRET = "whsec_0123456789abcdefghijklmnopqrstuv"
OPEN = NetPolicy(allow_private=True)
CLOSED = NetPolicy(allow_private=False)
FAST = WebhookSettings(max_attempts=3, timeout_s=5.0, backoff_base_s=0.05, allow_http=True)
JOB_DATA: dict[str, Any] = {
    "job_id": "job-1",
    "status": "completed",
    "result": {"markdown": "# Hi"},
}


def make_dispatcher(
    deliveries: WebhookDeliveryRepository,
    *,
    policy: NetPolicy = OPEN,
    settings: WebhookSettings = FAST,
    development: bool = False,
    **options: Any,
) -> WebhookDispatcher:
    return WebhookDispatcher(
        deliveries,
        policy=policy,
        settings=settings,
        development=development,
        version="9.9.9",
        **options,
    )


async def send(dispatcher: WebhookDispatcher, url: str, **fields: Any) -> WebhookDelivery:
    delivery = await dispatcher.enqueue(
        org_id="org-1",
        url=url,
        secret=fields.pop("secret", SECRET),
        event=fields.pop("event", "job.completed"),
        data=fields.pop("data", JOB_DATA),
        job_id=fields.pop("job_id", f"job-{uuid.uuid4().hex[:8]}"),  # one delivery per job+event
    )
    await dispatcher.drain(10)
    return delivery


async def stored(deliveries: WebhookDeliveryRepository, delivery_id: str) -> WebhookDelivery:
    found = await deliveries.get(delivery_id)
    assert found is not None
    return found


async def test_first_attempt_carries_every_header_and_signature(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    receiver.default = Answer(200, b'{"received": true}')
    dispatcher = make_dispatcher(deliveries)
    delivery = await send(dispatcher, receiver.url())

    [request] = receiver.received
    assert (request.method, request.path) == ("POST", "/hook")
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "scrapegate-webhooks/9.9.9"
    assert request.headers["x-alterlab-event"] == "job.completed"
    assert request.headers["x-alterlab-delivery"] == delivery.id
    assert request.headers["x-alterlab-delivery-attempt"] == "1"
    assert request.headers["x-alterlab-timestamp"].isdigit()
    assert request.signed_by(SECRET)
    assert not request.signed_by("whsec_some_other_secret_value_here")

    body = request.json
    assert body["event"] == "job.completed"
    assert body["api_version"] == "v1"
    assert body["organization_id"] == "org-1"
    assert body["data"] == JOB_DATA
    assert body["created_at"].endswith("Z") and len(body["created_at"]) == 24
    assert body["event_id"] and body["event_id"] != delivery.id
    assert request.body == encode_body(delivery.payload)

    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.attempts, saved.response_code) == ("delivered", 1, 200)
    assert saved.response_snippet == '{"received": true}'
    assert saved.latency_ms is not None and saved.latency_ms >= 0
    assert saved.last_error is None and saved.next_attempt_at is None
    assert "secret" not in json.dumps(saved.payload)


async def test_failures_then_success_keep_one_delivery_id_and_body(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    receiver.script = [Answer(500), Answer(503)]
    dispatcher = make_dispatcher(deliveries)  # real sleeps, 0.05 s base
    delivery = await send(dispatcher, receiver.url())

    assert len(receiver.received) == 3
    assert {r.headers["x-alterlab-delivery"] for r in receiver.received} == {delivery.id}
    assert [r.headers["x-alterlab-delivery-attempt"] for r in receiver.received] == ["1", "2", "3"]
    assert len({r.body for r in receiver.received}) == 1
    assert all(r.signed_by(SECRET) for r in receiver.received)
    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.attempts, saved.response_code) == ("delivered", 3, 200)


async def test_backoff_grows_fourfold_with_jitter(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    receiver.default = Answer(500)
    settings = WebhookSettings(max_attempts=4, backoff_base_s=10.0, allow_http=True)
    dispatcher = make_dispatcher(deliveries, settings=settings, sleep=recording_sleep)
    delivery = await send(dispatcher, receiver.url())

    assert len(receiver.received) == 4
    first, second, third = recording_sleep.delays
    assert 8.0 <= first <= 12.0
    assert 32.0 <= second <= 48.0
    assert 128.0 <= third <= 192.0
    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.attempts, saved.last_error) == ("failed", 4, "HTTP 500")


async def test_gives_up_after_max_attempts(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    receiver.default = Answer(502, b"bad gateway")
    dispatcher = make_dispatcher(deliveries, sleep=recording_sleep)
    delivery = await send(dispatcher, receiver.url())
    assert len(receiver.received) == 3
    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.attempts, saved.response_code) == ("failed", 3, 502)
    assert saved.response_snippet == "bad gateway"


async def test_410_ends_delivery_and_reports_it(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    receiver.default = Answer(410)
    finished: list[WebhookDelivery] = []

    async def on_finished(delivery: WebhookDelivery) -> None:
        finished.append(delivery)

    dispatcher = make_dispatcher(deliveries, sleep=recording_sleep, on_finished=on_finished)
    delivery = await send(dispatcher, receiver.url())
    assert len(receiver.received) == 1
    assert [(d.id, d.status, d.response_code) for d in finished] == [(delivery.id, "failed", 410)]


async def test_other_4xx_is_final_but_408_and_429_retry(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    receiver.script = [Answer(400)]
    dispatcher = make_dispatcher(deliveries, sleep=recording_sleep)
    await send(dispatcher, receiver.url())
    assert len(receiver.received) == 1

    receiver.script = [Answer(408), Answer(429)]
    delivery = await send(dispatcher, receiver.url())
    assert len(receiver.received) == 4
    assert (await stored(deliveries, delivery.id)).status == "delivered"


async def test_redirect_is_a_failure_and_not_followed(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    receiver.default = Answer(301, b"", {"Location": receiver.url("/elsewhere")})
    dispatcher = make_dispatcher(deliveries, sleep=recording_sleep)
    delivery = await send(dispatcher, receiver.url())
    assert [r.path for r in receiver.received] == ["/hook"]
    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.attempts, saved.response_code) == ("failed", 1, 301)
    assert saved.last_error is not None and "redirect" in saved.last_error


async def test_retry_after_is_honoured_and_capped(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    receiver.script = [
        Answer(429, headers={"Retry-After": "7"}),
        Answer(429, headers={"Retry-After": "100000"}),
    ]
    dispatcher = make_dispatcher(deliveries, sleep=recording_sleep)
    delivery = await send(dispatcher, receiver.url())
    assert recording_sleep.delays == [7.0, 300.0]
    assert (await stored(deliveries, delivery.id)).status == "delivered"


async def test_slow_receiver_times_out_and_is_retried(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    receiver.script = [Answer(hang=True)]
    settings = WebhookSettings(max_attempts=2, timeout_s=0.3, allow_http=True)
    dispatcher = make_dispatcher(deliveries, settings=settings, sleep=recording_sleep)
    delivery = await send(dispatcher, receiver.url())
    assert len(receiver.received) == 2
    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.attempts) == ("delivered", 2)

    receiver.default = Answer(hang=True)
    failed = await send(dispatcher, receiver.url())
    saved = await stored(deliveries, failed.id)
    assert (saved.status, saved.attempts, saved.response_code) == ("failed", 2, None)
    assert saved.last_error is not None and "timed out" in saved.last_error


async def test_response_snippet_keeps_the_first_kibibyte(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    receiver.default = Answer(200, b"x" * 5000)
    dispatcher = make_dispatcher(deliveries)
    delivery = await send(dispatcher, receiver.url())
    assert (await stored(deliveries, delivery.id)).response_snippet == "x" * 1024


async def test_success_stands_when_the_response_body_breaks_off(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    receiver.default = Answer(202, b"partial", declared_length=10_000)
    dispatcher = make_dispatcher(deliveries, sleep=recording_sleep)
    delivery = await send(dispatcher, receiver.url())
    assert len(receiver.received) == 1
    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.response_code, saved.response_snippet) == (
        "delivered",
        202,
        "partial",
    )


async def test_enqueue_does_not_wait_for_the_receiver(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    receiver.default = Answer(hang=True)
    dispatcher = make_dispatcher(deliveries)
    delivery = await dispatcher.enqueue(
        org_id="org-1", url=receiver.url(), secret=SECRET, event="job.failed", data={}
    )
    assert delivery.status == "pending"
    assert dispatcher.in_flight == 1
    await dispatcher.aclose()
    assert dispatcher.in_flight == 0
    saved = await stored(deliveries, delivery.id)
    assert saved.status == "pending"
    assert [d.id for d in await deliveries.list_pending()] == [delivery.id]


async def test_one_delivery_per_job_and_event(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    """A replayed job (its worker died after it ended) enqueues its webhook again: no resend."""
    dispatcher = make_dispatcher(deliveries)
    first = await send(dispatcher, receiver.url(), job_id="job-replayed")
    again = await send(dispatcher, receiver.url(), job_id="job-replayed")
    assert again.id == first.id and len(receiver.received) == 1
    other_event = await send(dispatcher, receiver.url(), job_id="job-replayed", event="job.failed")
    assert other_event.id != first.id and len(receiver.received) == 2
