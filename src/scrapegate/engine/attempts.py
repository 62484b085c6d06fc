"""One attempt at one tier: fetch, decode, classify (and convert, in the same task).

No decisions about what comes next."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from scrapegate.convert import Converted
from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.domain.tiers import Tier
from scrapegate.engine.classify import Classification, classify_response
from scrapegate.engine.conversion_task import PageAnalysis
from scrapegate.fetchers.base import (
    Fetcher,
    FetchError,
    FetchRequest,
    FetchResponse,
    RenderOptions,
)
from scrapegate.fetchers.browser import BrowserUnavailable
from scrapegate.fetchers.decode import decode_html

Outcome = Literal[
    "success",
    "challenge",
    "block",
    "js_shell",
    "thin_content",
    "rate_limited",
    "unavailable",
    "network_error",
    "dns_error",
    "timeout",
    "skipped",
]
# Classifies a decoded page and converts it if usable, off the event loop, in one parse.
PageAnalyser = Callable[[FetchResponse, str], Awaitable[PageAnalysis]]
TEXTUAL_PREFIXES = (
    "text/",
    "application/json",
    "application/xml",
    "application/xhtml",
    "application/rss",
    "application/atom",
    "application/ld+json",
)


@dataclass
class AttemptRecord:
    tier: Tier
    engine: str
    outcome: Outcome
    http_status: int | None = None
    error: str | None = None
    duration_ms: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.outcome == "success"

    def as_detail(self) -> dict[str, object]:
        return {
            "tier": self.tier.value,
            "engine": self.engine,
            "outcome": self.outcome,
            "http_status": self.http_status,
            "error": self.error,
            "duration_ms": self.duration_ms,
        }


@dataclass
class FetchedPage:
    response: FetchResponse
    tier: Tier
    engine: str
    text: str | None  # decoded body for textual types, None for binary ones
    classification: Classification
    converted: Converted | None = None  # converted with the classification (one parse)

    @property
    def is_html(self) -> bool:
        media = self.response.media_type
        if media in ("text/html", "application/xhtml+xml"):
            return True
        return media is None and self.text is not None and "<html" in self.text[:2048].lower()


@dataclass
class AttemptResult:
    record: AttemptRecord
    page: FetchedPage | None = None
    fetch_error: FetchError | None = None
    retry_after_s: float | None = None


def is_textual(response: FetchResponse) -> bool:
    media = response.media_type
    if media is None:
        return not response.body.startswith((b"%PDF-", b"\x89PNG", b"\xff\xd8", b"GIF8"))
    return media.startswith(TEXTUAL_PREFIXES) or media.endswith(("+xml", "+json"))


def build_fetch_request(
    req: ScrapeRequest, policy: NetPolicy, timeout_s: float, render: RenderOptions | None = None
) -> FetchRequest:
    body = req.body.encode() if req.body is not None else None
    headers = {**req.headers, **(req.advanced.session_headers or {})}
    if (
        body is not None
        and req.content_type
        and not any(k.lower() == "content-type" for k in headers)
    ):
        headers["Content-Type"] = req.content_type
    language = req.location.language if req.location else None
    return FetchRequest(
        url=req.url,
        policy=policy,
        method=req.method,
        headers=headers,
        body=body,
        cookies=dict(req.advanced.cookies or {}),
        timeout_s=timeout_s,
        max_response_bytes=req.max_response_bytes,
        accept_language=language,
        skip_tls_verification=req.advanced.skip_tls_verification,
        render=render,
    )


def _retry_after(response: FetchResponse) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


async def run_attempt(
    fetcher: Fetcher,
    req: ScrapeRequest,
    policy: NetPolicy,
    timeout_s: float,
    render: RenderOptions | None = None,
    analyse: PageAnalyser | None = None,
) -> AttemptResult:
    started = time.monotonic()
    record = AttemptRecord(tier=fetcher.tier, engine=fetcher.engine_name, outcome="success")
    try:
        response = await asyncio.wait_for(
            fetcher.fetch(build_fetch_request(req, policy, timeout_s, render)), timeout_s + 1
        )
    except (FetchError, TimeoutError, BrowserUnavailable) as exc:
        error = _as_fetch_error(exc)
        record.outcome = (
            "dns_error"
            if error.cause == "dns_error"
            else ("timeout" if error.cause == "timeout" else "network_error")
        )
        record.error = f"{error.cause}: {error.message}"
        record.duration_ms = int((time.monotonic() - started) * 1000)
        return AttemptResult(record=record, fetch_error=error)
    record.duration_ms = int((time.monotonic() - started) * 1000)
    record.http_status = response.status_code
    text = decode_html(response.body, response.header_charset)[0] if is_textual(response) else None
    verdict, converted = await _analysis(response, text, analyse)
    page = FetchedPage(response, fetcher.tier, fetcher.engine_name, text, verdict, converted)
    if verdict.kind != "ok":
        record.outcome = verdict.kind
        record.error = f"{_error_code(verdict.kind)}: {verdict.reason}"
    return AttemptResult(record=record, page=page, retry_after_s=_retry_after(response))


async def _analysis(
    response: FetchResponse, text: str | None, analyse: PageAnalyser | None
) -> tuple[Classification, Converted | None]:
    if text is None or analyse is None:  # binary: headers and status say all there is
        return classify_response(response.status_code, response.headers, text), None
    analysis = await analyse(response, text)
    return analysis.classification, analysis.converted


def _as_fetch_error(exc: Exception) -> FetchError:
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, BrowserUnavailable):  # Chromium would not start: try the next tier
        return FetchError("protocol_error", f"browser unavailable: {exc}")
    return FetchError("timeout", "attempt timed out")


def _error_code(kind: str) -> str:
    return {
        "challenge": "CHALLENGE_DETECTED",
        "block": "BLOCKED_BY_ANTIBOT",
        "js_shell": "JS_SHELL",
        "rate_limited": "RATE_LIMITED",
        "unavailable": "UPSTREAM_UNAVAILABLE",
    }.get(kind, kind.upper())
