"""Spec core-api §5 rules 1-27: error code, exact ``detail`` and ``details.field``."""

from __future__ import annotations

from typing import Any

import pytest

from .validation_support import BAD, URL, assert_rejected, case, rejection

RULES = [
    case("r02-missing", {"url": None}, BAD, "url is required", "url"),
    case("r02-empty", {"url": ""}, BAD, "url is required", "url"),
    case("r02-type", {"url": 5}, BAD, "url must be a string", "url"),
    case("r07", {"mode": "fast"}, BAD, "mode must be one of: auto, html, js, pdf, ocr", "mode"),
    case(
        "r08-empty", {"formats": []}, BAD, "formats must be a non-empty list of strings", "formats"
    ),
    case(
        "r08-string",
        {"formats": "markdown"},
        BAD,
        "formats must be a non-empty list of strings",
        "formats",
    ),
    case(
        "r08-item",
        {"formats": ["markdown", 3]},
        BAD,
        "formats must be a non-empty list of strings",
        "formats",
    ),
    case(
        "r09",
        {"formats": ["markdown", "pdf"]},
        BAD,
        'Unknown format "pdf". Allowed: text, json, json_v2, html, markdown, rag, content, raw',
        "formats",
    ),
    case("r10-low", {"timeout": 0}, BAD, "timeout must be between 1 and 300 seconds", "timeout"),
    case(
        "r10-high", {"timeout": 300.5}, BAD, "timeout must be between 1 and 300 seconds", "timeout"
    ),
    case(
        "r11",
        {"sync_wait_seconds": 121},
        BAD,
        "sync_wait_seconds must be between 1 and 120",
        "sync_wait_seconds",
    ),
    case(
        "r12",
        {"advanced": {"session_id": "3f2c5a4e-8b1d-4c7e-9a0f-2b6d8e1c4a57", "cookies": {"a": "b"}}},
        BAD,
        "Cannot provide both session_id and cookies. Use session_id to reference a stored "
        "session or provide inline cookies, not both.",
        "advanced.session_id",
    ),
    case(
        "r13-string",
        {"advanced": {"render_js": "yes"}},
        BAD,
        'render_js must be true, false, or "auto"',
        "advanced.render_js",
    ),
    case(
        "r13-number",
        {"advanced": {"render_js": 1}},
        BAD,
        'render_js must be true, false, or "auto"',
        "advanced.render_js",
    ),
    case(
        "r14-advanced",
        {"advanced": {"render_js": "auto", "screenshot": True}},
        BAD,
        'screenshot requires advanced.render_js=true (render_js="auto" is not sufficient)',
        "advanced.screenshot",
    ),
    case(
        "r14-top-level",
        {"screenshot": True},
        BAD,
        'screenshot requires advanced.render_js=true (render_js="auto" is not sufficient)',
        "screenshot",
    ),
    case(
        "r15",
        {"advanced": {"render_js": "auto", "generate_pdf": True}},
        BAD,
        'generate_pdf requires advanced.render_js=true (render_js="auto" is not sufficient)',
        "advanced.generate_pdf",
    ),
    case(
        "r16-scroll",
        {"advanced": {"scroll_to_load": True}},
        BAD,
        'scroll_to_load requires advanced.render_js=true or "auto"',
        "advanced.scroll_to_load",
    ),
    case(
        "r16-iframes",
        {"advanced": {"render_js": False, "include_iframes": True}},
        BAD,
        'include_iframes requires advanced.render_js=true or "auto"',
        "advanced.include_iframes",
    ),
    case(
        "r16-shadow",
        {"advanced": {"flatten_shadow_dom": True}},
        BAD,
        'flatten_shadow_dom requires advanced.render_js=true or "auto"',
        "advanced.flatten_shadow_dom",
    ),
    case(
        "r17-advanced",
        {"advanced": {"wait_condition": "idle"}},
        BAD,
        "wait_condition must be one of: domcontentloaded, networkidle, load",
        "advanced.wait_condition",
    ),
    case(
        "r17-wait-until",
        {"wait_until": "idle"},
        BAD,
        "wait_condition must be one of: domcontentloaded, networkidle, load",
        "wait_until",
    ),
    case(
        "r18",
        {"advanced": {"scroll_count": 11}},
        BAD,
        "scroll_count must be between 1 and 10",
        "advanced.scroll_count",
    ),
    case(
        "r19",
        {"advanced": {"section_filter": ["paragraph"]}},
        BAD,
        "section_filter must be an object",
        "advanced.section_filter",
    ),
    case(
        "r20",
        {"advanced": {"section_filter": {"min_blocks": 1, "content": True}}},
        BAD,
        "section_filter contains unknown keys: [content, min_blocks]. Allowed keys: "
        "[content_only, exclude_content_types, min_content_blocks]",
        "advanced.section_filter",
    ),
    case(
        "r21-negative",
        {"advanced": {"section_filter": {"min_content_blocks": -1}}},
        BAD,
        "section_filter.min_content_blocks must be a non-negative integer",
        "advanced.section_filter.min_content_blocks",
    ),
    case(
        "r21-type",
        {"advanced": {"section_filter": {"min_content_blocks": "2"}}},
        BAD,
        "section_filter.min_content_blocks must be a non-negative integer",
        "advanced.section_filter.min_content_blocks",
    ),
    case(
        "r22",
        {"advanced": {"section_filter": {"exclude_content_types": ["video", "list"]}}},
        BAD,
        "section_filter.exclude_content_types contains unknown types: [video]. Allowed: "
        "[blockquote, code, details, dl, image, list, paragraph, table]",
        "advanced.section_filter.exclude_content_types",
    ),
    case(
        "r23",
        {"advanced": {"section_filter": {"content_only": "yes"}}},
        BAD,
        "section_filter.content_only must be a boolean",
        "advanced.section_filter.content_only",
    ),
    case(
        "r24",
        {"advanced": {"actions": [{"type": "wait", "milliseconds": 10}]}},
        BAD,
        'actions requires advanced.render_js=true or "auto" (browser rendering must be enabled '
        "to execute browser actions)",
        "advanced.actions",
    ),
    case(
        "r25",
        {"advanced": {"render_js": True, "actions": [{"type": "snapshot"}] * 21}},
        BAD,
        "actions must contain at most 20 items, got 21",
        "advanced.actions",
    ),
    case(
        "r26-type",
        {"advanced": {"render_js": True, "actions": [{"type": "snapshot"}, {"type": "hover"}]}},
        BAD,
        "actions[1].type must be one of: wait, wait_for, click, fill, type, press, scroll, "
        "infinite_scroll, screenshot, evaluate, snapshot, pdf",
        "advanced.actions[1].type",
    ),
    case(
        "r26-missing-type",
        {"advanced": {"render_js": True, "actions": [{"selector": "a"}]}},
        BAD,
        "actions[0].type is required",
        "advanced.actions[0].type",
    ),
    case(
        "r26-missing-field",
        {"advanced": {"render_js": True, "actions": [{"type": "click"}]}},
        BAD,
        "actions[0].selector is required",
        "advanced.actions[0].selector",
    ),
    case(
        "r26-fill-value",
        {"advanced": {"render_js": True, "actions": [{"type": "fill", "selector": "#q"}]}},
        BAD,
        "actions[0].value is required",
        "advanced.actions[0].value",
    ),
    case(
        "r27",
        {
            "advanced": {
                "render_js": True,
                "actions": [
                    {"type": "wait", "milliseconds": 30_000},
                    {"type": "wait_for", "selector": "#x", "timeout_ms": 20_000},
                    {"type": "infinite_scroll", "max_scrolls": 10, "delay_ms": 1_001},
                ],
            }
        },
        BAD,
        "The total wait time of actions must not exceed 60000 ms",
        "advanced.actions",
    ),
]


@pytest.mark.parametrize(("body", "ctx", "code", "detail", "field"), RULES)
def test_rule_rejects_with_exact_error(
    body: dict[str, Any], ctx: dict[str, Any], code: str, detail: str, field: str | None
) -> None:
    assert_rejected(body, ctx, code, detail, field)


def test_rule_1_body_must_be_an_object() -> None:
    for body in (["url"], "https://example.com", None, 3):
        error = rejection(body)
        assert (error.code, error.detail) == (BAD, "Request body is not valid JSON")


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"url": "", "mode": "fast"}, "url is required"),
        ({"mode": "fast", "formats": []}, "mode must be one of: auto, html, js, pdf, ocr"),
        (
            {"timeout": 0, "advanced": {"render_js": "x"}},
            "timeout must be between 1 and 300 seconds",
        ),
        ({"cache_ttl": 5, "method": "FETCH"}, "cache_ttl requires cache=true"),
        (
            {"cost_controls": {"max_tier": 9}, "webhook_url": "ftp://x"},
            "webhook_url must be an https URL",
        ),
        (
            {"wait_for": "[", "cost_controls": {"max_credits": 1}},
            "max_credits (1) is below the cost of the cheapest allowed attempt (2500)",
        ),
    ],
)
def test_first_failing_rule_in_spec_order_wins(body: dict[str, Any], detail: str) -> None:
    assert rejection({"url": URL, **body}).detail == detail
