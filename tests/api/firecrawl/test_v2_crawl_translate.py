"""Firecrawl v2 crawl and batch-scrape bodies become the core requests the AlterLab routes build."""

from __future__ import annotations

import re
from typing import Any

import pytest

from scrapegate.api.firecrawl.v2_crawl_models import V2CrawlBody
from scrapegate.api.firecrawl.v2_crawl_translate import (
    include_patterns,
    plan_v2_batch,
    plan_v2_crawl,
    start_path_pattern,
)
from scrapegate.errors import ScrapegateError
from scrapegate.jobs.discovery.patterns import UrlFilter
from tests.domain.validation_support import make_ctx

START = "https://example.com/docs"
# What the official Python client sends for ``crawl(url, limit=20)``.
CLIENT_CRAWL: dict[str, Any] = {
    "url": START,
    "limit": 20,
    "ignoreQueryParameters": False,
    "crawlEntireDomain": False,
    "allowExternalLinks": False,
    "allowSubdomains": False,
    "ignoreRobotsTxt": False,
    "regexOnFullURL": False,
    "deduplicateSimilarURLs": True,
    "zeroDataRetention": False,
    "origin": "python-sdk@4.54.0",
}


def rejected(plan: Any, body: dict[str, Any]) -> ScrapegateError:
    with pytest.raises(ScrapegateError) as caught:
        plan(body, make_ctx())
    return caught.value


def test_client_crawl_body_maps_onto_the_core_crawl() -> None:
    plan = plan_v2_crawl(CLIENT_CRAWL, make_ctx())
    req = plan.request
    assert (req.url, req.max_pages, req.max_depth) == (START, 20, 50)
    assert req.pattern_syntax == "regex" and req.include_patterns == (r"^/docs(?:/|$)",)
    assert req.respect_robots and not req.include_subdomains and not req.allow_external_links
    assert req.sitemap == "include" and req.deduplicate_similar_urls
    assert req.page.formats == ("markdown",) and not req.wants_raw_html
    assert plan.warning is None


def test_crawl_options_map_field_by_field() -> None:
    body = {
        "url": START,
        "limit": 250_000,
        "maxDiscoveryDepth": 2,
        "excludePaths": ["/docs/old/.*"],
        "crawlEntireDomain": True,
        "allowExternalLinks": True,
        "allowSubdomains": True,
        "ignoreRobotsTxt": True,
        "sitemap": "skip",
        "ignoreQueryParameters": True,
        "deduplicateSimilarURLs": False,
        "delay": 1.5,
        "maxConcurrency": 500,
        "regexOnFullURL": True,
        "prompt": "only the blog",
    }
    plan = plan_v2_crawl(body, make_ctx())
    req = plan.request
    assert (req.max_pages, req.max_depth) == (100_000, 2)  # limit capped at the core's maximum
    assert req.include_patterns == () and req.exclude_patterns == ("/docs/old/.*",)
    assert req.allow_external_links and req.include_subdomains and not req.respect_robots
    assert req.sitemap == "skip" and req.ignore_query_parameters
    assert not req.deduplicate_similar_urls and req.patterns_match_full_url
    assert (req.delay, req.max_concurrency) == (1.5, 50)
    assert plan.warning is not None and "prompt was ignored" in plan.warning


def test_scrape_options_become_the_page_request() -> None:
    options = {
        "formats": ["html", "links", "rawHtml"],
        "onlyMainContent": False,
        "timeout": 30_000,
        "waitFor": 1_000,
        "headers": {"X-Test": "1"},
        "includeTags": ["main"],
    }
    req = plan_v2_crawl({"url": START, "scrapeOptions": options}, make_ctx()).request
    page = req.page
    assert page.formats == ("html", "raw") and page.include_raw_html and req.wants_raw_html
    assert page.timeout == 30 and page.headers == {"X-Test": "1"}
    assert not page.advanced.only_main_content
    assert page.advanced.include_selectors == ("main",)
    assert [a.type for a in page.advanced.actions] == ["wait"]  # waitFor leads the actions
    assert page.advanced.actions[0].milliseconds == 1_000


def test_max_age_zero_never_serves_a_crawl_page_from_the_cache() -> None:
    fresh = {"url": START, "scrapeOptions": {"maxAge": 0}}
    assert plan_v2_crawl(fresh, make_ctx()).request.page.cache is False
    cached = {"url": START, "scrapeOptions": {"maxAge": 600_000}}
    page = plan_v2_crawl(cached, make_ctx()).request.page
    assert page.cache is True and page.cache_ttl == 600


def test_scrape_option_rules_apply_to_crawl_pages() -> None:
    error = rejected(plan_v2_crawl, {"url": START, "scrapeOptions": {"formats": ["bogus"]}})
    assert error.code == "INVALID_REQUEST" and error.detail == "Invalid format: bogus"
    no_browser = ScrapegateError
    with pytest.raises(no_browser) as caught:
        plan_v2_crawl(
            {"url": START, "scrapeOptions": {"actions": [{"type": "click", "selector": "a"}]}},
            make_ctx(browser_available=False),
        )
    assert caught.value.code == "FEATURE_UNAVAILABLE"


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"url": "ftp://example.com/"}, "url", "Invalid URL"),
        ({"url": START, "limit": 0}, "limit", "limit must be greater than 0"),
        ({"url": START, "maxDiscoveryDepth": -1}, "maxDiscoveryDepth", None),
        ({"url": START, "maxConcurrency": 0}, "maxConcurrency", None),
        ({"url": START, "delay": 61}, "delay", None),  # the core's own rule
        ({"url": START, "includePaths": ["ok", "("]}, "includePaths.1", None),
        ({"url": START, "excludePaths": ["[a-"]}, "excludePaths.0", None),
        ({"url": START, "includePaths": ["(?i)docs"]}, "includePaths.0", None),
    ],
)
def test_invalid_crawl_bodies(body: dict[str, Any], field: str, detail: str | None) -> None:
    error = rejected(plan_v2_crawl, body)
    assert error.code in ("INVALID_REQUEST", "INVALID_URL")
    assert (error.details or {}).get("field") == field
    if detail is not None:
        assert error.detail == detail


def test_webhooks_are_refused_rather_than_delivered_in_another_shape() -> None:
    error = rejected(plan_v2_crawl, {"url": START, "webhook": "https://hooks.example/x"})
    assert error.code == "FEATURE_UNAVAILABLE"
    assert (error.details or {}).get("feature") == "firecrawl"


def _filter(body: V2CrawlBody) -> UrlFilter:
    return UrlFilter(
        tuple(include_patterns(body, START)), syntax="regex", full_url=body.regex_on_full_url
    )


def test_start_path_keeps_the_crawl_under_it_and_not_beside_it() -> None:
    allowed = _filter(V2CrawlBody(url=START))
    assert allowed.allows("https://example.com/docs")
    assert allowed.allows("https://example.com/docs/a/b?x=1")
    assert not allowed.allows("https://example.com/docs-archive")
    assert not allowed.allows("https://example.com/")
    assert start_path_pattern("https://example.com/", False) is None
    assert start_path_pattern("https://example.com", False) is None
    assert start_path_pattern("https://example.com/docs/", False) == r"^/docs(?:/|$)"


def test_include_paths_are_anded_with_the_start_path() -> None:
    body = V2CrawlBody(url=START, include_paths=["topic-\\d+$", "^/docs/api"])
    allowed = _filter(body)
    assert allowed.allows("https://example.com/docs/start/topic-3")
    assert allowed.allows("https://example.com/docs/api/x")  # an anchored include still works
    assert not allowed.allows("https://example.com/blog/topic-3")  # include alone would match
    assert not allowed.allows("https://example.com/docs/start")
    everywhere = _filter(V2CrawlBody(url=START, include_paths=["topic"], crawl_entire_domain=True))
    assert everywhere.allows("https://example.com/blog/topic-3")


def test_full_url_patterns_keep_the_start_path_too() -> None:
    body = V2CrawlBody(url=START, include_paths=["example\\.com/.*topic"], regex_on_full_url=True)
    allowed = _filter(body)
    assert allowed.allows("https://example.com/docs/topic-1")
    assert allowed.allows("https://sub.example.com/docs/topic-1")
    assert not allowed.allows("https://example.com/blog/topic-1")
    pattern = start_path_pattern(START, True)
    assert pattern is not None and re.search(pattern, "https://example.com/docs?x=1")


def test_batch_body_maps_options_onto_every_item() -> None:
    body = {
        "urls": ["https://example.com/a", "https://example.com/b"],
        "formats": ["markdown", "links"],
        "timeout": 20_000,
        "onlyMainContent": False,
        "origin": "python-sdk@4.54.0",
    }
    plan = plan_v2_batch(body, make_ctx())
    items = plan.request.items
    assert [item.url for item in items] == body["urls"]
    for item in items:
        assert item.formats == ("markdown",) and item.include_raw_html and item.timeout == 20
        assert not item.advanced.only_main_content
    assert plan.invalid_urls is None


def test_batch_invalid_urls_are_listed_when_skipped() -> None:
    body = {"urls": ["https://example.com/a", "notaurl", "http://"], "ignoreInvalidURLs": True}
    plan = plan_v2_batch(body, make_ctx())
    assert [item.url for item in plan.request.items] == ["https://example.com/a"]
    assert plan.invalid_urls == ("notaurl", "http://")


def test_batch_urls_the_core_refuses_are_listed_too() -> None:
    body = {"urls": ["https://example.com/a", "http://127.0.0.1/x"], "ignoreInvalidURLs": True}
    plan = plan_v2_batch(body, make_ctx())
    assert [item.url for item in plan.request.items] == ["https://example.com/a"]
    assert plan.invalid_urls == ("http://127.0.0.1/x",)


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"urls": ["https://example.com/a", "nope"]}, "urls.1", "Invalid URL: nope"),
        ({"urls": []}, "urls", "Invalid URL: no URLs were given"),
        ({"urls": ["x"], "ignoreInvalidURLs": True}, "urls", None),
        ({"urls": ["https://example.com/"] * 1_001}, "urls", None),
    ],
)
def test_invalid_batch_bodies(body: dict[str, Any], field: str, detail: str | None) -> None:
    error = rejected(plan_v2_batch, body)
    assert error.code in ("INVALID_REQUEST", "INVALID_URL")
    assert (error.details or {}).get("field") == field
    if detail is not None:
        assert error.detail == detail


def test_batch_options_not_served_are_refused() -> None:
    urls = ["https://example.com/a"]
    for extra in ({"appendToId": "0b5e5c9e-0000-0000-0000-000000000000"}, {"webhook": "x"}):
        error = rejected(plan_v2_batch, {"urls": urls, **extra})
        assert error.code == "FEATURE_UNAVAILABLE"
