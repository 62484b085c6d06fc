"""Tiers 1-3: the code that talks to target sites over plain HTTP(S); also the SearXNG client."""

from __future__ import annotations

from scrapegate.domain.tiers import Tier
from scrapegate.fetchers.base import (
    HARD_MAX_RESPONSE_BYTES,
    MAX_REDIRECTS,
    Fetcher,
    FetchError,
    FetchFailure,
    FetchRequest,
    FetchResponse,
)
from scrapegate.fetchers.decode import decode_html
from scrapegate.fetchers.profiles import identifying_user_agent
from scrapegate.fetchers.resolve import HostResolver, system_resolver
from scrapegate.fetchers.tiers import CurlFetcher, HttpxFetcher, StealthFetcher

__all__ = [
    "HARD_MAX_RESPONSE_BYTES",
    "MAX_REDIRECTS",
    "CurlFetcher",
    "FetchError",
    "FetchFailure",
    "FetchRequest",
    "FetchResponse",
    "Fetcher",
    "HostResolver",
    "HttpxFetcher",
    "StealthFetcher",
    "build_fetchers",
    "decode_html",
    "identifying_user_agent",
    "system_resolver",
]


def build_fetchers(
    contact_url: str | None, resolver: HostResolver = system_resolver
) -> dict[Tier, Fetcher]:
    """One fetcher per HTTP tier; close them with ``aclose()`` on shutdown."""
    return {
        Tier.CURL: CurlFetcher(contact_url, resolver),
        Tier.HTTP: HttpxFetcher(resolver),
        Tier.STEALTH: StealthFetcher(resolver),
    }
