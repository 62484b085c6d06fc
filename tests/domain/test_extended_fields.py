"""Fields without a numbered rule (extended options, actions' own fields) and schema checking."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.domain.schema_check import schema_problem

from .validation_support import BAD, assert_rejected, case, parse

JS = {"render_js": True}

EXTENDED = [
    case(
        "wait-for-timeout",
        {"wait_for_timeout_ms": 99},
        BAD,
        "wait_for_timeout_ms must be between 100 and 60000",
        "wait_for_timeout_ms",
    ),
    case(
        "cookies-count",
        {"advanced": {"cookies": {f"c{i}": "v" for i in range(101)}}},
        BAD,
        "cookies must contain at most 100 entries",
        "advanced.cookies",
    ),
    case(
        "cookie-value",
        {"advanced": {"cookies": {"sid": "v" * 4097}}},
        BAD,
        'Cookie "sid" value must be at most 4096 characters',
        "advanced.cookies",
    ),
    case(
        "session-headers",
        {"advanced": {"session_headers": {"Host": "x"}}},
        BAD,
        'Header "Host" is a hop-by-hop or connection-control header and cannot be forwarded',
        "advanced.session_headers",
    ),
    case(
        "selectors",
        {"advanced": {"include_selectors": ["p"] * 51}},
        BAD,
        "include_selectors must contain at most 50 items",
        "advanced.include_selectors",
    ),
    case(
        "selectors-type",
        {"advanced": {"exclude_selectors": "nav"}},
        BAD,
        "exclude_selectors must be a list of strings",
        "advanced.exclude_selectors",
    ),
    case(
        "viewport",
        {"advanced": {"viewport": {"width": 100, "height": 600}}},
        BAD,
        "viewport.width must be between 320 and 3840",
        "advanced.viewport.width",
    ),
    case(
        "viewport-type",
        {"advanced": {"viewport": "1366x768"}},
        BAD,
        "viewport must be an object",
        "advanced.viewport",
    ),
    case(
        "rag-chunk",
        {"advanced": {"rag_chunk_tokens": 5000}},
        BAD,
        "rag_chunk_tokens must be between 64 and 4096",
        "advanced.rag_chunk_tokens",
    ),
    case(
        "rag-overlap",
        {"advanced": {"rag_chunk_tokens": 100, "rag_overlap_tokens": 51}},
        BAD,
        "rag_overlap_tokens must be between 0 and 50",
        "advanced.rag_overlap_tokens",
    ),
    case(
        "language",
        {"location": {"language": "german language"}},
        BAD,
        "location.language must be an ISO 639-1 code or a BCP 47 tag",
        "location.language",
    ),
    case(
        "webhook-secret",
        {"webhook_secret": "short"},
        BAD,
        "webhook_secret must be between 16 and 256 characters",
        "webhook_secret",
    ),
    case(
        "webhook-events",
        {"webhook_events": ["job.completed", "crawl.page"]},
        BAD,
        "webhook_events contains unknown events: [crawl.page]. Allowed: [job.completed, "
        "job.failed]",
        "webhook_events",
    ),
    case(
        "provider",
        {"extraction_provider": "mistral"},
        BAD,
        "extraction_provider must be one of: openai, anthropic, openrouter, groq, "
        "openai_compatible",
        "extraction_provider",
    ),
    case(
        "model",
        {"extraction_model": "m" * 201},
        BAD,
        "extraction_model must be at most 200 characters",
        "extraction_model",
    ),
    case(
        "ocr-language-format",
        {"ocr_language": "eng, deu"},
        BAD,
        'ocr_language must be Tesseract language codes joined with "+"',
        "ocr_language",
    ),
    case(
        "fail-fast-tier",
        {"cost_controls": {"fail_fast_tier": "6"}},
        BAD,
        "fail_fast_tier must be one of: 1, 2, 3, 3.5, 4, 5",
        "cost_controls.fail_fast_tier",
    ),
    case(
        "action-object",
        {"advanced": {**JS, "actions": ["click"]}},
        BAD,
        "actions[0] must be an object",
        "advanced.actions[0]",
    ),
    case(
        "actions-type",
        {"advanced": {**JS, "actions": {"type": "click"}}},
        BAD,
        "actions must be a list of objects",
        "advanced.actions",
    ),
    case(
        "action-range",
        {"advanced": {**JS, "actions": [{"type": "wait", "milliseconds": 0}]}},
        BAD,
        "actions[0].milliseconds must be between 1 and 30000",
        "advanced.actions[0].milliseconds",
    ),
    case(
        "action-enum",
        {"advanced": {**JS, "actions": [{"type": "wait_for", "selector": "#a", "state": "gone"}]}},
        BAD,
        "actions[0].state must be one of: visible, attached, hidden",
        "advanced.actions[0].state",
    ),
    case(
        "action-bool",
        {"advanced": {**JS, "actions": [{"type": "pdf", "landscape": "no"}]}},
        BAD,
        "actions[0].landscape must be a boolean",
        "advanced.actions[0].landscape",
    ),
    case(
        "action-script",
        {"advanced": {**JS, "actions": [{"type": "evaluate", "script": "x" * 10_001}]}},
        BAD,
        "actions[0].script must be at most 10000 characters",
        "advanced.actions[0].script",
    ),
    case(
        "action-delay",
        {"advanced": {**JS, "actions": [{"type": "type", "text": "hi", "delay_ms": 501}]}},
        BAD,
        "actions[0].delay_ms must be between 0 and 500",
        "advanced.actions[0].delay_ms",
    ),
]


@pytest.mark.parametrize(("body", "ctx", "code", "detail", "field"), EXTENDED)
def test_extended_field_errors(
    body: dict[str, Any], ctx: dict[str, Any], code: str, detail: str, field: str | None
) -> None:
    assert_rejected(body, ctx, code, detail, field)


def test_extended_fields_are_kept() -> None:
    req = parse(
        {
            "webhook_url": "https://hooks.example.com/x",
            "webhook_secret": "0123456789abcdef",
            "webhook_events": ["job.failed", "job.failed"],
            "extraction_profile": "product",
            "extraction_provider": "groq",
            "extraction_model": "llama-3.1-8b",
            "advanced": {
                "viewport": {"width": 390, "height": 844},
                "mobile": True,
                "session_headers": {"Authorization": "Bearer x"},
                "block_ads": False,
            },
        }
    )
    assert req.webhook_events == ("job.failed",)
    assert (req.extraction_profile, req.extraction_provider) == ("product", "groq")
    assert (req.advanced.viewport.width if req.advanced.viewport else None) == 390
    assert req.advanced.session_headers == {"Authorization": "Bearer x"}
    assert (req.advanced.mobile, req.advanced.block_ads) == (True, False)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"price": {"type": "number"}}, "required": ["price"]},
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
            "$defs": {"x": {"type": ["string", "null"]}},
        },
        {"properties": {"a": {"$ref": "#/$defs/x"}}, "$defs": {"x": True}},
        {
            "hero_banners": [{"image_url": "url"}],
            "promotions": [{"description": "string", "promo_code": "string | null"}],
        },
        {"price": "number", "published": "date", "tags": ["string"], "in_stock": "boolean"},
    ],
)
def test_valid_schemas(schema: dict[str, Any]) -> None:
    assert schema_problem(schema) is None
    assert parse({"extraction_schema": schema}).extraction_schema == schema


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ({}, "the schema has no fields"),
        ({"a": {}}, 'field "a" is an empty object'),
        (
            {"a": ["string", "number"]},
            'field "a" must be a type name, an object or a one-element list',
        ),
        ({"a": [{"b": "text"}]}, 'field "a[].b" has unknown type "text"'),
        ({"a": 3}, 'field "a" must be a type name, an object or a one-element list'),
        ({"type": "object", "required": "a"}, "required at / must be a list of strings"),
        ({"$ref": "https://example.com/schema.json"}, "remote $ref at / is not supported"),
        (
            {"type": "object", "properties": {"a": 5}},
            "/properties/a must be an object or a boolean",
        ),
        (
            {"type": "array", "items": {"type": "text"}},
            '"text" at /items is not a JSON Schema type',
        ),
        ({"type": "object", "anyOf": [{"enum": "x"}]}, "enum at /anyOf/0 must be a list"),
    ],
)
def test_invalid_schemas(schema: dict[str, Any], problem: str) -> None:
    assert schema_problem(schema) == problem
