"""Search backends: a provider interface and the SearXNG JSON API adapter.

SearXNG runs on the operator's own network (often loopback) and is configured by the operator,
so the SSRF rules for scrape targets do not apply to it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from scrapegate.domain.json_types import JsonObject
from scrapegate.errors import UpstreamError

log = logging.getLogger(__name__)

PROVIDER_TIMEOUT_S = 10.0
# Upstream pages read at most per search: SearXNG pages hold ~10-20 merged results each.
MAX_UPSTREAM_PAGES = 10
SAFESEARCH_LEVELS = {"off": 0, "moderate": 1, "strict": 2}
# SearXNG knows day/week/month/year; "hour" asks for the narrowest window it has.
TIME_RANGES = {"hour": "day", "day": "day", "week": "week", "month": "month", "year": "year"}
TRACKING_PARAMS = frozenset({"gclid", "fbclid", "msclkid", "yclid", "dclid", "mc_cid", "mc_eid"})


@dataclass(frozen=True)
class SearchHit:
    """One normalised result; ``position`` is 1-based across the whole result list."""

    url: str
    title: str
    snippet: str
    position: int
    engine: str | None = None
    engines: tuple[str, ...] = field(default_factory=tuple)
    published_date: str | None = None  # ISO 8601 as the provider gave it


class SearchProvider(Protocol):
    name: str

    async def search(
        self,
        query: str,
        *,
        num_results: int,
        language: str | None,
        country: str | None,
        time_range: str | None,
        safe_search: str,
        page: int,
    ) -> list[SearchHit]: ...


def strip_tracking(url: str) -> str:
    """The URL without utm_* and click-id parameters, so duplicates merge by URL."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    ]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def merge_hits(raw: list[JsonObject]) -> list[SearchHit]:
    """SearXNG result objects as hits, duplicates (same URL after cleaning) merged, renumbered."""
    merged: dict[str, SearchHit] = {}
    for item in raw:
        hit = _hit_from(item)
        if hit is None:
            continue
        earlier = merged.get(hit.url)
        if earlier is None:
            merged[hit.url] = hit
            continue
        engines = tuple(dict.fromkeys((*earlier.engines, *hit.engines)))
        merged[hit.url] = replace(earlier, engines=engines, snippet=earlier.snippet or hit.snippet)
    return [replace(hit, position=i) for i, hit in enumerate(merged.values(), start=1)]


def _hit_from(item: JsonObject) -> SearchHit | None:
    url = item.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
        return None
    named = item.get("engine")
    engine = named if isinstance(named, str) else None
    listed = item.get("engines")
    engines = tuple(e for e in listed if isinstance(e, str)) if isinstance(listed, list) else ()
    published = item.get("publishedDate") or item.get("published_date")
    return SearchHit(
        url=strip_tracking(url),
        title=str(item.get("title") or ""),
        snippet=str(item.get("content") or ""),
        position=0,
        engine=engine or (engines[0] if engines else None),
        engines=engines or ((engine,) if engine else ()),
        published_date=published if isinstance(published, str) else None,
    )


class SearxngProvider:
    """Calls ``GET {base}/search?format=json`` (the instance must enable the json format)."""

    name = "searxng"

    def __init__(
        self,
        base_url: str,
        timeout_s: float = PROVIDER_TIMEOUT_S,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._timeout = timeout_s
        self._transport = transport

    async def search(
        self,
        query: str,
        *,
        num_results: int,
        language: str | None,
        country: str | None,
        time_range: str | None,
        safe_search: str,
        page: int,
    ) -> list[SearchHit]:
        params = self._params(query, language, country, time_range, safe_search)
        wanted = page * num_results
        raw: list[JsonObject] = []
        async with httpx.AsyncClient(
            timeout=self._timeout, transport=self._transport, trust_env=False
        ) as client:
            for pageno in range(1, MAX_UPSTREAM_PAGES + 1):
                batch = await self._page(client, {**params, "pageno": str(pageno)})
                before = len(merge_hits(raw))
                raw.extend(batch)
                found = len(merge_hits(raw))
                if found >= wanted or found == before:  # enough, or the provider ran dry
                    break
        return merge_hits(raw)[(page - 1) * num_results : wanted]

    def _params(
        self,
        query: str,
        language: str | None,
        country: str | None,
        time_range: str | None,
        safe_search: str,
    ) -> dict[str, str]:
        params = {
            "q": query,
            "format": "json",
            "categories": "general",
            "safesearch": str(SAFESEARCH_LEVELS.get(safe_search, 1)),
        }
        if language:
            params["language"] = f"{language}-{country}" if country else language
        if time_range in TIME_RANGES:
            params["time_range"] = TIME_RANGES[time_range]
        return params

    async def _page(self, client: httpx.AsyncClient, params: dict[str, str]) -> list[JsonObject]:
        """One upstream page; transport errors and 5xx are retried once."""
        for attempt in (1, 2):
            try:
                response = await client.get(f"{self._base}/search", params=params)
            except httpx.HTTPError as exc:
                if attempt == 2:
                    raise _provider_error(f"the search provider is unreachable ({exc!r})") from exc
                continue
            if response.status_code >= 500 and attempt == 1:
                continue
            return _results_of(response)
        raise _provider_error("the search provider did not answer")


def _results_of(response: httpx.Response) -> list[JsonObject]:
    if response.status_code != 200:
        hint = (
            " (is the json format enabled in settings.yml?)" if response.status_code == 403 else ""
        )
        raise _provider_error(
            f"the search provider answered HTTP {response.status_code}{hint}",
            status_code=response.status_code,
        )
    try:
        body = response.json()
    except ValueError as exc:
        raise _provider_error("the search provider's answer is not JSON") from exc
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise _provider_error("the search provider's answer has no results list")
    return [r for r in results if isinstance(r, dict)]


def _provider_error(reason: str, **extra: Any) -> UpstreamError:
    log.warning("search provider failed: %s", reason)
    return UpstreamError(f"Search failed: {reason}", "provider_error", provider="searxng", **extra)
