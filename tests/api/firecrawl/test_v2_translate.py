"""Firecrawl v2 bodies become the core requests the AlterLab routes would build."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.api.firecrawl.v2_translate import plan_v2_map, plan_v2_scrape
from scrapegate.errors import FeatureUnavailable, InvalidRequest, ScrapegateError
from tests.domain.validation_support import make_ctx

URL = "https://example.com/page?ref=x"
# What the official Python client sends whenever a scrape carries any option.
CLIENT_DEFAULTS: dict[str, Any] = {
    "onlyMainContent": True,
    "mobile": False,
    "skipTlsVerification": True,
    "removeBase64Images": True,
    "fastMode": False,
    "blockAds": True,
    "maxAge": 14_400_000,
    "storeInCache": True,
    "origin": "python-sdk@4.54.0",
}


def rejected(body: dict[str, Any], **ctx: Any) -> ScrapegateError:
    with pytest.raises(ScrapegateError) as caught:
        plan_v2_scrape({"url": URL, **body}, make_ctx(**ctx))
    return caught.value


def test_client_defaults_and_unknown_keys_are_accepted() -> None:
    body = {"url": URL, "formats": ["markdown"], **CLIENT_DEFAULTS, "somethingNew": {"a": 1}}
    plan = plan_v2_scrape(body, make_ctx())
    req = plan.request
    assert req.url == URL and req.formats == ("markdown",)
    assert req.timeout == 60 and plan.hold_seconds == 60
    assert req.cache is True and req.cache_ttl == 14_400 and not req.force_refresh
    assert req.advanced.skip_tls_verification and req.advanced.only_main_content
    assert plan.view.markdown and not plan.view.html and plan.view.cache_lookup


def test_formats_map_onto_core_outputs() -> None:
    plan = plan_v2_scrape(
        {"url": URL, "formats": ["html", "rawHtml", "links", "images"]}, make_ctx()
    )
    assert plan.request.formats == ("html", "raw")
    assert plan.request.include_raw_html  # links are read from the raw page
    view = plan.view
    assert (view.markdown, view.html, view.raw_html, view.links) == (False, True, True, True)
    assert view.warnings == ('Format "images" is not supported by this server and was ignored',)


def test_links_alone_still_asks_the_core_for_one_format() -> None:
    plan = plan_v2_scrape({"url": URL, "formats": ["links"]}, make_ctx())
    assert plan.request.formats == ("text",) and plan.request.include_raw_html


def test_full_page_screenshot_renders_in_a_browser() -> None:
    plan = plan_v2_scrape({"url": URL, "formats": ["screenshot@fullPage"]}, make_ctx())
    adv = plan.request.advanced
    assert adv.screenshot and adv.full_page_screenshot and adv.render_js is True
    assert plan.view.screenshot
    plain = plan_v2_scrape({"url": URL, "formats": [{"type": "screenshot"}]}, make_ctx())
    assert plain.request.advanced.full_page_screenshot is False


@pytest.mark.parametrize(
    ("body", "message", "path"),
    [
        ({"formats": ["bogus"]}, "Invalid format: bogus", "formats"),
        (
            {"formats": ["screenshot", "screenshot@fullPage"]},
            "Only one screenshot format is allowed",
            "formats",
        ),
        ({"formats": [{"type": "json"}]}, "json format requires a schema or a prompt", "formats"),
        ({"timeout": 500}, "timeout must be between 1000 and 300000", "timeout"),
        ({"waitFor": 70_000}, "waitFor must be between 0 and 60000", "waitFor"),
        (
            {"waitFor": 3_000, "timeout": 5_000},
            "waitFor must not exceed half of timeout",
            "waitFor",
        ),
        ({"actions": [{"type": "fly"}]}, "Invalid action type: fly", "actions.0.type"),
        ({"actions": [{"type": "wait", "milliseconds": 1}] * 51}, "Too many actions", "actions"),
        ({"parsers": ["docx"]}, "parsers must be an array of supported parsers", "parsers"),
    ],
)
def test_firecrawl_rules(body: dict[str, Any], message: str, path: str) -> None:
    error = rejected(body)
    assert isinstance(error, InvalidRequest)
    assert error.detail == message and (error.details or {})["field"] == path


def test_a_missing_or_non_http_url_is_invalid() -> None:
    for body in ({}, {"url": "ftp://example.com/x"}, {"url": "example.com"}):
        with pytest.raises(InvalidRequest) as caught:
            plan_v2_scrape(body, make_ctx())
        assert caught.value.detail == "Invalid URL"


def test_actions_and_wait_for_become_core_actions() -> None:
    actions = [
        {"type": "click", "selector": "#go"},
        {"type": "write", "text": "hello"},
        {"type": "press", "key": "Enter"},
        {"type": "wait", "selector": "#done"},
        {"type": "scrape"},
        {"type": "executeJavascript", "script": "1 + 1"},
    ]
    plan = plan_v2_scrape({"url": URL, "waitFor": 45_000, "actions": actions}, make_ctx())
    core = [(a.type, a.milliseconds) for a in plan.request.advanced.actions]
    assert core == [
        ("wait", 30_000),
        ("wait", 15_000),
        ("click", None),
        ("type", None),
        ("press", None),
        ("wait_for", None),
        ("snapshot", None),
        ("evaluate", None),
    ]
    assert plan.request.browser_required


def test_total_action_waiting_is_bounded() -> None:
    error = rejected({"waitFor": 30_000, "actions": [{"type": "wait", "milliseconds": 31_000}]})
    assert error.detail == "Total wait time of actions must not exceed 60 seconds"


def test_without_a_browser_firecrawl_names_the_option() -> None:
    error = rejected({"actions": [{"type": "scrape"}]}, browser_available=False)
    assert isinstance(error, FeatureUnavailable) and error.details == {"feature": "actions"}
    shot = rejected({"formats": ["screenshot"]}, browser_available=False)
    assert shot.details == {"feature": "screenshot"}


def test_json_and_summary_are_not_served() -> None:
    for entry in ({"type": "json", "schema": {"type": "object"}}, "summary"):
        error = rejected({"formats": [entry]})
        assert isinstance(error, FeatureUnavailable) and error.details == {"feature": "firecrawl"}


@pytest.mark.parametrize(
    ("body", "cache", "ttl", "refresh"),
    [
        ({}, True, 86_400, False),  # absent: two days, capped at the core's one
        ({"maxAge": 0}, True, 86_400, True),  # store without a lookup
        ({"maxAge": 0, "storeInCache": False}, False, None, False),
        ({"maxAge": 10_000}, True, 60, False),
        ({"zeroDataRetention": True}, False, None, False),
    ],
)
def test_cache_options(body: dict[str, Any], cache: bool, ttl: int | None, refresh: bool) -> None:
    req = plan_v2_scrape({"url": URL, **body}, make_ctx()).request
    assert req.cache is cache and req.force_refresh is refresh
    if ttl is not None:
        assert req.cache_ttl == ttl


def test_location_and_proxy() -> None:
    body = {"url": URL, "location": {"country": "US-generic", "languages": ["en-US", "de"]}}
    req = plan_v2_scrape({**body, "proxy": "stealth"}, make_ctx()).request
    assert req.location is not None and (req.location.country, req.location.language) == (
        "US",
        "en-US",
    )
    assert req.advanced.use_proxy and req.cost_controls.prefer_speed
    no_geo = rejected({"location": {"country": "DE"}}, geo_proxies=False)
    assert no_geo.details == {"feature": "geo_targeting"}


def test_map_defaults_and_limits() -> None:
    plan = plan_v2_map({"url": URL, "origin": "python-sdk"}, make_ctx())
    req = plan.request
    assert (req.max_pages, req.max_depth, req.sitemap) == (5_000, 3, "include")
    assert req.include_subdomains and req.ignore_query_parameters and not req.include_metadata
    assert not plan.explicit_timeout and req.timeout == 25.0
    timed = plan_v2_map({"url": URL, "timeout": 30_000, "sitemap": "skip"}, make_ctx())
    assert (
        timed.explicit_timeout and timed.request.timeout == 30 and timed.request.sitemap == "skip"
    )
    for limit in (0, 30_001):
        with pytest.raises(InvalidRequest) as caught:
            plan_v2_map({"url": URL, "limit": limit}, make_ctx())
        assert caught.value.detail == "limit must be between 1 and 30000"
