"""Defaults, aliases and normalisation of accepted scrape requests; floor tier (§3.1)."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.domain.scrape_request import Action, ScrapeRequest, parse_estimate_request
from scrapegate.domain.tiers import Tier

from .validation_support import URL, make_ctx, parse


def test_defaults_of_a_minimal_request() -> None:
    req = parse({})
    assert req == ScrapeRequest(url=URL)
    assert (req.mode, req.sync, req.formats, req.timeout, req.method) == (
        "auto",
        None,
        None,
        90.0,
        "GET",
    )
    assert (req.cache, req.cache_ttl, req.max_response_bytes, req.pdf_format) == (
        False,
        3600,
        5_242_880,
        "markdown",
    )
    adv = req.advanced
    assert (adv.render_js, adv.wait_condition, adv.scroll_count, adv.only_main_content) == (
        False,
        "networkidle",
        3,
        True,
    )
    assert req.cost_controls.max_tier is None
    assert req.cost_controls.resolved_max_tier(captcha_auto_escalate=False) is Tier.BROWSER
    assert req.cost_controls.fail_fast_tier is Tier.LIGHTJS


def test_estimate_uses_the_same_rules() -> None:
    body = {"url": URL, "advanced": {"render_js": True}}
    assert parse_estimate_request(body, make_ctx()) == parse(body)


@pytest.mark.parametrize(
    ("body", "path", "expected"),
    [
        ({"mode": "light"}, "mode", "html"),
        ({"method": "post"}, "method", "POST"),
        ({"sync": False}, "sync", False),
        ({"sync": None}, "sync", None),
        ({"formats": ["markdown", "json", "markdown"]}, "formats", ("markdown", "json")),
        ({"formats": ["json"], "advanced": {"markdown": True}}, "formats", ("json", "markdown")),
        ({"advanced": {"markdown": True}}, "formats", None),
        ({"screenshot": True, "advanced": {"render_js": True}}, "advanced.screenshot", True),
        ({"wait_until": "load"}, "advanced.wait_condition", "load"),
        (
            {"wait_until": "load", "advanced": {"wait_condition": "domcontentloaded"}},
            "advanced.wait_condition",
            "domcontentloaded",
        ),
        ({"country": "de"}, "location.country", "DE"),
        ({"advanced": {"proxy_country": "fr"}}, "location.country", "FR"),
        (
            {"location": {"country": "us"}, "advanced": {"proxy_country": "FR"}},
            "location.country",
            "US",
        ),
        ({"location": {"language": "de-AT"}}, "location.language", "de-AT"),
        ({"asp": True}, "cost_controls.prefer_speed", True),
        ({"cost_controls": {"max_tier": 3}}, "cost_controls.max_tier", Tier.STEALTH),
        ({"cost_controls": {"max_tier": 3.5}}, "cost_controls.max_tier", Tier.LIGHTJS),
        ({"cost_controls": {"force_tier": "3.0"}}, "cost_controls.force_tier", Tier.STEALTH),
        ({"min_tier": "2"}, "min_tier", Tier.HTTP),
        ({"cost_controls": {"max_credits": 2500.9}}, "cost_controls.max_credits", 2500),
        ({"cost_controls": {"max_credits": 0}}, "cost_controls.max_credits", None),
        ({"advanced": {"render_js": "auto"}}, "advanced.render_js", "auto"),
        ({"method": "POST", "body": "{}"}, "content_type", "application/json"),
        ({"cache": True}, "cache_ttl", 3600),
        ({"cache": "only", "cache_ttl": 60}, "cache_ttl", 60),
        ({"timeout": 30}, "timeout", 30.0),
        ({"max_response_bytes": 0}, "max_response_bytes", 0),
        ({"totally_unknown": {"x": 1}, "formats": None}, "formats", None),
        (
            {"advanced": {"section_filter": {"exclude_content_types": ["table", "code", "table"]}}},
            "advanced.section_filter.exclude_content_types",
            ("table", "code"),
        ),
        ({"advanced": {"viewport": {"width": 1920}}}, "advanced.viewport.height", 768),
        ({"advanced": {"rag_chunk_tokens": 100}}, "advanced.rag_overlap_tokens", 50),
    ],
)
def test_normalisation(body: dict[str, Any], path: str, expected: Any) -> None:
    value: Any = parse(body)
    for part in path.split("."):
        value = getattr(value, part)
    assert value == expected


def test_cache_ttl_default_comes_from_the_server() -> None:
    req = parse({"cache": True}, default_cache_ttl_s=900)
    assert req.cache_ttl == 900


def test_action_defaults_apply_per_type() -> None:
    actions = parse(
        {
            "advanced": {
                "render_js": True,
                "actions": [
                    {"type": "click", "selector": "#more"},
                    {"type": "wait_for", "selector": ".item"},
                    {"type": "infinite_scroll"},
                    {"type": "pdf", "format": "Letter"},
                ],
            }
        }
    ).advanced.actions
    assert actions == (
        Action(type="click", selector="#more", all=False, button="left", count=1, timeout_ms=5000),
        Action(type="wait_for", selector=".item", timeout_ms=10_000, state="visible"),
        Action(type="infinite_scroll", max_scrolls=10, delay_ms=1000),
        Action(type="pdf", format="Letter", landscape=False),
    )


@pytest.mark.parametrize(
    ("body", "floor", "feature"),
    [
        ({}, Tier.CURL, None),
        ({"advanced": {"render_js": "auto"}}, Tier.CURL, None),
        ({"mode": "html"}, Tier.CURL, None),
        ({"wait_for": "#app"}, Tier.LIGHTJS, "wait_for"),
        ({"mode": "js"}, Tier.BROWSER, 'mode "js"'),
        ({"advanced": {"render_js": True}}, Tier.BROWSER, "render_js=true"),
        (
            {"advanced": {"render_js": "auto", "actions": [{"type": "snapshot"}]}},
            Tier.BROWSER,
            "actions",
        ),
        ({"screenshot": True, "advanced": {"render_js": True}}, Tier.BROWSER, "render_js=true"),
        (
            {"advanced": {"render_js": "auto", "scroll_to_load": True}},
            Tier.BROWSER,
            "scroll_to_load",
        ),
        (
            {"advanced": {"render_js": "auto", "include_iframes": True}},
            Tier.BROWSER,
            "include_iframes",
        ),
        (
            {"advanced": {"render_js": "auto", "flatten_shadow_dom": True}},
            Tier.BROWSER,
            "flatten_shadow_dom",
        ),
        (
            {"wait_for": "#a", "advanced": {"render_js": "auto", "scroll_to_load": True}},
            Tier.BROWSER,
            "scroll_to_load",
        ),
    ],
)
def test_floor_tier(body: dict[str, Any], floor: Tier, feature: str | None) -> None:
    req = parse(body)
    assert req.floor_feature == (floor, feature)
    assert req.floor_tier is floor
    assert req.browser_required is floor.needs_browser


def test_floor_features_without_render_js_flag() -> None:
    req = ScrapeRequest(url=URL).advanced
    assert ScrapeRequest(url=URL, advanced=type(req)(generate_pdf=True)).floor_tier is Tier.BROWSER
    assert ScrapeRequest(url=URL, advanced=type(req)(screenshot=True)).floor_feature == (
        Tier.BROWSER,
        "screenshot",
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, Tier.CURL),
        ({"min_tier": "3"}, Tier.STEALTH),
        ({"wait_for": "#a", "min_tier": "2"}, Tier.LIGHTJS),
        ({"wait_for": "#a", "cost_controls": {"force_tier": "4"}}, Tier.BROWSER),
        ({"cost_controls": {"force_tier": "2"}}, Tier.HTTP),
    ],
)
def test_lowest_start_tier(body: dict[str, Any], expected: Tier) -> None:
    assert parse(body).lowest_start_tier is expected


def test_browser_required_by_forced_or_minimum_tier() -> None:
    assert parse({"cost_controls": {"force_tier": "4"}}).browser_required is True
    assert parse({"min_tier": "3.5"}).browser_required is True
    assert parse({"min_tier": "3"}).browser_required is False


def test_null_values_mean_absent() -> None:
    body = {
        "mode": None,
        "timeout": None,
        "advanced": None,
        "cost_controls": None,
        "location": None,
        "wait_for": None,
        "webhook_url": None,
        "cache": None,
    }
    assert parse(body) == ScrapeRequest(url=URL)
