"""Spec core-api §5 rules 28-52: error code, exact ``detail`` and ``details.field``."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.errors import LLMKeyMissing

from .validation_support import BAD, BROWSER_ONLY, URL, assert_rejected, case, parse, rejection

RULES = [
    case("r28", {"cache_ttl": 600}, BAD, "cache_ttl requires cache=true", "cache_ttl"),
    case(
        "r28-cache-false",
        {"cache": False, "cache_ttl": 600},
        BAD,
        "cache_ttl requires cache=true",
        "cache_ttl",
    ),
    case(
        "r29",
        {"cache": True, "cache_ttl": 59},
        BAD,
        "cache_ttl must be between 60 and 86400 seconds",
        "cache_ttl",
    ),
    case(
        "r30",
        {"cache": True, "method": "post"},
        BAD,
        "cache can only be used with method GET",
        "cache",
    ),
    case(
        "r31",
        {"method": "HEAD"},
        BAD,
        "method must be one of: DELETE, GET, PATCH, POST, PUT",
        "method",
    ),
    case(
        "r32",
        {"body": "a=1"},
        BAD,
        "body cannot be used with method 'GET'. Use method 'POST' (or PUT/PATCH) to send a "
        "request body.",
        "body",
    ),
    case(
        "r33",
        {"method": "POST", "body": {"a": 1}},
        BAD,
        "body must be a string; serialise JSON before sending",
        "body",
    ),
    case(
        "r34",
        {"method": "POST", "body": "x", "content_type": "text/html"},
        BAD,
        "content_type must be one of: application/json, application/x-www-form-urlencoded, "
        "text/plain, application/graphql",
        "content_type",
    ),
    case(
        "r35-render",
        {"method": "PUT", **BROWSER_ONLY},
        BAD,
        "method PUT cannot be combined with browser rendering",
        "method",
    ),
    case(
        "r35-mode",
        {"method": "post", "mode": "js"},
        BAD,
        "method POST cannot be combined with browser rendering",
        "method",
    ),
    case(
        "r35-actions",
        {"method": "DELETE", "advanced": {"render_js": "auto", "actions": [{"type": "snapshot"}]}},
        BAD,
        "method DELETE cannot be combined with browser rendering",
        "method",
    ),
    case(
        "r36",
        {"headers": {f"X-H{i}": "v" for i in range(51)}},
        BAD,
        "headers must contain at most 50 entries",
        "headers",
    ),
    case(
        "r37",
        {"headers": {"Bad Header": "v"}},
        BAD,
        'Header name "Bad Header" must be 1-256 token characters',
        "headers",
    ),
    case(
        "r37-long",
        {"headers": {"X" * 257: "v"}},
        BAD,
        f'Header name "{"X" * 257}" must be 1-256 token characters',
        "headers",
    ),
    case(
        "r38-newline",
        {"headers": {"X-A": "a\r\nInjected: 1"}},
        BAD,
        'Header "X-A" value must be at most 8192 characters without line breaks',
        "headers",
    ),
    case(
        "r38-long",
        {"headers": {"X-A": "a" * 8193}},
        BAD,
        'Header "X-A" value must be at most 8192 characters without line breaks',
        "headers",
    ),
    case(
        "r39",
        {"headers": {"X-Ok": "1", "Transfer-Encoding": "chunked"}},
        BAD,
        'Header "Transfer-Encoding" is a hop-by-hop or connection-control header and cannot be '
        "forwarded",
        "headers",
    ),
    case(
        "r40",
        {"max_response_bytes": 52_428_801},
        BAD,
        "max_response_bytes must be between 0 and 52428800",
        "max_response_bytes",
    ),
    case(
        "r41-location",
        {"location": {"country": "XX"}},
        BAD,
        "location.country must be an ISO 3166-1 alpha-2 code",
        "location.country",
    ),
    case(
        "r41-legacy",
        {"country": "DEU"},
        BAD,
        "location.country must be an ISO 3166-1 alpha-2 code",
        "country",
    ),
    case(
        "r41-proxy-country",
        {"advanced": {"proxy_country": 49}},
        BAD,
        "location.country must be an ISO 3166-1 alpha-2 code",
        "advanced.proxy_country",
    ),
    case(
        "r43",
        {"country": "de"},
        BAD,
        'No proxy is available for country "DE"',
        "location.country",
        geo_countries=frozenset({"US", "FR"}),
    ),
    case(
        "r44-http",
        {"webhook_url": "http://hooks.example.com/x"},
        BAD,
        "webhook_url must be an https URL",
        "webhook_url",
    ),
    case(
        "r44-not-url",
        {"webhook_url": "hooks"},
        BAD,
        "webhook_url must be an https URL",
        "webhook_url",
    ),
    case(
        "r44-bad-brackets",
        {"webhook_url": "https://[::1/hook"},
        BAD,
        "webhook_url must be an https URL",
        "webhook_url",
    ),
    case(
        "r44-too-long",
        {"webhook_url": "https://hooks.example.com/" + "a" * 2_030},
        BAD,
        "webhook_url must be an https URL",
        "webhook_url",
    ),
    case(
        "r44-type",
        {"webhook_url": ["https://hooks.example.com/"]},
        BAD,
        "webhook_url must be an https URL",
        "webhook_url",
    ),
    case(
        "r44-dev-other-host",
        {"webhook_url": "http://hooks.example.com/x"},
        BAD,
        "webhook_url must be an https URL",
        "webhook_url",
        development=True,
    ),
    case(
        "r45",
        {"webhook_url": "https://10.1.2.3/hook"},
        "URL_NOT_ALLOWED",
        "webhook_url resolves to a private network address",
        "webhook_url",
    ),
    case(
        "r45-localhost",
        {"webhook_url": "https://localhost/hook"},
        "URL_NOT_ALLOWED",
        "webhook_url resolves to a private network address",
        "webhook_url",
    ),
    case(
        "r46",
        {"extraction_schema": ["name"]},
        BAD,
        "extraction_schema must be a JSON object",
        "extraction_schema",
    ),
    case(
        "r47",
        {"extraction_schema": {"description": "x" * 65_536}},
        BAD,
        "extraction_schema must not exceed 65536 bytes",
        "extraction_schema",
    ),
    case(
        "r48-json-schema",
        {"extraction_schema": {"type": "object", "properties": {"price": {"type": "money"}}}},
        BAD,
        'extraction_schema is not a valid schema: "money" at /properties/price is not a JSON '
        "Schema type",
        "extraction_schema",
    ),
    case(
        "r48-shorthand",
        {"extraction_schema": {"price": "money"}},
        BAD,
        'extraction_schema is not a valid schema: field "price" has unknown type "money"',
        "extraction_schema",
    ),
    case(
        "r49",
        {"extraction_prompt": "p" * 4001},
        BAD,
        "extraction_prompt must be at most 4000 characters",
        "extraction_prompt",
    ),
    case(
        "r50",
        {"extraction_profile": "blog"},
        BAD,
        "extraction_profile must be one of: auto, product, article, job_posting, faq, recipe, "
        "event, ecommerce_homepage, directory_listing",
        "extraction_profile",
    ),
    case(
        "r51",
        {"extraction_prompt": "Get the price"},
        "LLM_KEY_MISSING",
        "extraction_prompt requires an LLM: register a key with POST /api/v1/user/llm-keys or "
        "ask the operator to configure a server LLM",
        "extraction_prompt",
        llm_available=False,
    ),
    case(
        "r52",
        {"extraction_provider": "anthropic"},
        "LLM_KEY_MISSING",
        "No valid anthropic key is registered",
        "extraction_provider",
        llm_available=False,
    ),
]


@pytest.mark.parametrize(("body", "ctx", "code", "detail", "field"), RULES)
def test_rule_rejects_with_exact_error(
    body: dict[str, Any], ctx: dict[str, Any], code: str, detail: str, field: str | None
) -> None:
    assert_rejected(body, ctx, code, detail, field)


def test_rule_43_lists_available_countries() -> None:
    error = rejection({"url": URL, "country": "DE"}, geo_countries=frozenset({"US", "FR"}))
    assert error.details == {"field": "location.country", "available_countries": ["FR", "US"]}


def test_rule_51_and_52_use_the_llm_key_missing_class() -> None:
    error = rejection({"url": URL, "extraction_prompt": "x"}, llm_available=False)
    assert isinstance(error, LLMKeyMissing)


def test_http_webhook_on_localhost_is_allowed_in_development_only() -> None:
    body = {"url": URL, "webhook_url": "http://127.0.0.1:9000/hook"}
    assert rejection(body).detail == "webhook_url must be an https URL"
    assert parse(body, development=True).webhook_url == "http://127.0.0.1:9000/hook"


def test_private_webhooks_can_be_allowed_but_metadata_never() -> None:
    assert parse({"webhook_url": "https://10.1.2.3/h"}, webhooks_allow_private=True).webhook_url
    error = rejection(
        {"url": URL, "webhook_url": "https://169.254.169.254/h"}, webhooks_allow_private=True
    )
    assert error.code == "URL_NOT_ALLOWED"
