"""Credentials, scopes and the per-credential request rate."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request

from scrapegate.accounts.ratelimit import (
    balance_headers,
    rate_limit_headers,
    request_cost,
    tier_for_balance,
)
from scrapegate.api.services import Services, services_of
from scrapegate.domain.principal import Principal
from scrapegate.errors import Forbidden, RateLimited, Unauthorized


def credential_from(request: Request, *, query_key: bool = False) -> str | None:
    """X-API-Key, then a bearer token; ``?api_key=`` only on streaming routes."""
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    auth = request.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if query_key:
        return request.query_params.get("api_key") or None
    return None


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def authenticate(
    request: Request, *, polling: bool = False, query_key: bool = False
) -> Principal:
    services = services_of(request)
    ip = client_ip(request)
    if not polling:
        wait = await services.failed_auth.blocked(ip)
        if wait:
            raise RateLimited("Too many failed authentications from this address", wait)
    try:
        who = await services.keys.authenticate(credential_from(request, query_key=query_key))
    except Unauthorized:
        await services.failed_auth.record_failure(ip)
        raise
    org_header = request.headers.get("x-organization-id")
    if org_header and org_header != who.org_id:
        raise Forbidden("X-Organization-Id does not match the API key's organization")
    request.state.principal = who
    return who


def _limits_for(services: Services, who: Principal, balance: int | None) -> tuple[int, int]:
    """(requests per minute, concurrent jobs) for this credential; ``balance`` when billing."""
    limits = services.settings.rate_limits
    if balance is not None:
        _, rpm, concurrency = tier_for_balance(balance)
    else:
        rpm, concurrency = limits.default_rpm, limits.default_concurrency
    return who.key.rpm_limit or rpm, concurrency


async def apply_rate_limit(request: Request, who: Principal, *, polling: bool = False) -> None:
    services = services_of(request)
    billing = services.settings.billing
    # One balance read serves both the balance tier's limits and the balance headers.
    balance = await services.storage.ledger.balance(who.org_id) if billing.enabled else None
    rpm, concurrency = _limits_for(services, who, balance)
    if polling:
        # Job polling has its own bucket: 20 requests/s per credential by default.
        poll_rpm = services.settings.rate_limits.job_poll_per_second * 60
        decision = await services.rate_limiter.hit(f"poll:{who.credential}", poll_rpm, 1)
    else:
        decision = await services.rate_limiter.hit(
            who.credential, rpm, request_cost(request.method)
        )
    running = await services.job_slots.current(who.org_id)
    headers = rate_limit_headers(decision, concurrency, running)
    if balance is not None:
        headers.update(
            balance_headers(balance, billing.warn_low_microcents, billing.warn_critical_microcents)
        )
    request.state.extra_headers = headers
    if not decision.allowed:
        raise RateLimited(
            "Rate limit exceeded; slow down.",
            decision.retry_after,
            {"retry_after": decision.retry_after, "limit": decision.limit},
        )


def require(scope: str, *, polling: bool = False) -> Callable[[Request], Awaitable[Principal]]:
    async def dependency(request: Request) -> Principal:
        who = await authenticate(request, polling=polling)
        if not who.has_scope(scope):
            raise Forbidden(f"This API key lacks the '{scope}' scope", {"required_scope": scope})
        await apply_rate_limit(request, who, polling=polling)
        return who

    return dependency
