"""POST /api/v1/scrape with extraction_profile and extraction_schema through the live server."""

from __future__ import annotations

from typing import Any

import httpx

# The API suite's server fixtures (a real server on loopback over SQLite), used as they are.
from tests.api.conftest import api, server, server_factory  # noqa: F401


def scrape(client: httpx.Client, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/scrape", json=body)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_product_profile_returns_the_extraction_result(
    api: httpx.Client,  # noqa: F811
    fixture_site: Any,
) -> None:
    url = fixture_site.url("/extraction/product")
    body = scrape(api, url=url, extraction_profile="product", evidence=True)
    assert body["extraction_method"] == "algorithmic"
    assert body["extraction_error"] is None
    assert body["extraction_result"] == {
        "name": "Summit 40 Backpack",
        "description": "A 40-litre trekking backpack with a ventilated back panel.",
        "brand": "Ridgeline",
        "sku": "RG-S40-GRN",
        "gtin": None,
        "price": 1299.0,
        "currency": "USD",
        "availability": "in_stock",
        "images": [fixture_site.url("/img/summit-40.jpg")],
        "rating": {"value": 4.3, "count": 87},
        "variants": [],
        "url": url,
    }
    assert body["filtered_content"] == body["extraction_result"]
    assert body["evidence"]["/price"] == {
        "source": "schema_org",
        "path": "offers.price",
        "snippet": '"price": "1,299.00"',
        "confidence": 1.0,
    }
    assert body["credits_used"] == 200  # tier 1, no extraction fee


def test_extraction_schema_is_filled_and_missing_fields_are_warned(
    api: httpx.Client,  # noqa: F811
    fixture_site: Any,
) -> None:
    schema = {"title": "string", "price": "number", "in_stock": "boolean", "gtin": "string"}
    body = scrape(api, url=fixture_site.url("/extraction/product"), extraction_schema=schema)
    assert body["extraction_result"] == {
        "title": "Summit 40 Backpack",
        "price": 1299.0,
        "in_stock": True,
        "gtin": None,
    }
    assert "evidence" not in body
    assert "Required fields not found on the page: /gtin." in body["warning"]


def test_a_scrape_without_extraction_has_no_extraction_keys(
    api: httpx.Client,  # noqa: F811
    fixture_site: Any,
) -> None:
    body = scrape(api, url=fixture_site.url("/extraction/product"))
    assert not {"extraction_result", "filtered_content", "extraction_method", "evidence"} & set(
        body
    )
