"""Hops over curl_cffi: one short-lived session per hop on a shared multi handle (shared pool)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any, Literal, cast

from curl_cffi import AsyncCurl, CurlError, CurlOpt
from curl_cffi.requests import AsyncSession, Response

from scrapegate.fetchers.base import FetchError, FetchFailure
from scrapegate.fetchers.exchange import HopRequest

# libcurl error codes (CURLcode) by the cause they report.
_CURL_CAUSES: dict[int, FetchFailure] = {
    5: "connection_refused",  # proxy name not resolved
    6: "dns_error",
    7: "connection_refused",
    8: "invalid_response",
    16: "protocol_error",
    18: "connection_reset",  # body shorter than announced
    28: "timeout",
    35: "tls_error",
    52: "connection_reset",  # empty reply
    55: "connection_reset",
    56: "connection_reset",
    58: "tls_error",
    59: "tls_error",
    60: "tls_error",
    61: "invalid_response",  # bad content encoding
    64: "tls_error",
    66: "tls_error",
    77: "tls_error",
    80: "tls_error",
    83: "tls_error",
    90: "tls_error",
    91: "tls_error",
    92: "protocol_error",
    95: "protocol_error",
    97: "connection_refused",  # proxy handshake failed
    98: "tls_error",
    100: "invalid_response",
}


def curl_failure(exc: CurlError) -> FetchError:
    code = int(getattr(exc, "code", 0) or 0)
    cause = _CURL_CAUSES.get(code, "invalid_response")
    return FetchError(cause, f"Fetch failed ({cause.replace('_', ' ')}, curl error {code})")


def _resolve_entry(hop: HopRequest) -> str:
    address = hop.target.address
    if ":" in address:
        address = f"[{address}]"
    return f"{hop.target.host}:{hop.target.port}:{address}"


class _CurlHopResponse:
    def __init__(self, response: Response) -> None:
        self._response = response
        self.status_code: int = int(response.status_code)
        self.header_items: list[tuple[str, str]] = [
            (str(name), str(value)) for name, value in response.headers.multi_items()
        ]

    async def body_chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_content():  # type: ignore[no-untyped-call]
                yield bytes(chunk)
        except CurlError as exc:
            raise curl_failure(exc) from exc


async def _abort_stream(response: Response) -> None:
    """Stop a transfer we no longer read (cap reached, error, deadline) without draining it."""
    if response.quit_now is not None:
        response.quit_now.set()
    task = cast("asyncio.Task[None] | None", response.astream_task)
    if task is not None and not task.done():
        task.cancel()
        await asyncio.wait([task])


class CurlTransport:
    """``impersonate`` None is plain libcurl; a browser name gives its TLS/HTTP2 fingerprint."""

    def __init__(
        self,
        *,
        impersonate: str | None,
        http_version: Literal["v1", "v2tls"] | None,
        accept_encoding: str | None,
    ) -> None:
        self._impersonate = impersonate
        self._http_version = http_version
        self._accept_encoding = accept_encoding
        self._multi: AsyncCurl | None = None
        self._multi_loop: asyncio.AbstractEventLoop | None = None

    def _shared_multi(self) -> AsyncCurl:
        loop = asyncio.get_running_loop()
        if self._multi is None or self._multi_loop is not loop:
            self._multi = AsyncCurl(loop=loop)
            self._multi_loop = loop
        return self._multi

    def _session(self, hop: HopRequest) -> AsyncSession[Response]:
        options: dict[CurlOpt, Any] = {CurlOpt.RESOLVE: [_resolve_entry(hop)]}
        return AsyncSession(
            async_curl=self._shared_multi(),
            max_clients=1,
            curl_options=options,
            allow_redirects=False,
            verify=hop.verify_tls,
            impersonate=self._impersonate,
            http_version=self._http_version,
            discard_cookies=True,
        )

    @asynccontextmanager
    async def open(self, hop: HopRequest) -> AsyncIterator[_CurlHopResponse]:
        session = self._session(hop)
        try:
            try:
                response = await session.request(
                    hop.method,  # type: ignore[arg-type]
                    hop.target.url,
                    headers=hop.headers,
                    content=hop.body,
                    timeout=hop.timeout_s,
                    allow_redirects=False,
                    accept_encoding=self._accept_encoding,
                    stream=True,
                    discard_cookies=True,
                    quote=False,
                )
            except CurlError as exc:
                raise curl_failure(exc) from exc
            try:
                yield _CurlHopResponse(response)
            finally:
                await _abort_stream(response)
        finally:
            with suppress(CurlError):
                await session.close()

    async def aclose(self) -> None:
        multi, self._multi = self._multi, None
        if multi is not None and self._multi_loop is asyncio.get_running_loop():
            await multi.close()  # type: ignore[no-untyped-call]
