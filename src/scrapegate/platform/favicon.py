"""Favicons: found on the site itself, rendered with Pillow, cached.

Discovery fetches ``https://<domain>/`` and, when that fails below HTTP (refused, TLS, reset,
timeout; not DNS, which a scheme cannot fix), ``http://<domain>/``. Icons come from
``<link rel=icon|shortcut icon|apple-touch-icon[-precomposed]>``, from the web manifest's
``icons`` and finally ``/favicon.ico`` at the home page's origin; the largest declared raster is
tried first, until one decodes. Every fetch goes through the tier-2 fetcher with the engine's
``NetPolicy``, so redirects and resolved addresses are checked as for a scrape.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.records import CacheEntry, utcnow
from scrapegate.domain.urls import ascii_host
from scrapegate.errors import InvalidRequest, InvalidURL, ScrapegateError, URLNotAllowed
from scrapegate.fetchers.base import Fetcher, FetchError, FetchRequest, FetchResponse
from scrapegate.platform.favicon_image import (
    MAX_ICON_BYTES,
    IconRejected,
    data_uri_bytes,
    etag_of,
    fallback_icon,
    fit_icon,
)
from scrapegate.storage.protocols import CacheRepository

log = logging.getLogger(__name__)

ALLOWED_SIZES = (16, 32, 48, 64, 96, 128, 180, 256)
DEFAULT_SIZE = 32
MAX_BATCH_DOMAINS = 50
SITE_TTL = timedelta(days=7)
FAILURE_TTL = timedelta(days=1)
CACHE_PREFIX = "favicon:"
CACHE_OWNER = "favicon"  # cache rows need an owner; favicons are shared by every caller
PAGE_MAX_BYTES = 524_288  # the <head> is near the start; a cut page still parses
MANIFEST_MAX_BYTES = 262_144
FETCH_TIMEOUT_S = 8.0
DISCOVERY_BUDGET_S = 20.0  # a whole lookup stays inside a client's 30 s HTTP timeout
MAX_LINK_CANDIDATES = 6  # /favicon.ico is tried after these
BATCH_CONCURRENCY = 8
APPLE_TOUCH_DEFAULT = 180  # Apple's documented size when ``sizes`` is absent
DOMAIN_DETAIL = "domain must be a host name (IDN allowed, optional port) without scheme or path"
ICON_RELS = frozenset({"icon", "apple-touch-icon", "apple-touch-icon-precomposed"})
_PORT = re.compile(r"^[0-9]{1,5}$")
_SIZE_TOKEN = re.compile(r"^([0-9]{1,5})[xX]([0-9]{1,5})$")

FaviconSource = Literal["site", "fallback"]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class FaviconResult:
    png: bytes
    source: FaviconSource
    etag: str  # quoted strong validator, as sent in the ETag header


@dataclass(frozen=True)
class FaviconDomain:
    """A checked ``domain`` parameter: lower-case ASCII host (punycode) and an optional port."""

    host: str
    port: int | None = None

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"


@dataclass(frozen=True)
class IconCandidate:
    url: str  # absolute http(s) URL or a data: URI
    declared: int  # the largest side the page declares; 0 when unknown


def _domain_error(reason: str) -> InvalidURL:
    return InvalidURL(DOMAIN_DETAIL, field="domain", reason=reason)


def _split_port(text: str) -> tuple[str, str | None]:
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise _domain_error("invalid_characters")
        return host, rest[1:] if rest else None
    if text.count(":") > 1:
        raise _domain_error("invalid_characters")  # a bare IPv6 address needs brackets
    host, colon, port = text.partition(":")
    return host, port if colon else None


def parse_domain(text: str | None) -> FaviconDomain:
    """The ``domain`` parameter: a missing one is ``INVALID_REQUEST``, a malformed one
    ``INVALID_URL`` with ``details.reason``."""
    value = (text or "").strip()
    if not value:
        raise InvalidRequest("domain is required", "domain")
    if "://" in value:
        raise _domain_error("unexpected_scheme")
    if any(ch in value for ch in "/?#\\"):
        raise _domain_error("unexpected_path")
    if "@" in value or any(ch.isspace() or not ch.isprintable() for ch in value):
        raise _domain_error("invalid_characters")
    host, port_text = _split_port(value)
    port: int | None = None
    if port_text is not None:
        if not _PORT.match(port_text) or not 1 <= int(port_text) <= 65_535:
            raise _domain_error("invalid_port")
        port = int(port_text)
    name = ascii_host(host)
    if name is None:
        raise _domain_error("invalid_idna")
    return FaviconDomain(name, port)


def check_size(size: int) -> int:
    if size not in ALLOWED_SIZES:
        allowed = ", ".join(str(s) for s in ALLOWED_SIZES)
        raise InvalidRequest(f"size must be one of {allowed}", "size")
    return size


def split_domains(text: str | None) -> list[str]:
    """The batch ``domains`` parameter: comma-separated, blanks dropped, 1-50 entries."""
    domains = [part.strip() for part in (text or "").split(",") if part.strip()]
    if not domains:
        raise InvalidRequest("domains is required", "domains")
    if len(domains) > MAX_BATCH_DOMAINS:
        raise InvalidRequest(f"domains holds at most {MAX_BATCH_DOMAINS} entries", "domains")
    return domains


def declared_side(sizes: str | None) -> int:
    """The largest side in a ``sizes`` attribute (``"16x16 32x32"`` → 32); 0 for none/any."""
    sides = [
        max(int(match.group(1)), int(match.group(2)))
        for token in (sizes or "").split()
        if (match := _SIZE_TOKEN.match(token))
    ]
    return max(sides, default=0)


def _is_vector(url: str, media_type: str | None) -> bool:
    if media_type and "svg" in media_type.lower():
        return True
    if url.startswith("data:"):
        return "svg" in url[5:].split(",", 1)[0].lower()
    return urlsplit(url).path.lower().endswith((".svg", ".svgz"))


def _usable_url(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    href = href.strip()
    if href[:5].lower() == "data:":
        return "data:" + href[5:]
    url = urljoin(base, href)
    return url if urlsplit(url).scheme in ("http", "https") else None


def _link_candidate(element: Any, base: str) -> IconCandidate | None:
    rels = set((element.get("rel") or "").lower().split())
    if not rels & ICON_RELS:
        return None  # mask-icon, fluid-icon and other rels are not raster favicons
    url = _usable_url(base, element.get("href"))
    if url is None or _is_vector(url, element.get("type")):
        return None
    declared = declared_side(element.get("sizes"))
    if not declared and rels & {"apple-touch-icon", "apple-touch-icon-precomposed"}:
        declared = APPLE_TOUCH_DEFAULT
    return IconCandidate(url, declared)


def icon_links(html: bytes, page_url: str) -> tuple[list[IconCandidate], str | None]:
    """Raster icon candidates of a page, in document order, and its manifest URL."""
    try:
        document = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return [], None
    base = page_url
    for element in document.iter("base"):
        base = urljoin(page_url, (element.get("href") or "").strip())
        break
    candidates: list[IconCandidate] = []
    manifest: str | None = None
    for element in document.iter("link"):
        rels = (element.get("rel") or "").lower().split()
        if "manifest" in rels and manifest is None:
            manifest = _usable_url(base, element.get("href"))
            continue
        candidate = _link_candidate(element, base)
        if candidate is not None:
            candidates.append(candidate)
    return candidates, manifest if manifest and not manifest.startswith("data:") else None


def manifest_icons(body: bytes, manifest_url: str) -> list[IconCandidate]:
    """Raster ``icons`` of a web manifest; monochrome-only icons are skipped (they are masks)."""
    try:
        manifest = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    icons = manifest.get("icons") if isinstance(manifest, dict) else None
    found: list[IconCandidate] = []
    for icon in icons if isinstance(icons, list) else []:
        if not isinstance(icon, dict) or not isinstance(icon.get("src"), str):
            continue
        purposes = str(icon.get("purpose") or "any").lower().split()
        url = _usable_url(manifest_url, icon["src"])
        if url is None or purposes == ["monochrome"] or _is_vector(url, str(icon.get("type"))):
            continue
        found.append(IconCandidate(url, declared_side(str(icon.get("sizes") or ""))))
    return found


def _as_entry(key: str, result: FaviconResult, now: datetime) -> CacheEntry:
    ttl = SITE_TTL if result.source == "site" else FAILURE_TTL
    response = {"png": base64.b64encode(result.png).decode("ascii"), "source": result.source}
    return CacheEntry(key, CACHE_OWNER, response, created_at=now, expires_at=now + ttl)


def _from_entry(entry: CacheEntry) -> FaviconResult | None:
    source, encoded = entry.response.get("source"), entry.response.get("png")
    if source not in ("site", "fallback") or not isinstance(encoded, str):
        return None
    png = base64.b64decode(encoded)
    return FaviconResult(png, "site" if source == "site" else "fallback", etag_of(png))


class FaviconService:
    def __init__(
        self,
        fetcher: Fetcher,
        policy: NetPolicy,
        cache: CacheRepository,
        *,
        clock: Clock = utcnow,
    ) -> None:
        self._fetcher = fetcher
        self._policy = policy
        self._cache = cache
        self._clock = clock
        # One discovery per (domain, size) at a time; concurrent callers share its outcome.
        self._inflight: dict[str, asyncio.Task[FaviconResult]] = {}

    async def icon(self, domain: str, size: int) -> FaviconResult:
        """The icon of ``domain`` at ``size`` px. Raises ``InvalidRequest``/``InvalidURL`` for bad
        input and ``URLNotAllowed`` when the site is a refused target."""
        target = parse_domain(domain)
        check_size(size)
        key = f"{CACHE_PREFIX}{size}:{target.authority}"
        entry = await self._cache.get(key, self._clock())
        cached = _from_entry(entry) if entry is not None else None
        if cached is not None:
            return cached
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._discover_and_store(key, target, size))
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(task)

    async def batch(
        self, domains: Sequence[str], size: int
    ) -> dict[str, FaviconResult | ScrapegateError]:
        """Each distinct domain's icon, or the error that refused it, in the order given."""
        check_size(size)
        unique = list(dict.fromkeys(domains))
        if not 1 <= len(unique) <= MAX_BATCH_DOMAINS:
            raise InvalidRequest(f"domains holds 1-{MAX_BATCH_DOMAINS} entries", "domains")
        gate = asyncio.Semaphore(BATCH_CONCURRENCY)

        async def one(domain: str) -> FaviconResult | ScrapegateError:
            async with gate:
                try:
                    return await self.icon(domain, size)
                except (InvalidRequest, URLNotAllowed) as exc:
                    return exc

        outcomes = await asyncio.gather(*(one(domain) for domain in unique))
        return dict(zip(unique, outcomes, strict=True))

    def _forget(self, key: str, task: asyncio.Task[FaviconResult]) -> None:
        self._inflight.pop(key, None)
        if not task.cancelled():
            task.exception()  # retrieved here so an error nobody awaited is not logged as lost

    async def _discover_and_store(
        self, key: str, target: FaviconDomain, size: int
    ) -> FaviconResult:
        try:
            async with asyncio.timeout(DISCOVERY_BUDGET_S):
                found = await self._site_icon(target, size)
        except TimeoutError:
            log.info("favicon lookup for %s ran out of time", target.authority)
            found = None
        if found is not None:
            result = FaviconResult(found, "site", etag_of(found))
        else:
            drawn = await asyncio.to_thread(fallback_icon, target.authority, size)
            result = FaviconResult(drawn, "fallback", etag_of(drawn))
        await self._cache.put(_as_entry(key, result, self._clock()))
        return result

    async def _site_icon(self, target: FaviconDomain, size: int) -> bytes | None:
        page = await self._home_page(target)
        if page is None:
            return None  # the site answers on neither scheme: /favicon.ico would fail too
        for candidate in await self._candidates(page):
            png = await self._rendered(candidate, size)
            if png is not None:
                return png
        return None

    async def _home_page(self, target: FaviconDomain) -> FetchResponse | None:
        for scheme in ("https", "http"):
            url = f"{scheme}://{target.authority}/"
            try:
                return await self._fetch(url, PAGE_MAX_BYTES)
            except FetchError as exc:
                log.debug("favicon home page %s failed: %s", url, exc.cause)
                if exc.cause == "dns_error":
                    return None
        return None

    async def _candidates(self, page: FetchResponse) -> list[IconCandidate]:
        found: list[IconCandidate] = []
        media_type = page.media_type
        if page.status_code < 400 and (media_type is None or "html" in media_type):
            links, manifest_url = icon_links(page.body, page.url)
            found.extend(links)
            if manifest_url is not None:
                found.extend(await self._manifest(manifest_url))
        favicon_ico = IconCandidate(urljoin(page.url, "/favicon.ico"), 0)
        chosen: list[IconCandidate] = []
        for candidate in sorted(found, key=lambda c: c.declared, reverse=True):  # stable sort
            if candidate.url != favicon_ico.url and all(candidate.url != c.url for c in chosen):
                chosen.append(candidate)
        return [*chosen[:MAX_LINK_CANDIDATES], favicon_ico]

    async def _manifest(self, url: str) -> list[IconCandidate]:
        try:
            response = await self._fetch(url, MANIFEST_MAX_BYTES)
        except (FetchError, URLNotAllowed) as exc:
            log.debug("favicon manifest %s refused: %s", url, exc)
            return []
        if response.status_code != 200 or response.truncated:
            return []
        return manifest_icons(response.body, response.url)

    async def _rendered(self, candidate: IconCandidate, size: int) -> bytes | None:
        data = await self._icon_bytes(candidate.url)
        if data is None:
            return None
        try:
            # Decoding and resampling are CPU work: keep them off the event loop.
            return await asyncio.to_thread(fit_icon, data, size)
        except IconRejected as exc:
            log.debug("favicon candidate %s rejected: %s", candidate.url[:200], exc.reason)
            return None

    async def _icon_bytes(self, url: str) -> bytes | None:
        if url.startswith("data:"):
            return data_uri_bytes(url)
        try:
            response = await self._fetch(url, MAX_ICON_BYTES)
        except (FetchError, URLNotAllowed) as exc:
            # One refused or unreachable candidate does not condemn the others.
            log.debug("favicon candidate %s not fetched: %s", url, exc)
            return None
        if response.status_code != 200 or response.truncated:
            return None
        return response.body

    async def _fetch(self, url: str, max_bytes: int) -> FetchResponse:
        request = FetchRequest(
            url, self._policy, timeout_s=FETCH_TIMEOUT_S, max_response_bytes=max_bytes
        )
        return await self._fetcher.fetch(request)
