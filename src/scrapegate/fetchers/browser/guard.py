"""The SSRF rules for a browser scrape: its target up front, and per request when routed.

The egress proxy (egress.py) checks every connection Chromium opens; routing adds what needs the
request itself: blocked resource types and hosts, and the caller's headers for the target only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Route, WebSocketRoute
from playwright.async_api import Error as PlaywrightError

from scrapegate.domain.netrules import NetPolicy, address_block_reason, check_host, parse_ip_literal
from scrapegate.errors import URLNotAllowed
from scrapegate.fetchers.base import FetchError
from scrapegate.fetchers.browser.blocklists import host_listed
from scrapegate.fetchers.resolve import HostResolver, system_resolver

log = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_ANY_URL = re.compile(r".*")


@dataclass
class TrafficRules:
    """What a scrape's page may load besides what the SSRF policy refuses."""

    blocked_resource_types: frozenset[str] = frozenset()
    blocked_hosts: frozenset[str] = frozenset()
    target_host: str = ""
    target_headers: Mapping[str, str] = field(default_factory=dict)  # only sent to target_host


class RequestGuard:
    """Checks the target up front and, when installed, routes a context's traffic: refused
    hosts are aborted, blocked resources are skipped.

    ``main_refused`` records a refused top-level navigation so the fetcher can raise
    ``URLNotAllowed``; ``main_unresolved`` a top-level navigation whose host does not resolve.
    """

    def __init__(
        self,
        policy: NetPolicy,
        rules: TrafficRules,
        resolver: HostResolver = system_resolver,
    ) -> None:
        self.policy = policy
        self.rules = rules
        self._resolver = resolver
        self._verdicts: dict[tuple[str, int], str | None] = {}
        self.refused: list[str] = []
        self.main_refused: str | None = None
        self.main_unresolved: str | None = None

    @property
    def routes_requests(self) -> bool:
        """True when some rule needs a per-request decision (blocking, caller's headers)."""
        rules = self.rules
        return bool(rules.blocked_resource_types or rules.blocked_hosts or rules.target_headers)

    async def install(self, context: BrowserContext) -> None:
        """Routes the context's requests through us only when a rule needs it.

        The egress proxy checks every connection (redirects, subresources, WebSockets) against
        the policy either way; a route makes every request of the page cross into Python.
        """
        if not self.routes_requests:
            return
        await context.route(_ANY_URL, self._handle)
        await context.route_web_socket(_ANY_URL, self._handle_websocket)

    async def verdict(self, url: str) -> str | None:
        """None when ``url`` may be contacted, else ``"refused"`` or ``"unresolved"``."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in ("data", "blob", "about"):
            return None
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return "refused"
        try:
            port = parts.port or _DEFAULT_PORTS[scheme]
        except ValueError:
            return "refused"
        key = (parts.hostname.lower(), port)
        if key not in self._verdicts:
            self._verdicts[key] = await self._host_verdict(*key)
        return self._verdicts[key]

    async def _host_verdict(self, host: str, port: int) -> str | None:
        try:
            check_host(host, port, self.policy)
        except URLNotAllowed:
            return "refused"
        literal = parse_ip_literal(host)
        try:
            addresses = [literal] if literal else await self._resolver(host.rstrip("."), port)
        except FetchError:
            return "unresolved"
        if not addresses:
            return "unresolved"
        if any(address_block_reason(a, self.policy) for a in addresses):
            return "refused"
        return None

    async def _handle(self, route: Route) -> None:
        request = route.request
        is_main = request.is_navigation_request() and _is_top_frame(route)
        try:
            verdict = await self.verdict(request.url)
            if verdict is not None:
                self._note_refusal(request.url, verdict, is_main)
                await route.abort("blockedbyclient" if verdict == "refused" else "namenotresolved")
                return
            if not is_main and self._skipped(request.url, request.resource_type):
                await route.abort("blockedbyclient")
                return
            await route.continue_(headers=self._headers_for(request.url, request.headers))
        except PlaywrightError as exc:  # the page or context went away meanwhile
            log.debug("route for %s not completed: %s", request.url, exc.message)

    def _note_refusal(self, url: str, verdict: str, is_main: bool) -> None:
        self.refused.append(url)
        if is_main and verdict == "refused" and self.main_refused is None:
            self.main_refused = url
        elif is_main and verdict == "unresolved" and self.main_unresolved is None:
            self.main_unresolved = url
        log.info("browser request %s: %s", verdict, url)

    def _skipped(self, url: str, resource_type: str) -> bool:
        if resource_type in self.rules.blocked_resource_types:
            return True
        host = urlsplit(url).hostname or ""
        return host_listed(host, self.rules.blocked_hosts)

    def _headers_for(self, url: str, headers: dict[str, str]) -> dict[str, str] | None:
        """The caller's headers go to the target host only, never to third parties."""
        extra = self.rules.target_headers
        if not extra or (urlsplit(url).hostname or "").lower() != self.rules.target_host:
            return None
        replaced = _lower_keys(extra)
        merged = {k: v for k, v in headers.items() if k.lower() not in replaced}
        merged.update(extra)
        return merged

    async def _handle_websocket(self, ws: WebSocketRoute) -> None:
        if await self.verdict(ws.url) is not None:
            self.refused.append(ws.url)
            log.info("browser websocket refused: %s", ws.url)
            await ws.close(code=1008, reason="refused")
            return
        ws.connect_to_server()


def _lower_keys(mapping: Mapping[str, str]) -> set[str]:
    return {k.lower() for k in mapping}


def _is_top_frame(route: Route) -> bool:
    try:
        return route.request.frame.parent_frame is None
    except PlaywrightError:  # service-worker requests have no frame
        return False
