"""The main document: going to it, reading its response, and naming why it failed."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Request, Response
from playwright.async_api import TimeoutError as PlaywrightTimeout

from scrapegate.domain.netrules import PRIVATE_DETAIL
from scrapegate.domain.scrape_result import RedirectHop
from scrapegate.errors import URLNotAllowed
from scrapegate.fetchers.base import MAX_REDIRECTS, FetchError, FetchFailure
from scrapegate.fetchers.browser.egress import EgressProxy
from scrapegate.fetchers.browser.guard import RequestGuard
from scrapegate.fetchers.exchange import fold_headers

# Chromium's net error names -> the spec's details.cause.
_NET_ERRORS: tuple[tuple[str, FetchFailure], ...] = (
    ("ERR_NAME_NOT_RESOLVED", "dns_error"),
    ("ERR_NAME_RESOLUTION_FAILED", "dns_error"),
    ("ERR_CONNECTION_REFUSED", "connection_refused"),
    ("ERR_ADDRESS_UNREACHABLE", "connection_refused"),
    ("ERR_CONNECTION_RESET", "connection_reset"),
    ("ERR_CONNECTION_CLOSED", "connection_reset"),
    ("ERR_CONNECTION_ABORTED", "connection_reset"),
    ("ERR_TIMED_OUT", "timeout"),
    ("ERR_CONNECTION_TIMED_OUT", "timeout"),
    ("ERR_SSL", "tls_error"),
    ("ERR_CERT", "tls_error"),
    ("ERR_TOO_MANY_REDIRECTS", "too_many_redirects"),
    ("ERR_UNSAFE_REDIRECT", "invalid_redirect"),
    ("ERR_INVALID_REDIRECT", "invalid_redirect"),
    ("ERR_HTTP2", "protocol_error"),
    ("ERR_QUIC", "protocol_error"),
    ("ERR_EMPTY_RESPONSE", "invalid_response"),
    ("ERR_INVALID_HTTP_RESPONSE", "invalid_response"),
    ("ERR_INVALID_RESPONSE", "invalid_response"),
    ("ERR_CONTENT_LENGTH_MISMATCH", "connection_reset"),
    ("ERR_INCOMPLETE_CHUNKED_ENCODING", "connection_reset"),
)
_PROXY_ERRORS = ("ERR_SOCKS_CONNECTION", "ERR_PROXY_CONNECTION", "ERR_TUNNEL_CONNECTION")


class MainFrameTracker:
    """Remembers the last top-level navigation request (redirect hops included)."""

    def __init__(self, page: Page, first_url: str) -> None:
        self.last_url = first_url
        page.on("request", self._on_request)

    def _on_request(self, request: Request) -> None:
        try:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                self.last_url = request.url
        except PlaywrightError:
            return


def refused_error() -> URLNotAllowed:
    return URLNotAllowed(PRIVATE_DETAIL, {"field": "url", "reason": "private_network"})


def navigation_failure(
    exc: PlaywrightError, guard: RequestGuard, egress: EgressProxy, last_url: str
) -> Exception:
    """The exception a failed ``page.goto`` stands for: URLNotAllowed or a FetchError."""
    if guard.main_refused is not None:
        return refused_error()
    if isinstance(exc, PlaywrightTimeout):
        return FetchError("timeout", "The page did not load in time")
    message = exc.message
    host = (urlsplit(last_url).hostname or "").lower()
    if any(name in message for name in _PROXY_ERRORS) or "ERR_BLOCKED_BY_CLIENT" in message:
        cause = egress.failures.get(host, "connection_refused")
        if cause == "refused":
            return refused_error()
        return FetchError(_as_failure(cause), f"Could not connect to {host}")
    if guard.main_unresolved is not None:
        return FetchError("dns_error", f"Could not resolve host {host}")
    for marker, failure in _NET_ERRORS:
        if marker in message:
            return FetchError(failure, f"Navigation failed: {marker}")
    return FetchError("invalid_response", f"Navigation failed: {_first_line(message)}")


def _as_failure(cause: str) -> FetchFailure:
    for _, failure in _NET_ERRORS:
        if failure == cause:
            return failure
    return "connection_refused"


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "unknown error"


async def response_headers(response: Response) -> dict[str, str]:
    items = [(h["name"], h["value"]) for h in await response.headers_array()]
    return fold_headers(items)


async def redirect_chain(response: Response) -> list[RedirectHop]:
    """The hops before ``response``, oldest first, each with the status it answered."""
    hops: list[RedirectHop] = []
    request = response.request.redirected_from
    while request is not None and len(hops) <= MAX_REDIRECTS:
        earlier = await request.response()
        hops.append(RedirectHop(url=request.url, status_code=earlier.status if earlier else 302))
        request = request.redirected_from
    hops.reverse()
    return hops
