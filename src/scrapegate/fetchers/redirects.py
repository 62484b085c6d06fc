"""Redirect rules (hop limit, scheme and address checks on every hop), applied by our own loop
(clients never follow)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from scrapegate.fetchers.base import FetchError

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

# Headers that must not follow a redirect to another host.
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
# Headers that describe a body, dropped when a redirect turns the request into a body-less GET.
BODY_HEADERS = frozenset({"content-type", "content-encoding", "content-language"})


@dataclass(frozen=True)
class NextRequest:
    url: str
    method: str
    body: bytes | None


def redirect_location(status_code: int, headers: list[tuple[str, str]]) -> str | None:
    """The Location of a redirect response, or None when the response is final."""
    if status_code not in REDIRECT_STATUSES:
        return None
    for name, value in headers:
        if name.lower() == "location" and value.strip():
            return value.strip()
    return None


def follow(
    current_url: str, status_code: int, location: str, method: str, body: bytes | None
) -> NextRequest:
    """The request a redirect leads to. 303, and 301/302 after POST, become a GET without body."""
    target = urljoin(current_url, location)
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("invalid_redirect", f"Redirect to a {scheme or 'relative'} URL")
    if (status_code == 303 and method != "HEAD") or (
        status_code in (301, 302) and method == "POST"
    ):
        return NextRequest(url=target, method="GET", body=None)
    return NextRequest(url=target, method=method, body=body)
