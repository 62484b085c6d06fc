"""Hops over httpx (HTTP/2): connections go to the pinned address; Host and SNI unchanged."""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from scrapegate.fetchers.base import FetchError, FetchFailure
from scrapegate.fetchers.exchange import HopRequest

# (host, port) -> checked address, set around each send: the connect happens in that task.
_PINNED: ContextVar[dict[tuple[str, int], str] | None] = ContextVar("pinned", default=None)


class PinnedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Connects to the address our resolver checked instead of resolving the name again."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        pinned = _PINNED.get() or {}
        address = pinned.get((host.lower().strip("[]"), port))
        if address is None:
            raise httpcore.ConnectError("no checked address for this host")
        return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not scraped")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _PinnedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, verify: bool) -> None:
        super().__init__(verify=verify, http2=True, trust_env=False)
        # The stock pool resolves names itself; ours must use the checked address.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            http1=True,
            http2=True,
            network_backend=PinnedNetworkBackend(),
        )


def _environment_proxy(url: str, host: str) -> str | None:
    """HTTP(S)_PROXY / NO_PROXY, honoured when no proxy pool is configured."""
    proxies = urllib.request.getproxies_environment()
    scheme = url.split(":", 1)[0]
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    return proxy


def httpx_failure(exc: httpx.HTTPError) -> FetchError:
    cause: FetchFailure
    if isinstance(exc, httpx.TimeoutException):
        cause = "timeout"
    elif isinstance(exc, httpx.ConnectError):
        cause = "tls_error" if _caused_by_ssl(exc) else "connection_refused"
    elif isinstance(exc, httpx.ProxyError):
        cause = "connection_refused"
    elif isinstance(exc, httpx.RemoteProtocolError):
        text = str(exc).lower()
        # Same words as curl's "empty reply" / "partial file": the peer hung up on us.
        cut_short = any(s in text for s in ("peer closed", "incomplete", "disconnected"))
        cause = "connection_reset" if cut_short else "protocol_error"
    elif isinstance(exc, httpx.ProtocolError):
        cause = "protocol_error"
    elif isinstance(exc, httpx.DecodingError):
        cause = "invalid_response"
    elif isinstance(exc, httpx.NetworkError):
        cause = "connection_reset"
    else:
        cause = "invalid_response"
    return FetchError(cause, f"Fetch failed ({cause.replace('_', ' ')})")


def _caused_by_ssl(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError) or "ssl" in type(seen).__name__.lower():
            return True
        if "certificate" in str(seen).lower() or "handshake" in str(seen).lower():
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class _HttpxHopResponse:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status_code: int = response.status_code
        self.header_items: list[tuple[str, str]] = list(response.headers.multi_items())

    async def body_chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_bytes():
                yield chunk
        except httpx.HTTPError as exc:
            raise httpx_failure(exc) from exc


class HttpxTransport:
    """One long-lived connection pool per (proxy, TLS verification) pair.

    Requests go straight to the httpx transport: the client layer would add redirect, cookie
    and auth handling that our loop owns (and it chokes on Locations we must report instead).
    """

    def __init__(self) -> None:
        self._pools: dict[tuple[str | None, bool], httpx.AsyncHTTPTransport] = {}

    def _pool(self, proxy: str | None, verify: bool) -> httpx.AsyncHTTPTransport:
        key = (proxy, verify)
        pool = self._pools.get(key)
        if pool is None:
            pool = (
                _PinnedTransport(verify)
                if proxy is None
                else httpx.AsyncHTTPTransport(verify=verify, http2=True, proxy=proxy)
            )
            self._pools[key] = pool
        return pool

    @asynccontextmanager
    async def open(self, hop: HopRequest) -> AsyncIterator[_HttpxHopResponse]:
        target = hop.target
        proxy = _environment_proxy(target.url, target.host)
        pool = self._pool(proxy, hop.verify_tls)
        try:
            request = httpx.Request(hop.method, target.url, headers=hop.headers, content=hop.body)
        except httpx.InvalidURL as exc:
            raise FetchError("invalid_redirect", "Redirect to an invalid URL") from exc
        request.extensions["timeout"] = httpx.Timeout(hop.timeout_s).as_dict()
        token = _PINNED.set({(target.host, target.port): target.address})
        try:
            response = await pool.handle_async_request(request)
        except httpx.HTTPError as exc:
            raise httpx_failure(exc) from exc
        finally:
            _PINNED.reset(token)
        try:
            yield _HttpxHopResponse(response)
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            await pool.aclose()
