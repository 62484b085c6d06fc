"""POST /api/v1/extract: algorithmic extraction from supplied HTML, text and markdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.api.conftest import new_key
from tests.live_server import LiveServer

PRODUCT_HTML = """<!doctype html><html lang="en"><head><title>Trail Runner 2 | Shop</title>
<meta property="og:title" content="Trail Runner 2">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product",
 "name": "Trail Runner 2", "sku": "TR2-42",
 "offers": {"@type": "Offer", "price": "129.00", "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock"}}</script></head>
<body><main><h1>Trail Runner 2</h1><p>A light trail shoe for long runs on rough ground.</p>
<a href="/reviews">Reviews</a></main></body></html>"""
PRICE_SCHEMA = {"name": "string", "price": "number", "currency": "string", "sku": "string"}


def post(api: httpx.Client, **body: Any) -> httpx.Response:
    return api.post("/api/v1/extract", json=body)


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["error"], body["detail"]


def test_profile_extraction_from_html(api: httpx.Client) -> None:
    response = post(api, content=PRODUCT_HTML, extraction_profile="product")
    assert response.status_code == 200, response.text
    body = response.json()
    result = body["extraction_result"]
    assert (result["name"], result["price"], result["currency"]) == ("Trail Runner 2", 129.0, "EUR")
    assert result["availability"] == "in_stock"
    assert body["formats"] == {"json": result}
    assert body["extraction_method"] == "algorithmic"
    assert body["extraction_profile"] == "product"
    assert body["credits_used"] == 2_500
    assert body["cache_hit"] is False
    assert body["content_size_chars"] == len(PRODUCT_HTML)
    assert body["model_used"] is None
    metadata = body["extraction_metadata"]
    assert metadata["mode"] == "algorithmic"
    assert (metadata["provider"], metadata["input_tokens"]) == (None, None)
    assert (metadata["cost_microcents"], metadata["cached"]) == (2_500, False)
    assert "evidence" not in body


def test_schema_with_evidence_and_other_formats(api: httpx.Client) -> None:
    body = post(
        api,
        content=PRODUCT_HTML,
        extraction_schema=PRICE_SCHEMA,
        evidence=True,
        formats=["json", "markdown", "raw"],
        source_url="https://shop.example.com/p/tr2",
        cache="skip",
    ).json()
    assert body["extraction_result"] == {
        "name": "Trail Runner 2",
        "price": 129.0,
        "currency": "EUR",
        "sku": "TR2-42",
    }
    assert body["extraction_profile"] is None
    assert body["evidence"]["/price"]["source"] == "schema_org"
    assert body["evidence"]["/price"]["path"] == "offers.price"
    assert "Trail Runner 2" in body["formats"]["markdown"]
    assert "[Reviews](https://shop.example.com/reviews)" in body["formats"]["markdown"]
    assert body["formats"]["raw"] == PRODUCT_HTML


def test_without_extraction_json_is_the_page_json(api: httpx.Client) -> None:
    body = post(api, content=PRODUCT_HTML, formats=["json"], cache="skip").json()
    page_json = body["formats"]["json"]
    assert page_json["@type"] == "Product"
    assert page_json["page"]["title"] == "Trail Runner 2 | Shop"
    assert body["extraction_result"] is None
    assert body["extraction_method"] is None
    assert body["extraction_metadata"] is None


def test_markdown_and_text_content(api: httpx.Client) -> None:
    markdown = "# Harbour Lights\n\nA short story about a lighthouse keeper.\n\n## Chapter one\n"
    body = post(api, content=markdown, content_type="markdown", extraction_profile="article").json()
    assert body["extraction_result"]["headline"] == "Harbour Lights"
    assert body["formats"]["json"] == body["extraction_result"]
    text = post(
        api,
        content="Opening hours: every day from nine to five.",
        content_type="text",
        extraction_schema={"text": "string", "word_count": "integer"},
        formats=["text"],
    ).json()
    assert text["formats"] == {"text": "Opening hours: every day from nine to five."}
    assert text["extraction_result"] == {
        "text": "Opening hours: every day from nine to five.",
        "word_count": 8,
    }


def test_missing_required_fields_are_named_in_warning(api: httpx.Client) -> None:
    body = post(
        api,
        content="<html><body><p>No product here.</p></body></html>",
        extraction_schema={"price": "number"},
    ).json()
    assert body["extraction_result"] == {"price": None}
    assert body["warning"] == "Required fields not found on the page: /price."


def test_cache_auto_serves_a_stored_answer_free(api: httpx.Client) -> None:
    content = PRODUCT_HTML.replace("Trail Runner 2", "Cached Runner")
    first = post(api, content=content, extraction_profile="product").json()
    again = post(api, content=content, extraction_profile="product").json()
    assert again["cache_hit"] is True
    assert again["credits_used"] == 0
    assert again["extract_id"] != first["extract_id"]
    assert again["extraction_result"] == first["extraction_result"]
    assert again["extraction_metadata"]["cached"] is True
    assert again["extraction_metadata"]["cost_microcents"] == 0
    fresh = post(api, content=content, extraction_profile="product", cache="skip").json()
    assert (fresh["cache_hit"], fresh["credits_used"]) == (False, 2_500)


def test_cache_only_misses_with_404(api: httpx.Client) -> None:
    response = post(api, content="<p>never seen before</p>", extraction_profile="faq", cache="only")
    assert error_of(response)[:2] == (404, "CACHE_MISS")


def test_cache_is_scoped_to_the_organization(server: LiveServer, api: httpx.Client) -> None:
    content = PRODUCT_HTML.replace("Trail Runner 2", "Org Runner")
    post(api, content=content, extraction_profile="product")
    other = {"X-API-Key": new_key(server, "extract-cache-other")}
    response = api.post(
        "/api/v1/extract",
        json={"content": content, "extraction_profile": "product", "cache": "only"},
        headers=other,
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "code", "detail"),
    [
        ({}, 400, "INVALID_REQUEST", "content is required"),
        (
            {"content": ""},
            400,
            "INVALID_REQUEST",
            "content must be between 1 and 5000000 characters",
        ),
        (
            {"content": "x", "content_type": "pdf"},
            400,
            "INVALID_REQUEST",
            "content_type must be one of: html, text, markdown",
        ),
        (
            {"content": "x", "extraction_profile": "product", "extraction_template": "article"},
            400,
            "INVALID_REQUEST",
            "Provide either extraction_profile or extraction_template, not both",
        ),
        (
            {"content": "x", "extraction_prompt": "Extract the price"},
            400,
            "LLM_KEY_MISSING",
            "extraction_prompt requires an LLM: register a key with POST /api/v1/user/llm-keys "
            "or ask the operator to configure a server LLM",
        ),
        (
            {"content": "x", "extraction_provider": "openai"},
            400,
            "LLM_KEY_MISSING",
            "No valid openai key is registered",
        ),
        (
            {"content": "x", "extraction_schema": {"price": "money"}},
            400,
            "INVALID_REQUEST",
            'extraction_schema is not a valid schema: field "price" has unknown type "money"',
        ),
        (
            {"content": "x", "cache": "never"},
            400,
            "INVALID_REQUEST",
            "cache must be one of: auto, skip, only",
        ),
        (
            {"content": "x", "cache_ttl": 0},
            400,
            "INVALID_REQUEST",
            "cache_ttl must be between 1 and 86400 seconds",
        ),
        (
            {"content": "x", "source_url": "ftp://example.com/x"},
            400,
            "INVALID_REQUEST",
            "source_url must be an absolute http or https URL",
        ),
        (
            {"content": "x", "extraction_template": "no-such-template"},
            404,
            "NOT_FOUND",
            "Extraction template 'no-such-template' not found",
        ),
    ],
)
def test_invalid_requests(
    api: httpx.Client, body: dict[str, Any], status: int, code: str, detail: str
) -> None:
    assert error_of(api.post("/api/v1/extract", json=body)) == (status, code, detail)


def test_body_limit_is_ten_mebibytes(api: httpx.Client) -> None:
    over = b'{"content": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = api.post(
        "/api/v1/extract", content=over, headers={"content-type": "application/json"}
    )
    assert error_of(response)[:2] == (413, "PAYLOAD_TOO_LARGE")


def test_a_read_only_key_cannot_extract(server: LiveServer, api: httpx.Client) -> None:
    reader = {"X-API-Key": new_key(server, "extract-reader", scopes=("read",))}
    response = api.post("/api/v1/extract", json={"content": "x"}, headers=reader)
    assert error_of(response)[:2] == (403, "FORBIDDEN")


@pytest.fixture(scope="module")
def billed(server_factory: Callable[..., LiveServer]) -> LiveServer:
    return server_factory(billing={"enabled": True, "default_balance_microcents": 3_000})


def test_billing_debits_the_price_and_refuses_an_empty_balance(billed: LiveServer) -> None:
    key = new_key(billed, "extract-billed")
    with httpx.Client(base_url=billed.url, headers={"X-API-Key": key}, timeout=60) as client:
        usage = client.get("/api/v1/usage").json()
        assert usage["credits_available"] == 3_000
        first = client.post("/api/v1/extract", json={"content": PRODUCT_HTML, "cache": "skip"})
        assert first.status_code == 200, first.text
        assert client.get("/api/v1/usage").json()["credits_available"] == 500
        second = client.post("/api/v1/extract", json={"content": PRODUCT_HTML, "cache": "skip"})
        assert error_of(second)[:2] == (402, "INSUFFICIENT_BALANCE")
        hit = client.post("/api/v1/extract", json={"content": PRODUCT_HTML})
        assert (hit.status_code, hit.json()["credits_used"]) == (200, 0)
        assert client.get("/api/v1/usage").json()["credits_available"] == 500
