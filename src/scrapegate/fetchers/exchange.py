"""The fetch loop every tier shares: pin, send, follow redirects, read a capped body."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Protocol

from scrapegate.domain.scrape_result import RedirectHop
from scrapegate.fetchers.base import (
    HARD_MAX_RESPONSE_BYTES,
    MAX_REDIRECTS,
    FetchError,
    FetchRequest,
    FetchResponse,
)
from scrapegate.fetchers.cookies import RedirectCookieJar, cookie_header
from scrapegate.fetchers.profiles import HeaderList, HeaderProfile, merge_headers
from scrapegate.fetchers.redirects import (
    BODY_HEADERS,
    CREDENTIAL_HEADERS,
    follow,
    redirect_location,
)
from scrapegate.fetchers.resolve import HostResolver, PinnedTarget, pin_target


@dataclass(frozen=True)
class HopRequest:
    """One HTTP request of a fetch, to be sent to ``target.address`` only."""

    target: PinnedTarget
    method: str
    headers: HeaderList
    body: bytes | None
    timeout_s: float
    verify_tls: bool


class HopResponse(Protocol):
    status_code: int
    header_items: list[tuple[str, str]]

    def body_chunks(self) -> AsyncIterator[bytes]:
        """Decompressed body chunks; library errors are raised as ``FetchError``."""
        ...


class HopTransport(Protocol):
    def open(self, hop: HopRequest) -> AbstractAsyncContextManager[HopResponse]:
        """Send the request and yield the response once its headers arrived."""
        ...

    async def aclose(self) -> None: ...


@dataclass
class _HopState:
    url: str
    method: str
    body: bytes | None
    chain: list[RedirectHop] = field(default_factory=list)
    origin_host: str | None = None  # host of the first hop: caller credentials go there only


def fold_headers(items: list[tuple[str, str]]) -> dict[str, str]:
    """Lower-case names, repeats joined with ", ", Set-Cookie left out."""
    folded: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        if key == "set-cookie":
            continue
        folded[key] = f"{folded[key]}, {value}" if key in folded else value
    return folded


def response_cap(max_response_bytes: int) -> int:
    if max_response_bytes <= 0:
        return HARD_MAX_RESPONSE_BYTES
    return min(max_response_bytes, HARD_MAX_RESPONSE_BYTES)


class FetchLoop:
    """Runs one ``FetchRequest`` over a tier's transport, with the redirect and SSRF rules."""

    def __init__(
        self,
        transport: HopTransport,
        profile: HeaderProfile,
        resolver: HostResolver,
        keep_cookies: bool,
    ) -> None:
        self._transport = transport
        self._profile = profile
        self._resolver = resolver
        self._keep_cookies = keep_cookies

    async def run(self, request: FetchRequest) -> FetchResponse:
        started = time.monotonic()
        try:
            async with asyncio.timeout(request.timeout_s):
                response = await self._follow(request, started)
        except TimeoutError as exc:
            raise FetchError(
                "timeout", f"No complete response within {request.timeout_s:g} s"
            ) from exc
        response.elapsed_ms = int((time.monotonic() - started) * 1000)
        return response

    async def _follow(self, request: FetchRequest, started: float) -> FetchResponse:
        state = _HopState(url=request.url, method=request.method.upper(), body=request.body)
        jar = RedirectCookieJar()
        while True:
            target = await pin_target(state.url, request.policy, self._resolver)
            state.origin_host = state.origin_host or target.host
            hop = HopRequest(
                target=target,
                method=state.method,
                headers=self._hop_headers(request, target, state, jar),
                body=state.body,
                timeout_s=max(0.1, request.timeout_s - (time.monotonic() - started)),
                verify_tls=not request.skip_tls_verification,
            )
            async with self._transport.open(hop) as response:
                if self._keep_cookies:
                    set_cookies = [v for n, v in response.header_items if n.lower() == "set-cookie"]
                    jar.store(target.url, set_cookies)
                location = redirect_location(response.status_code, response.header_items)
                if location is None:
                    return await _read_final(response, target.url, state.chain, request)
                status = response.status_code
            state.chain.append(RedirectHop(url=target.url, status_code=status))
            if len(state.chain) > MAX_REDIRECTS:
                raise FetchError("too_many_redirects", f"More than {MAX_REDIRECTS} redirects")
            following = follow(target.url, status, location, state.method, state.body)
            state.url, state.method, state.body = following.url, following.method, following.body

    def _hop_headers(
        self,
        request: FetchRequest,
        target: PinnedTarget,
        state: _HopState,
        jar: RedirectCookieJar,
    ) -> HeaderList:
        caller = dict(request.headers)
        same_origin_host = target.host == state.origin_host
        drop = set() if same_origin_host else set(CREDENTIAL_HEADERS)
        if state.body is None and state.method in ("GET", "HEAD"):
            drop |= BODY_HEADERS
        caller = {name: value for name, value in caller.items() if name.lower() not in drop}
        if state.body is not None and not any(n.lower() == "content-type" for n in caller):
            caller["Content-Type"] = "application/json"
        cookies = [jar.header_for(target.url)]
        if same_origin_host:
            cookies.append(cookie_header(dict(request.cookies)))
        cookies += [caller.pop(name) for name in list(caller) if name.lower() == "cookie"]
        cookie_value = "; ".join(c for c in cookies if c)
        if cookie_value:
            caller["Cookie"] = cookie_value
        base = self._profile(target.secure, request.accept_language)
        return merge_headers(base, caller)


async def _read_final(
    response: HopResponse, url: str, chain: list[RedirectHop], request: FetchRequest
) -> FetchResponse:
    headers = fold_headers(response.header_items)
    cap = response_cap(request.max_response_bytes)
    parts: list[bytes] = []
    received = 0
    truncated = False
    async for chunk in response.body_chunks():
        received += len(chunk)
        parts.append(chunk)
        if received >= cap:
            truncated = received > cap or _more_expected(headers, received)
            break
    body = b"".join(parts)
    if truncated:
        body = body[:cap]
    return FetchResponse(
        url=url,
        status_code=response.status_code,
        headers=headers,
        body=body,
        redirect_chain=list(chain),
        size_bytes=received,
        truncated=truncated,
        original_size=_content_length(headers),
    )


def _content_length(headers: dict[str, str]) -> int | None:
    raw = headers.get("content-length", "").split(",")[0].strip()
    return int(raw) if raw.isdigit() else None


def _more_expected(headers: dict[str, str], received: int) -> bool:
    """At exactly the cap, the body is cut unless the server said that was all of it."""
    length = _content_length(headers)
    encoded = headers.get("content-encoding", "identity").lower() not in ("", "identity")
    return encoded or length is None or length > received
