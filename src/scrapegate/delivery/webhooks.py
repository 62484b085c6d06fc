"""Webhook delivery: signed POSTs sent in the background.

``enqueue`` stores a pending delivery and returns; a background task per delivery makes the
attempts, records each outcome on the stored delivery, and waits out the backoff between them.
A restarted process resumes stored pending deliveries with ``start``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import logging
import random
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import httpx

from scrapegate.config import WebhookSettings
from scrapegate.delivery.webhook_body import (
    EventData,
    build_body,
    encode_body,
    format_timestamp,
)
from scrapegate.delivery.webhook_signing import sign_v1, sign_v2
from scrapegate.delivery.webhook_target import (
    CheckedTarget,
    PinnedTransport,
    Resolver,
    WebhookTargetRules,
    resolve_system,
    resolve_target,
)
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.records import WebhookDelivery, new_id
from scrapegate.errors import Conflict, InvalidURL, URLNotAllowed
from scrapegate.storage.protocols import WebhookDeliveryRepository

__all__ = [
    "WebhookDispatcher",
    "build_body",
    "encode_body",
    "format_timestamp",
    "sign_v1",
    "sign_v2",
]

logger = logging.getLogger(__name__)

SecretResolver = Callable[[WebhookDelivery], Awaitable[str | None]]
DeliveryHook = Callable[[WebhookDelivery], Awaitable[None]]
FinalStatus = Literal["delivered", "failed"]

SNIPPET_BYTES = 1024
MAX_RETRY_AFTER_S = 300.0
BACKOFF_FACTOR = 4.0
JITTER = 0.2
RETRYABLE_STATUSES = frozenset({408, 429})


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a ``Retry-After`` header (number or HTTP date), capped at 300 s."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), MAX_RETRY_AFTER_S)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return min(max(0.0, moment.timestamp() - now), MAX_RETRY_AFTER_S)


@dataclass(frozen=True)
class AttemptResult:
    """One attempt: ``retry`` means another attempt may succeed."""

    delivered: bool
    retry: bool
    status_code: int | None = None
    snippet: str | None = None
    error: str | None = None
    retry_after: float | None = None


def classify_response(status: int, snippet: str, retry_after: float | None) -> AttemptResult:
    if 200 <= status < 300:
        return AttemptResult(delivered=True, retry=False, status_code=status, snippet=snippet)
    if 300 <= status < 400:
        error = f"HTTP {status}: redirects are not followed"
        return AttemptResult(False, False, status, snippet, error)
    retry = status in RETRYABLE_STATUSES or status >= 500
    wait = retry_after if status == 429 else None
    return AttemptResult(False, retry, status, snippet, f"HTTP {status}", wait)


def _refusal_text(exc: InvalidURL | URLNotAllowed) -> str:
    reason = (exc.details or {}).get("reason")
    if reason == "private_network":
        return "webhook_url resolves to a private network address"
    return exc.detail


async def _read_prefix(response: httpx.Response, limit: int) -> str:
    """The body's first ``limit`` bytes; a body that breaks off keeps what arrived."""
    collected = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            collected += chunk
            if len(collected) >= limit:
                break
    except httpx.RequestError as exc:
        logger.debug("webhook response body unreadable: %r", exc)
    return bytes(collected[:limit]).decode("utf-8", errors="replace")


DELIVERY_NAMESPACE = uuid.UUID("0c9e7f3a-2b1d-4e55-8a6f-9d3c2b1a0e77")


def delivery_id(job_id: str | None, event: str) -> str:
    """One delivery per job and event (replays find it); otherwise a fresh id."""
    if job_id is None:
        return new_id()
    return str(uuid.uuid5(DELIVERY_NAMESPACE, f"{job_id}:{event}"))


class WebhookDispatcher:
    def __init__(
        self,
        deliveries: WebhookDeliveryRepository,
        *,
        policy: NetPolicy,
        settings: WebhookSettings,
        development: bool,
        version: str,
        secret_resolver: SecretResolver | None = None,
        on_finished: DeliveryHook | None = None,
        resolver: Resolver = resolve_system,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_parallel: int = 32,
    ) -> None:
        if settings.allow_private_networks:
            policy = dataclasses.replace(policy, allow_private=True)
        self._rules = WebhookTargetRules(policy, settings.allow_http, development)
        self._deliveries = deliveries
        self._settings = settings
        self._user_agent = f"scrapegate-webhooks/{version}"
        self._secret_resolver = secret_resolver
        self._on_finished = on_finished
        self._resolver = resolver
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._sending = asyncio.Semaphore(max_parallel)
        self._ssl_context = ssl_context or httpx.create_ssl_context()
        self._secrets: dict[str, str] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._closed = False

    async def enqueue(
        self,
        *,
        org_id: str,
        url: str,
        secret: str,
        event: str,
        data: EventData,
        job_id: str | None = None,
    ) -> WebhookDelivery:
        """Store a pending delivery and send it in the background; never waits on the network."""
        now = datetime.fromtimestamp(self._clock(), UTC)
        body = build_body(event=event, org_id=org_id, data=data, created_at=now, job_id=job_id)
        delivery = WebhookDelivery(
            id=delivery_id(job_id, event),
            org_id=org_id,
            event=event,
            url=url,
            payload=dict(body),
            job_id=job_id,
            created_at=now,
            updated_at=now,
            next_attempt_at=now,
        )
        try:
            delivery = await self._deliveries.create(delivery)
        except Conflict:
            # This job's event was enqueued before (its effects are being replayed).
            return await self._deliveries.get(delivery.id) or delivery
        self._secrets[delivery.id] = secret
        # The background task updates its own copy; the caller keeps a snapshot.
        self._schedule(dataclasses.replace(delivery))
        return delivery

    async def start(self) -> None:
        """Resume the stored pending deliveries (after a restart)."""
        self._closed = False
        for delivery in await self._deliveries.list_pending():
            self._schedule(delivery)

    async def aclose(self) -> None:
        """Stop every background task; unfinished deliveries stay pending in the store."""
        self._closed = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    async def drain(self, timeout: float) -> None:
        """Wait until no delivery is in flight (retries included), at most ``timeout`` seconds."""
        try:
            async with asyncio.timeout(timeout):
                while pending := [t for t in self._tasks.values() if not t.done()]:
                    await asyncio.wait(pending)
        except TimeoutError:
            logger.warning("webhook drain timed out with %d deliveries in flight", len(self._tasks))

    @property
    def in_flight(self) -> int:
        return sum(1 for task in self._tasks.values() if not task.done())

    def _schedule(self, delivery: WebhookDelivery) -> None:
        if self._closed:
            logger.info("webhook dispatcher closed; delivery %s stays pending", delivery.id)
            return
        if delivery.id in self._tasks:
            return
        task = asyncio.create_task(self._run(delivery), name=f"webhook-delivery-{delivery.id}")
        self._tasks[delivery.id] = task
        task.add_done_callback(lambda done: self._forget(delivery.id, done))

    def _forget(self, delivery_id: str, task: asyncio.Task[None]) -> None:
        if self._tasks.get(delivery_id) is task:
            del self._tasks[delivery_id]

    async def _run(self, delivery: WebhookDelivery) -> None:
        try:
            secret = await self._secret_for(delivery)
            if secret is None:
                await self._finish(delivery, "failed", "the signing secret is no longer available")
                return
            await self._deliver(delivery, secret)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The delivery stays pending in the store and is resumed by the next start().
            logger.exception("webhook delivery %s stopped unexpectedly", delivery.id)

    async def _secret_for(self, delivery: WebhookDelivery) -> str | None:
        secret = self._secrets.get(delivery.id)
        if secret is None and self._secret_resolver is not None:
            secret = await self._secret_resolver(delivery)
        return secret

    async def _deliver(self, delivery: WebhookDelivery, secret: str) -> None:
        max_attempts = self._settings.max_attempts
        if delivery.attempts >= max_attempts:
            await self._finish(delivery, "failed", delivery.last_error or "no attempts left")
            return
        await self._wait_until(delivery.next_attempt_at)
        while True:
            result = await self._attempt(delivery, secret)
            self._record(delivery, result)
            if result.delivered or not result.retry or delivery.attempts >= max_attempts:
                await self._finish(delivery, "delivered" if result.delivered else "failed")
                return
            delay = self._next_delay(delivery.attempts + 1, result.retry_after)
            delivery.next_attempt_at = datetime.fromtimestamp(self._clock() + delay, UTC)
            await self._deliveries.save(delivery)
            await self._sleep(delay)

    async def _wait_until(self, moment: datetime | None) -> None:
        if moment is None:
            return
        delay = moment.timestamp() - self._clock()
        if delay > 0:
            await self._sleep(delay)

    def _next_delay(self, attempt: int, retry_after: float | None) -> float:
        """Wait before attempt ``attempt`` (≥ 2): Retry-After, else base × 4^(n−2) ± 20 %."""
        if retry_after is not None:
            return retry_after
        base = self._settings.backoff_base_s * BACKOFF_FACTOR ** (attempt - 2)
        return base * self._rng.uniform(1 - JITTER, 1 + JITTER)

    def _record(self, delivery: WebhookDelivery, result: AttemptResult) -> None:
        delivery.attempts += 1
        delivery.response_code = result.status_code
        delivery.response_snippet = result.snippet
        delivery.last_error = result.error
        delivery.updated_at = datetime.fromtimestamp(self._clock(), UTC)

    async def _finish(
        self, delivery: WebhookDelivery, status: FinalStatus, error: str | None = None
    ) -> None:
        delivery.status = status
        delivery.next_attempt_at = None
        if error is not None:
            delivery.last_error = error
        delivery.updated_at = datetime.fromtimestamp(self._clock(), UTC)
        await self._deliveries.save(delivery)
        self._secrets.pop(delivery.id, None)
        logger.info(
            "webhook %s %s to org %s: %s after %d attempt(s) (%s)",
            delivery.event,
            delivery.id,
            delivery.org_id,
            delivery.status,
            delivery.attempts,
            delivery.last_error or delivery.response_code,
        )
        if self._on_finished is not None:
            await self._on_finished(delivery)

    def _headers(
        self, delivery: WebhookDelivery, secret: str, body: bytes, attempt: int
    ) -> dict[str, str]:
        timestamp = int(self._clock())
        return {
            "Content-Type": "application/json",
            "User-Agent": self._user_agent,
            "X-Alterlab-Event": delivery.event,
            "X-Alterlab-Delivery": delivery.id,
            "X-Alterlab-Timestamp": str(timestamp),
            "X-Alterlab-Delivery-Attempt": str(attempt),
            "X-Alterlab-Signature": sign_v1(secret, body),
            "X-Alterlab-Signature-V2": sign_v2(secret, timestamp, delivery.id, body),
        }

    async def _attempt(self, delivery: WebhookDelivery, secret: str) -> AttemptResult:
        body = encode_body(delivery.payload)
        timeout = self._settings.timeout_s
        async with self._sending:
            # Signed once a sending slot is free, so the V2 timestamp is fresh.
            headers = self._headers(delivery, secret, body, delivery.attempts + 1)
            started = time.perf_counter()
            try:
                async with asyncio.timeout(timeout):
                    target = await resolve_target(delivery.url, self._rules, self._resolver)
                    result = await self._post(target, headers, body)
            except (InvalidURL, URLNotAllowed) as exc:
                return AttemptResult(delivered=False, retry=False, error=_refusal_text(exc))
            except (TimeoutError, httpx.TimeoutException):
                result = AttemptResult(False, True, error=f"timed out after {timeout:g} s")
            except (httpx.RequestError, OSError) as exc:
                result = AttemptResult(False, True, error=f"network error: {exc!r}"[:500])
        delivery.latency_ms = round((time.perf_counter() - started) * 1000)
        return result

    async def _post(
        self, target: CheckedTarget, headers: dict[str, str], body: bytes
    ) -> AttemptResult:
        transport = PinnedTransport(target.address, self._ssl_context)
        async with (
            httpx.AsyncClient(
                transport=transport,
                follow_redirects=False,
                trust_env=False,
                timeout=self._settings.timeout_s,
            ) as client,
            client.stream("POST", target.url, content=body, headers=headers) as response,
        ):
            snippet = await _read_prefix(response, SNIPPET_BYTES)
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock())
            return classify_response(response.status_code, snippet, retry_after)
