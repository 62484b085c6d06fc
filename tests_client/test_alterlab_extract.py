"""AlterLab's official client's extract, extraction estimate/usage and template methods."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from alterlab import AlterLabAPIError

PAGE = """<html><head><title>Desk Lamp</title>
<script type="application/ld+json">{"@type": "Product", "name": "Desk Lamp", "sku": "DL-1",
 "offers": {"price": "$1,299.00", "priceCurrency": "USD"}}</script></head>
<body><h1>Desk Lamp</h1><p>A lamp for a desk.</p></body></html>"""


def test_extract_usage_and_templates(client: Any) -> None:
    result = client.extract(PAGE, extraction_profile="product", evidence=True, cache="skip")
    assert uuid.UUID(result["extract_id"])
    assert result["formats"]["json"]["price"] == 1299.0
    assert result["extraction_result"]["sku"] == "DL-1"
    assert result["evidence"]["/price"]["source"] == "schema_org"
    assert result["extraction_metadata"]["mode"] == "algorithmic"

    estimate = client.estimate_extraction_cost(50_000, has_extraction_prompt=True)
    assert estimate["breakdown"]["estimated_input_tokens"] == 12_500
    usage = client.get_extraction_usage(page=1, page_size=200)
    assert result["extract_id"] in [item["id"] for item in usage["items"]]
    summary = client.get_extraction_usage_summary(hours=24)
    assert summary["algorithmic_requests"] >= 1

    name = f"lamps-{uuid.uuid4().hex[:8]}"
    saved = client.save_extraction_template(name, {"name": "string", "price": "number"})
    assert (saved["name"], saved["builtin"]) == (name, False)
    listed = client.list_extraction_templates()["templates"]
    assert listed[0]["builtin"] is True and saved["id"] in [t["id"] for t in listed]
    assert client.get_extraction_template(saved["id"])["schema"] == saved["schema"]
    by_template = client.extract(PAGE, extraction_template="product")
    assert by_template["extraction_profile"] == "product"
    client.delete_extraction_template(saved["id"])
    with pytest.raises(AlterLabAPIError) as caught:
        client.get_extraction_template(saved["id"])
    assert caught.value.status_code == 404
    with pytest.raises(AlterLabAPIError) as prompt:
        client.extract(PAGE, extraction_prompt="Extract the price")
    assert prompt.value.status_code == 400
