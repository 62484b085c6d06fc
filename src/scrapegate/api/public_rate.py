"""Public routes: optional credentials, checked when sent, and a request
budget per client IP, one bucket per route family at the rate its spec row names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request

from scrapegate.api.auth import authenticate, client_ip, credential_from
from scrapegate.api.services import services_of
from scrapegate.domain.principal import Principal
from scrapegate.errors import RateLimited

PUBLIC_RPM = 60


def per_ip_public_access(
    bucket: str, rpm: int = PUBLIC_RPM
) -> Callable[[Request], Awaitable[Principal | None]]:
    """A dependency answering the caller's principal when credentials were sent, else None."""

    async def dependency(request: Request) -> Principal | None:
        who = await authenticate(request) if credential_from(request) is not None else None
        limiter = services_of(request).rate_limiter
        decision = await limiter.hit(f"ip:{client_ip(request)}:{bucket}", rpm, 1)
        request.state.extra_headers = {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": str(decision.reset_at),
        }
        if not decision.allowed:
            raise RateLimited(
                "Rate limit exceeded; slow down.",
                decision.retry_after,
                {"retry_after": decision.retry_after, "limit": decision.limit},
            )
        return who

    return dependency
