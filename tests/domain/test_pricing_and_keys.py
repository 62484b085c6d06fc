"""Prices and add-ons (§2), cache key (§6.5), canonical hash and the persisted JSON form."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scrapegate.config import AddonPrices, PricingSettings
from scrapegate.domain.pricing import PriceTable, addon_credits, addon_names, minimum_charge
from scrapegate.domain.scrape_request import ScrapeRequest
from scrapegate.domain.tiers import Tier

from .validation_support import URL, parse

BROWSER = {"render_js": True}


def test_price_table_from_settings() -> None:
    settings = PricingSettings(
        tiers=[1, 2, 3, 4, 5, 6], addons=AddonPrices(screenshot=7, pdf=8, ocr=9, proxy=10)
    )
    prices = PriceTable.from_settings(settings)
    assert [prices.tier_price(t) for t in Tier] == [1, 2, 3, 4, 5, 6]
    assert dict(prices.addons) == {"screenshot": 7, "pdf": 8, "ocr": 9, "proxy": 10}


def test_default_prices_match_the_spec() -> None:
    prices = PriceTable.defaults()
    assert [prices.tier_price(t) for t in Tier] == [200, 300, 2000, 2500, 4000, 20000]
    assert dict(prices.addons) == {"screenshot": 200, "pdf": 400, "ocr": 1000, "proxy": 200}


@pytest.mark.parametrize(
    ("body", "names", "credits"),
    [
        ({}, (), 0),
        ({"screenshot": True, "advanced": BROWSER}, ("screenshot",), 200),
        ({"advanced": {**BROWSER, "screenshot": True}}, ("screenshot",), 200),
        (
            {"advanced": {**BROWSER, "actions": [{"type": "screenshot"}, {"type": "screenshot"}]}},
            ("screenshot",),
            200,
        ),
        ({"advanced": {**BROWSER, "generate_pdf": True}}, ("pdf",), 400),
        ({"advanced": {"render_js": "auto", "actions": [{"type": "pdf"}]}}, ("pdf",), 400),
        ({"mode": "ocr"}, ("ocr",), 1000),
        ({"advanced": {"ocr": True}}, ("ocr",), 1000),
        ({"advanced": {"use_proxy": True}}, ("proxy",), 200),
        (
            {
                "advanced": {
                    **BROWSER,
                    "use_proxy": True,
                    "ocr": True,
                    "generate_pdf": True,
                    "screenshot": True,
                }
            },
            ("screenshot", "pdf", "ocr", "proxy"),
            1800,
        ),
    ],
)
def test_addons(body: dict[str, Any], names: tuple[str, ...], credits: int) -> None:
    req = parse(body)
    assert addon_names(req) == names
    assert addon_credits(req, PriceTable.defaults()) == credits


def test_own_proxy_is_not_charged_as_the_premium_pool() -> None:
    adv = ScrapeRequest(url=URL).advanced
    req = ScrapeRequest(url=URL, advanced=type(adv)(use_proxy=True, use_own_proxy=True))
    assert addon_names(req) == ()


def test_minimum_charge_is_cheapest_start_plus_addons() -> None:
    req = parse({"advanced": {**BROWSER, "screenshot": True}})
    assert minimum_charge(req, PriceTable.defaults()) == 4200


def key(body: dict[str, Any], org: str = "org-1") -> str:
    return parse(body).cache_key(org)


def test_cache_key_normalises_the_url() -> None:
    assert key({"url": "HTTP://Example.COM:80/a#x"}) == key({"url": "http://example.com/a"})
    assert key({"url": "https://example.com:443/"}) == key({"url": "https://example.com"})


@pytest.mark.parametrize(
    "other",
    [
        {"url": "http://example.com/a?x=1"},
        {"url": "http://example.com/A"},
        {"url": "https://example.com/a"},
        {"url": "http://example.com:8080/a"},
        {"url": "http://example.com/a", "mode": "html"},
        {"url": "http://example.com/a", "formats": ["markdown"]},
        {"url": "http://example.com/a", "headers": {"X-A": "1"}},
        {"url": "http://example.com/a", "include_raw_html": True},
        {"url": "http://example.com/a", "extraction_schema": {"price": "number"}},
        {"url": "http://example.com/a", "advanced": {"only_main_content": False}},
        {"url": "http://example.com/a", "advanced": {"cookies": {"sid": "1"}}},
    ],
)
def test_cache_key_differs_when_the_output_would(other: dict[str, Any]) -> None:
    assert key(other) != key({"url": "http://example.com/a"})


def test_cache_key_sorts_formats_and_is_per_organization() -> None:
    a = {"url": URL, "formats": ["json", "markdown"]}
    b = {"url": URL, "formats": ["markdown", "json"]}
    assert key(a) == key(b)
    assert key(a, "org-1") != key(a, "org-2")
    assert key({"url": URL, "headers": {"X-A": "1"}}) == key({"url": URL, "headers": {"x-a": "1"}})


def test_cache_key_ignores_fields_that_do_not_shape_the_output() -> None:
    assert key({"url": URL, "sync": False, "timeout": 30}) == key({"url": URL})


def test_canonical_hash_is_stable_and_order_independent() -> None:
    one = parse({"formats": ["json"], "advanced": {"render_js": "auto", "mobile": True}})
    two = parse({"advanced": {"mobile": True, "render_js": "auto"}, "formats": ["json"]})
    assert one.canonical_hash() == two.canonical_hash()
    assert len(one.canonical_hash()) == 64
    assert one.canonical_hash() != parse({"formats": ["json"]}).canonical_hash()
    assert parse({"sync": True}).canonical_hash() != parse({}).canonical_hash()


def rich_request() -> ScrapeRequest:
    return parse(
        {
            "mode": "auto",
            "formats": ["markdown", "json_v2"],
            "sync": False,
            "timeout": 45,
            "headers": {"X-Trace": "1"},
            "location": {"country": "de", "language": "de"},
            "webhook_url": "https://hooks.example.com/x",
            "webhook_secret": "s" * 20,
            "webhook_events": ["job.failed"],
            "cache": True,
            "cache_ttl": 600,
            "extraction_schema": {"price": "number", "tags": ["string"]},
            "min_tier": 2,
            "wait_for": "#main",
            "advanced": {
                "render_js": True,
                "screenshot": True,
                "cookies": {"sid": "abc"},
                "section_filter": {"min_content_blocks": 2, "exclude_content_types": ["table"]},
                "actions": [
                    {"type": "click", "selector": "#more"},
                    {"type": "wait", "milliseconds": 500},
                ],
                "viewport": {"width": 800, "height": 600},
                "include_selectors": ["main"],
            },
            "cost_controls": {
                "max_tier": "4",
                "max_credits": 9000,
                "time_budget": 60,
                "prefer_speed": True,
            },
        }
    )


def test_json_round_trip() -> None:
    req = rich_request()
    data = json.loads(json.dumps(req.to_json()))
    rebuilt = ScrapeRequest.from_json(data)
    assert rebuilt == req
    assert rebuilt.canonical_hash() == req.canonical_hash()
    assert rebuilt.cache_key("o") == req.cache_key("o")
    assert data["cost_controls"]["max_tier"] == "4"
    assert data["advanced"]["cookies"] == {"sid": "abc"}
    assert data["webhook_secret"] == "s" * 20


def test_json_round_trip_of_defaults_and_partial_data() -> None:
    assert ScrapeRequest.from_json(ScrapeRequest(url=URL).to_json()) == ScrapeRequest(url=URL)
    assert ScrapeRequest.from_json({"url": URL, "timeout": 30}).timeout == 30.0
