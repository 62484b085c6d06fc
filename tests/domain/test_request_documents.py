"""The stored request documents: their TypedDicts name every field, and they read back."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from scrapegate.domain import request_documents as docs
from scrapegate.domain.crawl_request import (
    CrawlRequest,
    crawl_from_options,
    crawl_options,
    parse_crawl_request,
)
from scrapegate.domain.scrape_model import (
    Action,
    Advanced,
    CostControls,
    Location,
    ScrapeRequest,
    SectionFilter,
    Viewport,
)
from scrapegate.domain.search_request import (
    SearchOptions,
    SearchRequest,
    parse_search_request,
    result_scrape_body,
)
from scrapegate.errors import ScrapegateError
from tests.domain.validation_support import make_ctx

CRAWL_URL = "https://example.com/"


def field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


@pytest.mark.parametrize(
    ("document", "cls"),
    [
        (docs.ScrapeRequestDocument, ScrapeRequest),
        (docs.AdvancedDocument, Advanced),
        (docs.ActionDocument, Action),
        (docs.CostControlsDocument, CostControls),
        (docs.LocationDocument, Location),
        (docs.SectionFilterDocument, SectionFilter),
        (docs.ViewportDocument, Viewport),
    ],
)
def test_scrape_documents_name_every_field_in_order(document: Any, cls: type) -> None:
    assert list(document.__annotations__) == field_names(cls)


def test_crawl_options_name_every_field_with_the_page_last() -> None:
    names = [n for n in field_names(CrawlRequest) if n != "page"]
    assert list(docs.CrawlOptionsDocument.__annotations__) == [*names, "page"]


def test_search_documents_name_every_stored_field() -> None:
    options = field_names(SearchOptions)
    assert list(docs.SearchOptionsDocument.__annotations__) == options
    request_fields = set(field_names(SearchRequest)) - {"options", "webhook_secret"}
    assert set(docs.SearchRequestDocument.__annotations__) == request_fields | set(options)


def test_scrape_request_document_holds_what_to_json_writes() -> None:
    document = parse_crawl_request({"url": CRAWL_URL}, make_ctx()).page.to_json()
    assert list(document) == field_names(ScrapeRequest)
    assert list(document["advanced"]) == field_names(Advanced)


def test_crawl_options_round_trip_through_json() -> None:
    body = {
        "url": CRAWL_URL,
        "max_pages": 5,
        "include_patterns": ["/a*"],
        "delay": 1.5,
        "advanced": {"wait_for": "#x", "timeout": 20},
        "cost_controls": {"max_credits": 30_000},
        "webhook_url": "https://hooks.example.com/x",
        "webhook_events": ["crawl.page"],
    }
    req = parse_crawl_request(body, make_ctx())
    options = json.loads(json.dumps(crawl_options(req)))
    assert list(options) == list(docs.CrawlOptionsDocument.__annotations__)
    assert options["include_patterns"] == ["/a*"] and options["max_credits"] == 30_000
    assert crawl_from_options(options) == req


def test_older_crawl_options_take_the_defaults_of_newer_fields() -> None:
    req = parse_crawl_request({"url": CRAWL_URL}, make_ctx())
    options = json.loads(json.dumps(crawl_options(req)))
    del options["patterns_match_full_url"], options["deduplicate_similar_urls"]
    assert crawl_from_options(options) == req


@pytest.mark.parametrize("nested", ["advanced", "cost_controls"])
def test_a_crawl_option_that_is_no_object_is_refused(nested: str) -> None:
    with pytest.raises(ScrapegateError) as caught:
        parse_crawl_request({"url": CRAWL_URL, nested: "x"}, make_ctx())
    assert caught.value.code == "INVALID_REQUEST"
    assert caught.value.detail == f"{nested} must be an object"


def test_search_document_keeps_the_scrape_options_only_when_results_are_scraped() -> None:
    plain = parse_search_request({"query": "q"}, make_ctx()).to_json()
    assert "scrape_options" not in plain
    body = {"query": "q", "scrape_results": True, "formats": ["text"], "advanced": {"mobile": True}}
    scraped = parse_search_request(body, make_ctx())
    document = scraped.to_json()
    assert list(document)[:4] == ["query", "domain", "sync", "webhook_url"]
    assert document["scrape_options"] == {"formats": ["text"], "advanced": {"mobile": True}}
    result_body = result_scrape_body(scraped.options, "https://r.example/", 5.0)
    assert list(result_body) == ["formats", "advanced", "url", "sync", "sync_wait_seconds"]
