"""Webhook SSRF rules: checked at every attempt, every resolved address, connection pinned."""

from __future__ import annotations

import ipaddress

import pytest

from scrapegate.config import WebhookSettings
from scrapegate.delivery.webhook_target import WebhookTargetRules, resolve_target
from scrapegate.domain.netrules import IPAddress, NetPolicy
from scrapegate.errors import InvalidURL, URLNotAllowed
from scrapegate.storage.protocols import WebhookDeliveryRepository
from tests.delivery.conftest import RecordingSleep
from tests.delivery.receiver import Answer, Receiver
from tests.delivery.test_webhooks import CLOSED, make_dispatcher, send, stored

# The receiver fixture runs on the session loop; the tests must share it.
pytestmark = pytest.mark.asyncio(loop_scope="session")

HOOK_HOST = "hooks.example.test"


class ScriptedResolver:
    """Answers DNS questions from a script (one answer per call, the last one repeats)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = [[ipaddress.ip_address(a) for a in answer] for answer in answers]
        self.questions: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.questions.append((host, port))
        index = min(len(self.questions), len(self.answers)) - 1
        return self.answers[index]


def loopback_only(port: int) -> NetPolicy:
    """Private networks refused, except loopback on the receiver's port."""
    return NetPolicy.build(allow_private=False, allowed_cidrs=["127.0.0.0/8"], allowed_ports=[port])


async def test_private_target_fails_without_connecting(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    dispatcher = make_dispatcher(deliveries, policy=CLOSED, sleep=recording_sleep)
    delivery = await send(dispatcher, receiver.url())
    assert receiver.connections == 0
    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.attempts, saved.response_code) == ("failed", 1, None)
    assert saved.last_error is not None and "private network" in saved.last_error
    assert recording_sleep.delays == []  # a refused target is not retried


async def test_allow_private_networks_setting_relaxes_the_policy(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    settings = WebhookSettings(allow_private_networks=True, allow_http=True)
    dispatcher = make_dispatcher(deliveries, policy=CLOSED, settings=settings)
    delivery = await send(dispatcher, receiver.url())
    assert len(receiver.received) == 1
    assert (await stored(deliveries, delivery.id)).status == "delivered"


async def test_plain_http_needs_allow_http_or_development(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    https_only = WebhookSettings()
    dispatcher = make_dispatcher(deliveries, settings=https_only)
    refused = await send(dispatcher, receiver.url())
    assert receiver.connections == 0
    assert (await stored(deliveries, refused.id)).last_error == "webhook_url must be an https URL"

    development = make_dispatcher(deliveries, policy=CLOSED, settings=https_only, development=True)
    for host in ("127.0.0.1", "localhost"):
        delivery = await send(development, receiver.url(host=host))
        assert (await stored(deliveries, delivery.id)).status == "delivered"
    assert len(receiver.received) == 2


async def test_connection_is_pinned_to_the_checked_address(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    resolver = ScriptedResolver(["127.0.0.1"])
    dispatcher = make_dispatcher(deliveries, policy=loopback_only(receiver.port), resolver=resolver)
    delivery = await send(dispatcher, receiver.url(host=HOOK_HOST))
    assert resolver.questions == [(HOOK_HOST, receiver.port)]
    [request] = receiver.received
    assert request.headers["host"] == f"{HOOK_HOST}:{receiver.port}"
    assert (await stored(deliveries, delivery.id)).status == "delivered"


async def test_every_resolved_address_is_checked(
    receiver: Receiver, deliveries: WebhookDeliveryRepository
) -> None:
    resolver = ScriptedResolver(["127.0.0.1", "10.1.2.3"])
    dispatcher = make_dispatcher(deliveries, policy=loopback_only(receiver.port), resolver=resolver)
    delivery = await send(dispatcher, receiver.url(host=HOOK_HOST))
    assert receiver.connections == 0
    assert (await stored(deliveries, delivery.id)).status == "failed"


async def test_each_attempt_resolves_and_checks_again(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    receiver.default = Answer(500)
    resolver = ScriptedResolver(["127.0.0.1"], ["169.254.169.254"])
    dispatcher = make_dispatcher(
        deliveries, policy=loopback_only(receiver.port), resolver=resolver, sleep=recording_sleep
    )
    delivery = await send(dispatcher, receiver.url(host=HOOK_HOST))
    assert len(resolver.questions) == 2
    assert len(receiver.received) == 1  # the rebound second answer never gets a connection
    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.attempts) == ("failed", 2)


async def test_resolution_failure_is_retried(
    receiver: Receiver, deliveries: WebhookDeliveryRepository, recording_sleep: RecordingSleep
) -> None:
    resolver = ScriptedResolver([], ["127.0.0.1"])
    dispatcher = make_dispatcher(
        deliveries, policy=loopback_only(receiver.port), resolver=resolver, sleep=recording_sleep
    )
    delivery = await send(dispatcher, receiver.url(host=HOOK_HOST))
    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.attempts) == ("delivered", 2)
    assert len(recording_sleep.delays) == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/hook",
        "https://10.0.0.1/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://0x7f.1/hook",
        "https://localhost/hook",
        "https://hooks.example.org:22/hook",
    ],
)
async def test_refused_targets(url: str) -> None:
    rules = WebhookTargetRules(CLOSED)
    with pytest.raises(URLNotAllowed):
        await resolve_target(url, rules, ScriptedResolver(["93.184.215.14"]))


@pytest.mark.parametrize("url", ["ftp://example.org/x", "http://example.org/x", "not a url"])
async def test_invalid_schemes(url: str) -> None:
    with pytest.raises(InvalidURL):
        await resolve_target(url, WebhookTargetRules(CLOSED), ScriptedResolver(["93.184.215.14"]))


async def test_metadata_address_is_refused_even_in_development() -> None:
    rules = WebhookTargetRules(NetPolicy(allow_private=True), development=True)
    with pytest.raises(URLNotAllowed):
        await resolve_target("https://169.254.169.254/", rules, ScriptedResolver([]))


async def test_development_localhost_must_resolve_to_loopback() -> None:
    rules = WebhookTargetRules(CLOSED, development=True)
    with pytest.raises(URLNotAllowed):
        await resolve_target("http://localhost:3000/", rules, ScriptedResolver(["10.0.0.7"]))
    target = await resolve_target("http://localhost:3000/", rules, ScriptedResolver(["::1"]))
    assert str(target.address) == "::1"


async def test_public_target_is_pinned_to_the_first_address() -> None:
    resolver = ScriptedResolver(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
    target = await resolve_target(f"https://{HOOK_HOST}/x", WebhookTargetRules(CLOSED), resolver)
    assert str(target.address) == "93.184.215.14"
    assert target.url.host == HOOK_HOST
