"""Where a webhook attempt may connect: scheme and SSRF checks, DNS resolution, address pinning.

Every attempt resolves the host again, checks every address it gets, and connects to the first
checked address, so a DNS answer that changes between the check and the connection (rebinding)
cannot reach a forbidden network.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from scrapegate.domain.netrules import (
    IPAddress,
    NetPolicy,
    check_address,
    check_host,
    parse_ip_literal,
)
from scrapegate.errors import InvalidURL

Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

FIELD = "webhook_url"
# Development mode always admits these hosts over http.
DEVELOPMENT_HOSTS = frozenset({"localhost", "127.0.0.1"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class WebhookTargetRules:
    policy: NetPolicy
    allow_http: bool = False
    development: bool = False


@dataclass(frozen=True)
class CheckedTarget:
    url: httpx.URL
    address: IPAddress


async def resolve_system(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver returns for ``host``, in its order, without repeats."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = parse_ip_literal(str(sockaddr[0]))
        if address is not None and address not in addresses:
            addresses.append(address)
    return addresses


def _parse(url: str, rules: WebhookTargetRules) -> tuple[httpx.URL, bool]:
    """The URL and whether it names a development host; raises InvalidURL for bad schemes."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise InvalidURL("webhook_url is not a valid URL", field=FIELD) from None
    if parsed.scheme not in _DEFAULT_PORTS or not parsed.host:
        raise InvalidURL("webhook_url must be an https URL", field=FIELD)
    development_host = rules.development and parsed.host.lower() in DEVELOPMENT_HOSTS
    if parsed.scheme == "http" and not (rules.allow_http or development_host):
        raise InvalidURL("webhook_url must be an https URL", field=FIELD)
    return parsed, development_host


def _check_resolved(addresses: list[IPAddress], policy: NetPolicy, loopback_ok: bool) -> None:
    if not addresses:
        raise OSError("the webhook host resolved to no address")
    for address in addresses:
        if loopback_ok and address.is_loopback:
            continue
        check_address(address, policy, FIELD)


async def resolve_target(
    url: str, rules: WebhookTargetRules, resolver: Resolver = resolve_system
) -> CheckedTarget:
    """Check ``url`` and pick the address to connect to.

    Raises InvalidURL or URLNotAllowed (final), or OSError when resolution fails (retryable).
    """
    parsed, development_host = _parse(url, rules)
    host = parsed.host
    port = parsed.port or _DEFAULT_PORTS[parsed.scheme]
    host_policy = rules.policy
    if development_host:
        # Development admits localhost on any port; resolved addresses must still be loopback.
        host_policy = NetPolicy(allow_private=True, deny_hosts=rules.policy.deny_hosts)
    check_host(host, port, host_policy, FIELD)
    literal = parse_ip_literal(host)
    addresses = [literal] if literal is not None else await resolver(host, port)
    _check_resolved(addresses, rules.policy, loopback_ok=development_host)
    return CheckedTarget(url=parsed, address=addresses[0])


class PinnedTransport(httpx.AsyncBaseTransport):
    """Connects to one checked address; the Host header and TLS SNI keep the URL's name.

    One transport serves one attempt, so a pooled connection verified for one name is never
    reused for another name that shares the address.
    """

    def __init__(self, address: IPAddress, ssl_context: ssl.SSLContext) -> None:
        self._address = address
        self._inner = httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False, retries=0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        name = request.url.host
        if request.url.scheme == "https" and parse_ip_literal(name) is None:
            request.extensions = {**request.extensions, "sni_hostname": name}
        request.url = request.url.copy_with(host=str(self._address))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
