"""Firecrawl search: ``POST /v2/search`` (results under ``data.web``) and ``POST /v1/search``
(results as a list), on the core search service and its configured provider."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import SearchServiceDep, WritePrincipal
from scrapegate.api.firecrawl.errors import FirecrawlRoute
from scrapegate.api.firecrawl.v2_job_pages import credits_used
from scrapegate.api.firecrawl.v2_models import FirecrawlBody, WireBody
from scrapegate.api.firecrawl.v2_translate import read_body
from scrapegate.domain.countries import normalize_country
from scrapegate.domain.principal import Principal
from scrapegate.domain.search_request import MAX_QUERY_CHARS, SearchOptions, SearchRequest
from scrapegate.errors import FeatureUnavailable, InvalidRequest, Timeout
from scrapegate.jobs.search_service import SearchService
from scrapegate.jobs.search_views import SearchBody

router = APIRouter(tags=["firecrawl"], route_class=FirecrawlRoute)
SEARCH_BODY_LIMIT = 1024 * 1024
MAX_LIMIT = 50  # the core asks its provider for at most 50 results per query
TIME_RANGES = {"h": "hour", "d": "day", "w": "week", "m": "month", "y": "year"}
CATEGORY_FILTERS = {"github": "site:github.com", "pdf": "filetype:pdf"}


class V2SearchBody(FirecrawlBody):
    """``POST /v2/search`` (and ``/v1/search``, which sends a subset)."""

    query: str | None = None
    limit: int = Field(5, description="1-50")
    sources: list[str | dict[str, Any]] | None = Field(None, description='default ["web"]')
    categories: list[str | dict[str, Any]] | None = None
    include_domains: list[str] | None = None
    exclude_domains: list[str] | None = None
    tbs: str | None = Field(None, description="qdr:h|d|w|m|y")
    country: str | None = None
    lang: str | None = None
    location: str | None = None
    timeout: int | None = None
    ignore_invalid_urls: bool = Field(False, alias="ignoreInvalidURLs")
    scrape_options: dict[str, Any] | None = Field(None, description="not supported yet")


class WebResult(WireBody):
    url: str
    title: str | None = None
    description: str | None = None
    position: int | None = None


class SearchData(WireBody):
    web: list[WebResult] | None = None
    news: list[dict[str, Any]] | None = None
    images: list[dict[str, Any]] | None = None


class V2SearchResponse(WireBody):
    success: Literal[True] = True
    data: SearchData
    credits_used: int
    id: str
    warning: str | None = None


class V1SearchResponse(WireBody):
    success: Literal[True] = True
    data: list[WebResult]
    warning: str | None = None


@dataclass(frozen=True)
class SearchPlan:
    request: SearchRequest
    sources: tuple[str, ...]
    warnings: tuple[str, ...]


def _kind(entry: str | dict[str, Any]) -> str:
    return entry if isinstance(entry, str) else str(entry.get("type", ""))


def query_filters(body: V2SearchBody) -> tuple[list[str], list[str]]:
    """Provider query terms for categories and domain lists, and warnings for the rest."""
    if body.include_domains and body.exclude_domains:
        raise InvalidRequest("includeDomains and excludeDomains cannot both be set", "domains")
    terms: list[str] = []
    warnings: list[str] = []
    for category in map(_kind, body.categories or []):
        if category in CATEGORY_FILTERS:
            terms.append(CATEGORY_FILTERS[category])
        else:
            warnings.append(f'Category "{category}" is not supported and was ignored.')
    if body.include_domains:
        terms.append("(" + " OR ".join(f"site:{d}" for d in body.include_domains) + ")")
    terms.extend(f"-site:{domain}" for domain in body.exclude_domains or [])
    return terms, warnings


def time_range(tbs: str | None) -> tuple[str | None, list[str]]:
    if not tbs:
        return None, []
    found = re.fullmatch(r"qdr:([hdwmy])", tbs)
    if found is None:
        return None, [f'tbs "{tbs}" is not supported and was ignored.']
    return TIME_RANGES[found.group(1)], []


def country_of(value: str | None) -> str | None:
    if value is None:
        return None
    code = normalize_country(value)
    if code is None:
        raise InvalidRequest("country must be an ISO 3166-1 alpha-2 code such as us", "country")
    return code


def plan_search(raw: object) -> SearchPlan:
    body = read_body(raw, V2SearchBody)
    query = (body.query or "").strip()
    if not query:
        raise InvalidRequest("query is required", "query")
    if not 1 <= body.limit <= MAX_LIMIT:
        raise InvalidRequest(f"limit must be between 1 and {MAX_LIMIT}", "limit")
    if body.scrape_options and body.scrape_options.get("formats"):
        raise FeatureUnavailable("Scraping search results is not supported yet", "firecrawl")
    terms, warnings = query_filters(body)
    provider_query = " ".join([query, *terms])
    if len(provider_query) > MAX_QUERY_CHARS:
        raise InvalidRequest(f"query must be at most {MAX_QUERY_CHARS} characters", "query")
    period, tbs_warnings = time_range(body.tbs)
    sources = tuple(dict.fromkeys(map(_kind, body.sources or ["web"])))
    unserved = [s for s in sources if s != "web"]
    if unserved:
        warnings.append(f"Sources not served by this server: {', '.join(unserved)}.")
    language = body.lang.lower() if body.lang and re.fullmatch(r"[A-Za-z]{2}", body.lang) else None
    options = SearchOptions(
        num_results=body.limit,
        country=country_of(body.country),
        language=language,
        time_range=period,
    )
    request = SearchRequest(query=provider_query, options=options, sync=True)
    return SearchPlan(request, sources, (*warnings, *tbs_warnings))


def web_results(body: SearchBody) -> list[WebResult]:
    return [
        WebResult(url=i["url"], title=i["title"], description=i["snippet"], position=i["position"])
        for i in body["results"]
    ]


async def run_search(
    request: Request, who: Principal, searches: SearchService
) -> tuple[SearchPlan, SearchBody]:
    searches.require_enabled()
    plan = plan_search(await read_json(request, SEARCH_BODY_LIMIT))
    answer = await searches.search(who, plan.request, request.headers.get("user-agent"))
    if answer.result is None:
        raise Timeout("Search timed out")
    return plan, answer.result


@router.post(
    "/v2/search",
    summary="Firecrawl v2: web search (results under data.web)",
    response_class=JSONResponse,
    responses={200: {"model": V2SearchResponse, "description": "The results"}},
    openapi_extra={"requestBody": json_body(V2SearchBody)},
)
async def search_v2(request: Request, who: WritePrincipal, searches: SearchServiceDep) -> Response:
    plan, body = await run_search(request, who, searches)
    data = SearchData(
        web=web_results(body) if "web" in plan.sources else None,
        news=[] if "news" in plan.sources else None,
        images=[] if "images" in plan.sources else None,
    )
    answer = V2SearchResponse(
        data=data,
        credits_used=credits_used(body["credits_used"]),
        id=body["search_id"],
        warning=" ".join(plan.warnings) or None,
    )
    return JSONResponse(answer.wire())


@router.post(
    "/v1/search",
    summary="Firecrawl v1: web search (results as a list)",
    response_class=JSONResponse,
    responses={200: {"model": V1SearchResponse, "description": "The results"}},
    openapi_extra={"requestBody": json_body(V2SearchBody)},
)
async def search_v1(request: Request, who: WritePrincipal, searches: SearchServiceDep) -> Response:
    plan, body = await run_search(request, who, searches)
    answer = V1SearchResponse(data=web_results(body), warning=" ".join(plan.warnings) or None)
    return JSONResponse(answer.wire())
