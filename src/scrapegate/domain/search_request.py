"""POST /api/v1/search and /api/v1/search/batch bodies."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapegate.domain.countries import normalize_country
from scrapegate.domain.request_documents import (
    ResultScrapeBody,
    ResultScrapeOptions,
    SearchOptionsDocument,
    SearchRequestDocument,
)
from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.request_rules import read_webhook
from scrapegate.domain.scrape_request import parse_scrape_request
from scrapegate.domain.validation_context import ValidationContext
from scrapegate.errors import InvalidRequest

MAX_QUERY_CHARS = 500
MIN_BATCH_QUERIES, MAX_BATCH_QUERIES = 2, 100
TIME_RANGES = ("hour", "day", "week", "month", "year")
SAFE_SEARCH = ("off", "moderate", "strict")
SEARCH_EVENTS = ("search.completed", "search.failed")
BATCH_SEARCH_EVENTS = ("batch.search.completed",)
# Validates result-scrape options before any result URL is known.
PROBE_URL = "https://example.com/"
DOMAIN_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9-]{1,63})*$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class SearchOptions:
    """What one query asks of the provider, and how its results are scraped."""

    num_results: int = 10
    page: int = 1
    country: str | None = None
    language: str | None = None
    time_range: str | None = None
    safe_search: str = "moderate"
    scrape_results: bool = False
    scrape_options: ResultScrapeOptions = field(default_factory=ResultScrapeOptions)

    def to_json(self) -> SearchOptionsDocument:
        document = SearchOptionsDocument(
            num_results=self.num_results,
            page=self.page,
            country=self.country,
            language=self.language,
            time_range=self.time_range,
            safe_search=self.safe_search,
            scrape_results=self.scrape_results,
        )
        if self.scrape_results:
            document["scrape_options"] = self.scrape_options
        return document


@dataclass(frozen=True)
class SearchRequest:
    query: str
    domain: str | None = None
    options: SearchOptions = field(default_factory=SearchOptions)
    sync: bool = True
    webhook_url: str | None = None
    webhook_secret: str | None = None

    @property
    def provider_query(self) -> str:
        """The query sent upstream: ``domain`` becomes a ``site:`` filter."""
        return f"site:{self.domain} {self.query}" if self.domain else self.query

    def to_json(self) -> SearchRequestDocument:
        """The request as stored with its job (secrets excluded)."""
        return {
            "query": self.query,
            "domain": self.domain,
            "sync": self.sync,
            "webhook_url": self.webhook_url,
            **self.options.to_json(),
        }


@dataclass(frozen=True)
class SearchBatchRequest:
    queries: tuple[str, ...]
    options: SearchOptions = field(default_factory=SearchOptions)
    webhook_url: str | None = None
    webhook_secret: str | None = None

    def searches(self) -> list[SearchRequest]:
        return [SearchRequest(query=q, options=self.options, sync=False) for q in self.queries]


def parse_search_request(body: object, ctx: ValidationContext) -> SearchRequest:
    top = _reader(body)
    query = _query(top.raw("query"), "query")
    domain = _domain(top)
    options = _options(top, ctx, allow_page=True)
    sync = top.boolean("sync", True)
    url, secret, _ = read_webhook(top, ctx, SEARCH_EVENTS)
    return SearchRequest(query, domain, options, sync, url, secret)


def parse_search_batch_request(body: object, ctx: ValidationContext) -> SearchBatchRequest:
    top = _reader(body)
    raw = top.raw("queries")
    if not isinstance(raw, list) or not MIN_BATCH_QUERIES <= len(raw) <= MAX_BATCH_QUERIES:
        raise top.error(
            "queries",
            f"queries must be a list of {MIN_BATCH_QUERIES} to {MAX_BATCH_QUERIES} queries",
        )
    queries = tuple(_query(q, f"queries[{i}]") for i, q in enumerate(raw))
    options = _options(top, ctx, allow_page=False)
    url, secret, _ = read_webhook(top, ctx, BATCH_SEARCH_EVENTS)
    return SearchBatchRequest(queries, options, url, secret)


def _reader(body: object) -> FieldReader:
    if not isinstance(body, Mapping):
        raise InvalidRequest("Request body is not valid JSON")
    return FieldReader(body)


def _query(value: object, name: str) -> str:
    if value is None:
        raise InvalidRequest(f"{name} is required", field=name)
    if not isinstance(value, str):
        raise InvalidRequest(f"{name} must be a string", field=name)
    query = value.strip()
    if not 1 <= len(query) <= MAX_QUERY_CHARS:
        raise InvalidRequest(
            f"{name} must be between 1 and {MAX_QUERY_CHARS} characters", field=name
        )
    return query


def _domain(top: FieldReader) -> str | None:
    value = top.string("domain")
    if value is None:
        return None
    text = value.strip().lower()
    host = urlsplit(text).hostname if "://" in text else text.split("/", 1)[0]
    host = (host or "").removeprefix("*.").rstrip(".")
    if not host or not DOMAIN_NAME.match(host):
        raise top.error("domain", "domain must be a domain name such as example.com")
    return host


def _options(top: FieldReader, ctx: ValidationContext, *, allow_page: bool) -> SearchOptions:
    num = top.integer("num_results", 1, 50, "num_results must be between 1 and 50")
    page = top.integer("page", 1, 10, "page must be between 1 and 10") if allow_page else None
    scrape_results = top.boolean("scrape_results", False)
    return SearchOptions(
        num_results=10 if num is None else num,
        page=1 if page is None else page,
        country=_country(top),
        language=_language(top),
        time_range=top.choice(
            "time_range", TIME_RANGES, f"time_range must be one of: {', '.join(TIME_RANGES)}"
        ),
        safe_search=_safe_search(top),
        scrape_results=scrape_results,
        scrape_options=_scrape_options(top, ctx) if scrape_results else ResultScrapeOptions(),
    )


def _country(top: FieldReader) -> str | None:
    value = top.string("country")
    if value is None:
        return None
    code = normalize_country(value)
    if code is None:
        raise top.error("country", "country must be an ISO 3166-1 alpha-2 code such as US")
    return code


def _language(top: FieldReader) -> str | None:
    value = top.string("language")
    if value is None:
        return None
    code = value.strip().lower()
    if not LANGUAGE_CODE.match(code):
        raise top.error("language", "language must be an ISO 639-1 code such as en")
    return code


def _safe_search(top: FieldReader) -> str:
    value = top.raw("safe_search")
    if value is None:
        return "moderate"
    if isinstance(value, bool):  # the legacy boolean form
        return "strict" if value else "off"
    if not isinstance(value, str) or value not in SAFE_SEARCH:
        raise top.error("safe_search", f"safe_search must be one of: {', '.join(SAFE_SEARCH)}")
    return value


def _scrape_options(top: FieldReader, ctx: ValidationContext) -> ResultScrapeOptions:
    """The result-scrape options, checked by the scrape rules against a placeholder URL."""
    options = ResultScrapeOptions()
    # Kept as sent (raw values, in this order): the scrape of each result validates them again.
    if top.has("formats"):
        options["formats"] = top.raw("formats")
    if top.has("extraction_schema"):
        options["extraction_schema"] = top.raw("extraction_schema")
    if top.has("extraction_profile"):
        options["extraction_profile"] = top.raw("extraction_profile")
    if top.has("extraction_prompt"):
        options["extraction_prompt"] = top.raw("extraction_prompt")
    if top.has("advanced"):
        options["advanced"] = top.raw("advanced")
    if top.has("cost_controls"):
        options["cost_controls"] = top.raw("cost_controls")
    parse_scrape_request({"url": PROBE_URL, **options}, ctx)
    return options


def result_scrape_body(options: SearchOptions, url: str, wait_s: float) -> ResultScrapeBody:
    """The ``POST /scrape``-shaped body that scrapes one result within ``wait_s`` seconds."""
    return {**options.scrape_options, "url": url, "sync": True, "sync_wait_seconds": wait_s}
