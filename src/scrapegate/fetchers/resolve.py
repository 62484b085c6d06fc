"""Resolve a hop's host once, check every address, and pin the connection to a checked one."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

from scrapegate.domain.netrules import (
    IPAddress,
    NetPolicy,
    check_address,
    check_host,
    parse_ip_literal,
)
from scrapegate.fetchers.base import FetchError

HostResolver = Callable[[str, int], Awaitable[list[IPAddress]]]

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class PinnedTarget:
    """Where one hop goes: the URL as sent, its host and port, and the checked address to use."""

    url: str
    host: str
    port: int
    address: str
    secure: bool


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver returns for ``host`` (asyncio getaddrinfo)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError("dns_error", f"Could not resolve host {host}") from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def normalise_url(url: str) -> SplitResult:
    """Split ``url`` with an IDNA host and no fragment; non-http(s) is ``invalid_redirect``."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        raise FetchError("invalid_redirect", "Redirect to a URL that is not http(s)")
    host = parts.hostname
    if not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise FetchError("invalid_redirect", "Redirect to a URL with an invalid host") from exc
        parts = parts._replace(netloc=parts.netloc.replace(host, ascii_host))
        host = ascii_host
    literal = parse_ip_literal(host)
    if isinstance(literal, ipaddress.IPv4Address) and host != str(literal):
        # Browsers rewrite 2130706433 / 0x7f.1 / 127.1 to dotted quads; so do we.
        parts = parts._replace(netloc=_replace_host(parts.netloc, host, str(literal)))
    return parts._replace(scheme=parts.scheme.lower(), fragment="")


def _replace_host(netloc: str, host: str, new_host: str) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    start = hostport.lower().find(host.lower())
    hostport = hostport[:start] + new_host + hostport[start + len(host) :]
    return f"{userinfo}{at}{hostport}"


def url_port(parts: SplitResult) -> int:
    try:
        port = parts.port
    except ValueError as exc:
        raise FetchError("invalid_redirect", "Redirect to a URL with an invalid port") from exc
    return port if port is not None else _DEFAULT_PORTS[parts.scheme]


async def pin_target(url: str, policy: NetPolicy, resolver: HostResolver) -> PinnedTarget:
    """Apply the target-address rules (private ranges, ports, metadata addresses) to the URL
    and to every resolved address; pick one to connect to."""
    parts = normalise_url(url)
    host = (parts.hostname or "").lower()
    port = url_port(parts)
    check_host(host, port, policy)
    literal = parse_ip_literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        addresses = await resolver(host.rstrip("."), port)
        if not addresses:
            raise FetchError("dns_error", f"Host {host} has no address")
    for address in addresses:
        check_address(address, policy)
    return PinnedTarget(
        url=urlunsplit(parts),
        host=host,
        port=port,
        address=str(addresses[0]),
        secure=parts.scheme == "https",
    )
