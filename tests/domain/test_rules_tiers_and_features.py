"""Spec core-api §5 rules 53-73: error code, exact ``detail`` and ``details.field``."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.domain.netrules import NetPolicy
from scrapegate.errors import FeatureUnavailable, NotFound

from .validation_support import BAD, BROWSER_ONLY, URL, assert_rejected, case, parse, rejection

RULES = [
    case(
        "r53-max",
        {"cost_controls": {"max_tier": "6"}},
        BAD,
        "max_tier must be one of: 1, 2, 3, 3.5, 4, 5",
        "cost_controls.max_tier",
    ),
    case(
        "r53-force",
        {"cost_controls": {"force_tier": 2.5}},
        BAD,
        "force_tier must be one of: 1, 2, 3, 3.5, 4, 5",
        "cost_controls.force_tier",
    ),
    case(
        "r53-min",
        {"min_tier": "browser"},
        BAD,
        "min_tier must be one of: 1, 2, 3, 3.5, 4, 5",
        "min_tier",
    ),
    case(
        "r54",
        {"cost_controls": {"force_tier": "4", "max_tier": 3}},
        BAD,
        "force_tier (4) cannot exceed max_tier (3)",
        "cost_controls.force_tier",
    ),
    case(
        "r55-negative",
        {"cost_controls": {"max_credits": -1}},
        BAD,
        "max_credits must be greater than or equal to 0",
        "cost_controls.max_credits",
    ),
    case(
        "r55-type",
        {"cost_controls": {"max_credits": "100"}},
        BAD,
        "max_credits must be greater than or equal to 0",
        "cost_controls.max_credits",
    ),
    case(
        "r56",
        {"cost_controls": {"time_budget": 4}},
        BAD,
        "time_budget must be between 5 and 300 seconds",
        "cost_controls.time_budget",
    ),
    case(
        "r57",
        {"cost_controls": {"prefer_cost": True, "prefer_speed": True}},
        BAD,
        "prefer_cost and prefer_speed are mutually exclusive",
        "cost_controls.prefer_cost",
    ),
    case(
        "r57-asp",
        {"asp": True, "cost_controls": {"prefer_cost": True}},
        BAD,
        "prefer_cost and prefer_speed are mutually exclusive",
        "cost_controls.prefer_cost",
    ),
    case(
        "r58-max",
        {"cost_controls": {"max_tier": "3"}, **BROWSER_ONLY},
        BAD,
        'render_js=true requires tier 4 but max_tier is "3"',
        "cost_controls.max_tier",
    ),
    case(
        "r58-force",
        {"wait_for": "#main", "cost_controls": {"force_tier": "2"}},
        BAD,
        'wait_for requires tier 3.5 but force_tier is "2"',
        "cost_controls.force_tier",
    ),
    case(
        "r58-mode",
        {"mode": "html", **BROWSER_ONLY},
        BAD,
        'render_js=true requires tier 4 but mode is "html"',
        "mode",
    ),
    case(
        "r59",
        {"cost_controls": {"max_credits": 199}},
        BAD,
        "max_credits (199) is below the cost of the cheapest allowed attempt (200)",
        "cost_controls.max_credits",
    ),
    case(
        "r59-addons",
        {
            "advanced": {"render_js": True, "screenshot": True, "use_proxy": True},
            "cost_controls": {"max_credits": 4399.9},
        },
        BAD,
        "max_credits (4399) is below the cost of the cheapest allowed attempt (4400)",
        "cost_controls.max_credits",
    ),
    case(
        "r63",
        {"mode": "ocr", "ocr_language": "eng+fra"},
        BAD,
        'ocr_language "fra" is not installed. Available: deu, eng',
        "ocr_language",
    ),
    case(
        "r64",
        {"pdf_format": "html"},
        BAD,
        "pdf_format must be one of: markdown, text",
        "pdf_format",
    ),
    case(
        "r65",
        {"advanced": {"proxy_integration_id": "3f2c5a4e-8b1d-4c7e-9a0f-2b6d8e1c4a57"}},
        BAD,
        "proxy_integration_id requires use_own_proxy=true",
        "advanced.proxy_integration_id",
    ),
    case(
        "r66",
        {"advanced": {"use_own_proxy": True, "use_system_proxy": True}},
        BAD,
        "use_own_proxy and use_system_proxy are mutually exclusive",
        "advanced.use_own_proxy",
    ),
    # No proxy integrations exist in this version, so rule 68 is reached only as rule 67.
    case(
        "r67-r68",
        {
            "advanced": {
                "use_own_proxy": True,
                "proxy_integration_id": "3f2c5a4e-8b1d-4c7e-9a0f-2b6d8e1c4a57",
            }
        },
        BAD,
        "use_own_proxy requires a proxy integration",
        "advanced.use_own_proxy",
    ),
    case(
        "r72-long",
        {"wait_for": "#" + "a" * 1000},
        BAD,
        "wait_for must be a valid CSS selector of at most 1000 characters",
        "wait_for",
    ),
    case(
        "r72-syntax",
        {"wait_for": "div[data-x="},
        BAD,
        "wait_for must be a valid CSS selector of at most 1000 characters",
        "wait_for",
    ),
    case(
        "r72-type",
        {"wait_for": 5},
        BAD,
        "wait_for must be a valid CSS selector of at most 1000 characters",
        "wait_for",
    ),
]


@pytest.mark.parametrize(("body", "ctx", "code", "detail", "field"), RULES)
def test_rule_rejects_with_exact_error(
    body: dict[str, Any], ctx: dict[str, Any], code: str, detail: str, field: str | None
) -> None:
    assert_rejected(body, ctx, code, detail, field)


FEATURES = [
    pytest.param(
        {"country": "DE"},
        {"geo_proxies": False},
        "Geo-targeting is not configured on this server",
        "geo_targeting",
        id="r42",
    ),
    pytest.param(
        {"cost_controls": {"force_tier": "5"}},
        {"captcha_configured": False},
        "Tier 5 (CAPTCHA solving) is not configured on this server",
        "captcha",
        id="r60-force",
    ),
    pytest.param(
        {"min_tier": 5},
        {"captcha_configured": False},
        "Tier 5 (CAPTCHA solving) is not configured on this server",
        "captcha",
        id="r60-min",
    ),
    pytest.param(
        BROWSER_ONLY,
        {"browser_available": False},
        "Browser rendering is not available on this server",
        "browser",
        id="r61-render",
    ),
    pytest.param(
        {"mode": "js"},
        {"browser_available": False},
        "Browser rendering is not available on this server",
        "browser",
        id="r61-mode",
    ),
    pytest.param(
        {"wait_for": "#app"},
        {"browser_available": False},
        "Browser rendering is not available on this server",
        "browser",
        id="r61-wait-for",
    ),
    pytest.param(
        {"cost_controls": {"force_tier": 3.5}},
        {"browser_available": False},
        "Browser rendering is not available on this server",
        "browser",
        id="r61-force",
    ),
    pytest.param(
        {"advanced": {"render_js": "auto", "scroll_to_load": True}},
        {"browser_available": False},
        "Browser rendering is not available on this server",
        "browser",
        id="r61-scroll",
    ),
    pytest.param(
        {"mode": "pdf"},
        {"pdf_available": False},
        "PDF parsing is not available on this server",
        "pdf",
        id="pdf-mode",
    ),
    pytest.param(
        {"mode": "ocr"},
        {"ocr_available": False},
        "OCR is not available on this server",
        "ocr",
        id="r62-mode",
    ),
    pytest.param(
        {"advanced": {"ocr": True}},
        {"ocr_available": False},
        "OCR is not available on this server",
        "ocr",
        id="r62-advanced",
    ),
]


TYPE_ERRORS = [
    ({"sync": "true"}, "sync must be a boolean", "sync"),
    ({"sync": 1}, "sync must be a boolean", "sync"),
    ({"timeout": "60"}, "timeout must be a number", "timeout"),
    ({"timeout": True}, "timeout must be a number", "timeout"),
    ({"force_refresh": 0}, "force_refresh must be a boolean", "force_refresh"),
    ({"screenshot": "false"}, "screenshot must be a boolean", "screenshot"),
    ({"advanced": []}, "advanced must be an object", "advanced"),
    ({"advanced": {"mobile": 1}}, "mobile must be a boolean", "advanced.mobile"),
    (
        {"advanced": {"scroll_count": 2.5}},
        "scroll_count must be an integer",
        "advanced.scroll_count",
    ),
    (
        {"advanced": {"cookies": {"a": 1}}},
        "cookies must be an object of strings",
        "advanced.cookies",
    ),
    ({"cost_controls": "cheap"}, "cost_controls must be an object", "cost_controls"),
    (
        {"cost_controls": {"fail_fast": "yes"}},
        "fail_fast must be a boolean",
        "cost_controls.fail_fast",
    ),
    ({"location": "DE"}, "location must be an object", "location"),
    ({"headers": {"X-A": 1}}, "headers must be an object of strings", "headers"),
    ({"cache": "yes"}, 'cache must be true, false, or "only"', "cache"),
    ({"extraction_prompt": ["x"]}, "extraction_prompt must be a string", "extraction_prompt"),
    (
        {"advanced": {"render_js": True, "actions": [{"type": "wait", "milliseconds": "5"}]}},
        "actions[0].milliseconds must be an integer",
        "advanced.actions[0].milliseconds",
    ),
]


@pytest.mark.parametrize(("body", "ctx", "detail", "feature"), FEATURES)
def test_missing_capability_is_501(
    body: dict[str, Any], ctx: dict[str, Any], detail: str, feature: str
) -> None:
    error = rejection({"url": URL, **body}, **ctx)
    assert isinstance(error, FeatureUnavailable)
    assert (error.code, error.detail, error.details) == (
        "FEATURE_UNAVAILABLE",
        detail,
        {"feature": feature},
    )


def test_rule_69_unknown_session_is_404() -> None:
    # No stored sessions exist in this version, so rules 70-71 cannot be reached.
    error = rejection({"url": URL, "advanced": {"session_id": "not-even-a-uuid"}})
    assert isinstance(error, NotFound)
    assert (error.code, error.detail) == ("NOT_FOUND", "Session not found")


def test_rule_73_robots_is_left_to_the_fetch_stage() -> None:
    assert parse({"respect_robots": True}).respect_robots is True


def test_render_js_auto_alone_needs_no_browser() -> None:
    req = parse({"advanced": {"render_js": "auto"}}, browser_available=False)
    assert req.browser_required is False


@pytest.mark.parametrize(("body", "detail", "field"), TYPE_ERRORS)
def test_wrong_types_are_named(body: dict[str, Any], detail: str, field: str) -> None:
    error = rejection({"url": URL, **body})
    assert (error.code, error.detail, (error.details or {}).get("field")) == (BAD, detail, field)


def test_deny_list_and_port_rules_use_the_policy() -> None:
    policy = NetPolicy.build(allow_private=False, deny_hosts=["blocked.example"])
    error = rejection({"url": "https://www.blocked.example/x"}, policy=policy)
    assert (error.code, error.detail) == (
        "URL_NOT_ALLOWED",
        "Scraping www.blocked.example is not allowed on this server.",
    )
    error = rejection({"url": "https://example.com:2222/x"})
    assert (error.code, error.detail) == ("URL_NOT_ALLOWED", "Port 2222 is not allowed.")
    assert parse({"url": "https://example.com:8443/x"}).target.port == 8443


def test_evaluate_action_is_501_when_the_operator_disabled_it() -> None:
    body = {
        "url": URL,
        "advanced": {"render_js": True, "actions": [{"type": "evaluate", "script": "1 + 1"}]},
    }
    error = rejection(body, browser_available=True, allow_evaluate=False)
    assert isinstance(error, FeatureUnavailable)
    assert error.detail == "The evaluate action is disabled on this server"
    allowed = parse({"advanced": body["advanced"]}, browser_available=True)
    assert allowed.advanced.actions[0].type == "evaluate"
