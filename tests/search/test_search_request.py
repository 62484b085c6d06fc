"""Search body validation (spec core-api §15.1, §15.3)."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.domain.search_request import (
    parse_search_batch_request,
    parse_search_request,
    result_scrape_body,
)
from scrapegate.errors import InvalidRequest, LLMKeyMissing, ScrapegateError
from tests.domain.validation_support import make_ctx


def rejected(body: object, batch: bool = False, **ctx: Any) -> ScrapegateError:
    parse = parse_search_batch_request if batch else parse_search_request
    with pytest.raises(ScrapegateError) as caught:
        parse(body, make_ctx(**ctx))
    return caught.value


def test_defaults() -> None:
    req = parse_search_request({"query": "  web scraping api  "}, make_ctx())
    assert req.query == "web scraping api"
    assert (req.options.num_results, req.options.page, req.options.safe_search) == (
        10,
        1,
        "moderate",
    )
    assert req.sync is True and req.options.scrape_results is False
    assert req.provider_query == "web scraping api"


def test_what_the_official_client_sends() -> None:
    body = {
        "query": "q",
        "num_results": 5,
        "page": 2,
        "scrape_results": False,
        "domain": "Example.COM",
    }
    req = parse_search_request(body, make_ctx())
    assert (req.options.num_results, req.options.page) == (5, 2)
    assert req.domain == "example.com"
    assert req.provider_query == "site:example.com q"


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({}, "query", "query is required"),
        ({"query": 3}, "query", "query must be a string"),
        ({"query": "   "}, "query", "query must be between 1 and 500 characters"),
        ({"query": "x" * 501}, "query", "query must be between 1 and 500 characters"),
        ({"query": "q", "num_results": 0}, "num_results", "num_results must be between 1 and 50"),
        ({"query": "q", "num_results": 51}, "num_results", "num_results must be between 1 and 50"),
        ({"query": "q", "num_results": "5"}, "num_results", "num_results must be an integer"),
        ({"query": "q", "page": 11}, "page", "page must be between 1 and 10"),
        (
            {"query": "q", "country": "XX"},
            "country",
            "country must be an ISO 3166-1 alpha-2 code such as US",
        ),
        (
            {"query": "q", "language": "english"},
            "language",
            "language must be an ISO 639-1 code such as en",
        ),
        (
            {"query": "q", "time_range": "decade"},
            "time_range",
            "time_range must be one of: hour, day, week, month, year",
        ),
        (
            {"query": "q", "safe_search": "max"},
            "safe_search",
            "safe_search must be one of: off, moderate, strict",
        ),
        (
            {"query": "q", "domain": "not a domain"},
            "domain",
            "domain must be a domain name such as example.com",
        ),
        (
            {"query": "q", "scrape_results": "yes"},
            "scrape_results",
            "scrape_results must be a boolean",
        ),
        ({"query": "q", "sync": 1}, "sync", "sync must be a boolean"),
    ],
)
def test_rejections(body: dict[str, Any], field: str, detail: str) -> None:
    error = rejected(body)
    assert isinstance(error, InvalidRequest)
    assert error.detail == detail
    assert error.details == {"field": field}


def test_body_must_be_an_object() -> None:
    assert rejected(["q"]).detail == "Request body is not valid JSON"


def test_normalisations() -> None:
    body = {
        "query": "q",
        "country": "de",
        "language": "DE",
        "safe_search": True,
        "time_range": "week",
    }
    options = parse_search_request(body, make_ctx()).options
    assert (options.country, options.language, options.safe_search) == ("DE", "de", "strict")
    assert options.time_range == "week"
    assert (
        parse_search_request({"query": "q", "safe_search": False}, make_ctx()).options.safe_search
        == "off"
    )


def test_domain_given_as_url() -> None:
    req = parse_search_request({"query": "q", "domain": "https://docs.example.com/x"}, make_ctx())
    assert req.domain == "docs.example.com"


def test_scrape_options_are_checked_by_the_scrape_rules() -> None:
    error = rejected({"query": "q", "scrape_results": True, "formats": ["pdf-ish"]})
    assert error.details == {"field": "formats"}
    assert "Unknown format" in error.detail


def test_scrape_options_need_scrape_results() -> None:
    req = parse_search_request({"query": "q", "formats": ["markdown"]}, make_ctx())
    assert req.options.scrape_options == {}


def test_extraction_without_llm_is_refused() -> None:
    body = {"query": "q", "scrape_results": True, "extraction_prompt": "titles"}
    assert isinstance(rejected(body, llm_available=False), LLMKeyMissing)


def test_result_scrape_body_carries_the_options() -> None:
    body = {"query": "q", "scrape_results": True, "formats": ["text", "markdown"]}
    req = parse_search_request(body, make_ctx())
    scrape = result_scrape_body(req.options, "https://a.example/x", 7.5)
    assert scrape == {
        "formats": ["text", "markdown"],
        "url": "https://a.example/x",
        "sync": True,
        "sync_wait_seconds": 7.5,
    }


def test_webhook_events_are_search_events() -> None:
    body = {
        "query": "q",
        "webhook_url": "https://hooks.example.com/x",
        "webhook_events": ["job.completed"],
    }
    assert "Allowed: [search.completed, search.failed]" in rejected(body).detail


def test_batch_body() -> None:
    body = {"queries": ["a", " b "], "num_results": 3, "country": "us", "scrape_results": False}
    breq = parse_search_batch_request(body, make_ctx())
    assert breq.queries == ("a", "b")
    assert breq.options.num_results == 3 and breq.options.country == "US"
    assert [s.query for s in breq.searches()] == ["a", "b"]
    assert all(s.sync is False for s in breq.searches())


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"queries": ["only one"]}, "queries", "queries must be a list of 2 to 100 queries"),
        ({"queries": ["q"] * 101}, "queries", "queries must be a list of 2 to 100 queries"),
        ({"queries": "a,b"}, "queries", "queries must be a list of 2 to 100 queries"),
        ({"queries": ["a", ""]}, "queries[1]", "queries[1] must be between 1 and 500 characters"),
        ({"queries": ["a", 2]}, "queries[1]", "queries[1] must be a string"),
        (
            {"queries": ["a", "b"], "num_results": 60},
            "num_results",
            "num_results must be between 1 and 50",
        ),
    ],
)
def test_batch_rejections(body: dict[str, Any], field: str, detail: str) -> None:
    error = rejected(body, batch=True)
    assert (error.detail, error.details) == (detail, {"field": field})
