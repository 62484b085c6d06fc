"""The three HTTP tiers: what differs is the client stack and the headers it presents."""

from __future__ import annotations

from scrapegate.domain.tiers import Tier
from scrapegate.fetchers.base import FetchRequest, FetchResponse
from scrapegate.fetchers.curl_transport import CurlTransport
from scrapegate.fetchers.exchange import FetchLoop, HopTransport
from scrapegate.fetchers.httpx_transport import HttpxTransport
from scrapegate.fetchers.profiles import (
    ALL_ENCODINGS,
    HeaderProfile,
    chrome_headers,
    impersonation_headers,
    minimal_headers,
)
from scrapegate.fetchers.resolve import HostResolver, system_resolver

STEALTH_IMPERSONATE = "chrome"  # curl_cffi maps this to its newest Chrome fingerprint


class _TierFetcher:
    tier: Tier
    engine_name: str

    def __init__(
        self,
        transport: HopTransport,
        profile: HeaderProfile,
        resolver: HostResolver,
        keep_cookies: bool,
    ) -> None:
        self._transport = transport
        self._loop = FetchLoop(transport, profile, resolver, keep_cookies)

    async def fetch(self, request: FetchRequest) -> FetchResponse:
        return await self._loop.run(request)

    async def aclose(self) -> None:
        await self._transport.aclose()


class CurlFetcher(_TierFetcher):
    """Tier 1: plain HTTP/1.1 libcurl, identifiable user agent, no cookie jar."""

    tier = Tier.CURL
    engine_name = "curl_cffi"

    def __init__(
        self, contact_url: str | None = None, resolver: HostResolver = system_resolver
    ) -> None:
        transport = CurlTransport(
            impersonate=None, http_version="v1", accept_encoding=ALL_ENCODINGS
        )
        super().__init__(transport, minimal_headers(contact_url), resolver, keep_cookies=False)


class HttpxFetcher(_TierFetcher):
    """Tier 2: httpx with HTTP/2, Chrome's ordered header set and a per-fetch cookie jar."""

    tier = Tier.HTTP
    engine_name = "httpx"

    def __init__(self, resolver: HostResolver = system_resolver) -> None:
        super().__init__(HttpxTransport(), chrome_headers(), resolver, keep_cookies=True)


class StealthFetcher(_TierFetcher):
    """Tier 3: curl_cffi impersonating current Chrome (TLS, HTTP/2 and client hints)."""

    tier = Tier.STEALTH
    engine_name = "curl_cffi-impersonate"

    def __init__(self, resolver: HostResolver = system_resolver) -> None:
        # HTTP/2 over TLS only: browsers never send the h2c Upgrade curl uses for http:// URLs.
        transport = CurlTransport(
            impersonate=STEALTH_IMPERSONATE, http_version="v2tls", accept_encoding=ALL_ENCODINGS
        )
        super().__init__(transport, impersonation_headers(), resolver, keep_cookies=True)
