"""The fetcher protocol: one implementation per tier, the only code that talks to target sites."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.scrape_model import Action
from scrapegate.domain.scrape_result import ActionResult, RedirectHop
from scrapegate.domain.tiers import Tier

HARD_MAX_RESPONSE_BYTES = 52_428_800
MAX_REDIRECTS = 10

FetchFailure = Literal[
    "dns_error",
    "connection_refused",
    "connection_reset",
    "timeout",
    "tls_error",
    "protocol_error",
    "too_many_redirects",
    "invalid_redirect",
    "invalid_response",
]


class FetchError(Exception):
    """The target gave no usable HTTP response. ``cause`` is the spec's details.cause."""

    def __init__(self, cause: FetchFailure, message: str) -> None:
        super().__init__(message)
        self.cause: FetchFailure = cause
        self.message = message


@dataclass(frozen=True)
class RenderOptions:
    """What a browser tier (3.5, 4) does beyond loading the page."""

    wait_until: str = "networkidle"  # domcontentloaded | load | networkidle
    wait_for: str | None = None  # CSS selector; not finding it is a warning, not an error
    wait_for_timeout_ms: int = 10_000
    actions: tuple[Action, ...] = ()  # validated actions, in order
    screenshot: bool = False
    full_page_screenshot: bool = True
    generate_pdf: bool = False
    scroll_to_load: bool = False
    scroll_count: int = 3
    include_iframes: bool = False
    flatten_shadow_dom: bool = False
    remove_cookie_banners: bool = True
    block_images: bool = False
    block_ads: bool = True
    mobile: bool = False
    viewport_width: int = 1366
    viewport_height: int = 768
    locale: str | None = None  # e.g. "de-DE", from location.language / country
    timezone_id: str | None = None  # e.g. "Europe/Berlin", from location.country
    allow_evaluate: bool = True


@dataclass(frozen=True)
class Artifact:
    """A binary output of a browser tier, stored by the caller (screenshot, PDF, snapshot)."""

    kind: str  # "screenshot", "pdf", "snapshot"
    content_type: str  # "image/png", "application/pdf", "text/html"
    data: bytes
    action_index: int | None = None  # set when an action produced it


@dataclass(frozen=True)
class FetchRequest:
    url: str
    policy: NetPolicy
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    cookies: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = 10.0
    # 0 means "no soft cap": the hard cap still applies.
    max_response_bytes: int = 5_242_880
    accept_language: str | None = None
    skip_tls_verification: bool = False
    render: RenderOptions | None = None  # browser tiers only; plain tiers ignore it


@dataclass
class FetchResponse:
    url: str  # final URL after redirects
    status_code: int
    headers: dict[str, str]  # lower-case names, repeats joined with ", ", set-cookie omitted
    body: bytes  # decompressed, cut at the response cap
    redirect_chain: list[RedirectHop] = field(default_factory=list)
    size_bytes: int = 0  # decompressed bytes received (before truncation when known)
    truncated: bool = False
    original_size: int | None = None  # Content-Length of the final response when it was sent
    elapsed_ms: int = 0
    # Browser tiers: what the page produced besides its HTML.
    artifacts: list[Artifact] = field(default_factory=list)
    action_results: list[ActionResult] | None = None
    render_warnings: list[str] = field(default_factory=list)  # e.g. wait_for selector not found

    @property
    def media_type(self) -> str | None:
        value = self.headers.get("content-type")
        if not value:
            return None
        return value.split(";", 1)[0].strip().lower() or None

    @property
    def header_charset(self) -> str | None:
        value = self.headers.get("content-type", "")
        for part in value.split(";")[1:]:
            name, _, raw = part.partition("=")
            if name.strip().lower() == "charset":
                return raw.strip().strip("\"'") or None
        return None


class Fetcher(Protocol):
    tier: Tier
    engine_name: str  # what ``details.attempts[].engine`` reports, e.g. "curl_cffi"

    async def fetch(self, request: FetchRequest) -> FetchResponse:
        """Fetch with redirects (at most ``MAX_REDIRECTS``), every hop and every resolved address
        checked against ``request.policy``. Raises ``FetchError`` for network failures and
        ``scrapegate.errors.URLNotAllowed`` for refused targets."""
        ...

    async def aclose(self) -> None: ...
