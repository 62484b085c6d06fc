"""AlterLab's official Python client (alterlab==2.3.0), unmodified, against scrapegate."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from alterlab import AlterLabAPIError, AlterLabSync, CostControls, JobExpiredError

ARTICLE_SENTENCE = "The quick brown fox of scrapegate"


def test_scrape_default_returns_markdown(client: Any, site: str) -> None:
    result = client.scrape(f"{site}/article")
    assert isinstance(result["content"], str)
    assert ARTICLE_SENTENCE in result["content"]
    assert result["billing"]["tier_used"] == "1"


def test_scrape_with_formats(client: Any, site: str) -> None:
    result = client.scrape(f"{site}/article", formats=["text", "json", "markdown", "content"])
    assert ARTICLE_SENTENCE in result["content"]["text"]
    assert result["content"]["json"]["page"]["url"].endswith("/article")
    assert len(result["content"]["content"]["content_hash"]) == 64


def test_scrape_html(client: Any, site: str) -> None:
    result = client.scrape_html(f"{site}/article")
    assert ARTICLE_SENTENCE in result["content"]


def test_scrape_with_an_extraction_profile_and_a_schema(client: Any, site: str) -> None:
    url = f"{site}/extraction/product"
    product = client.scrape(url, extraction_profile="product", evidence=True)
    assert product["extraction_method"] == "algorithmic"
    fields = product["extraction_result"]
    assert (fields["name"], fields["price"], fields["currency"]) == (
        "Summit 40 Backpack",
        1299.0,
        "USD",
    )
    assert product["evidence"]["/price"]["source"] == "schema_org"
    schema = {"title": "string", "price": "number"}
    filled = client.scrape(url, extraction_schema=schema)["extraction_result"]
    assert filled == {"title": "Summit 40 Backpack", "price": 1299.0}


def test_async_job_and_wait(client: Any, site: str) -> None:
    accepted = client.scrape(f"{site}/article?async=1", sync=False)
    assert uuid.UUID(accepted["job_id"])
    status = client.get_job_status(accepted["job_id"])
    assert status["status"] in ("pending", "running", "completed")
    result = client.wait_for_job(accepted["job_id"], poll_interval=0.2)
    assert ARTICLE_SENTENCE in result["content"]


def test_unknown_job_is_job_expired_error(client: Any) -> None:
    with pytest.raises(JobExpiredError):
        client.get_job_status(str(uuid.uuid4()))


def test_estimate_cost(client: Any, site: str) -> None:
    estimate = client.estimate_cost(f"{site}/article", cost_controls=CostControls(max_tier="2"))
    assert estimate["estimated_tier"] in ("1", "2")
    assert estimate["max_possible_credits"] == 300
    assert estimate["confidence"] in ("low", "medium", "high")


def test_get_usage(client: Any) -> None:
    usage = client.get_usage()
    assert usage["billing_enabled"] is False
    assert usage["requests_count"] >= 0


def test_cache_hit_through_client(client: Any, site: str) -> None:
    url = f"{site}/article?client-cache=1"
    first = client.scrape(url, cache=True, cache_ttl=120)
    second = client.scrape(url, cache=True, cache_ttl=120)
    assert first["cached"] is False
    assert second["cached"] is True and second["credits_used"] == 0


def test_cost_controls_force_tier(client: Any, site: str) -> None:
    result = client.scrape(f"{site}/article", cost_controls=CostControls(force_tier="2"))
    assert result["billing"]["tier_used"] == "2"
    assert [e["tier"] for e in result["billing"]["escalations"]] == ["2"]


def test_challenge_becomes_api_error(client: Any, site: str) -> None:
    with pytest.raises(AlterLabAPIError) as caught:
        client.scrape(f"{site}/challenge/cloudflare", cost_controls=CostControls(max_tier="2"))
    assert caught.value.status_code == 403


def test_bad_key_is_rejected(stack: dict[str, Any], site: str) -> None:
    bad = AlterLabSync(api_key="sk_live_" + "z" * 32, base_url=stack["api"])
    with pytest.raises(AlterLabAPIError) as caught:
        bad.scrape(f"{site}/article")
    assert caught.value.status_code == 401


def test_batch_scrape_and_job_polling(client: Any, site: str) -> None:
    batch = client.batch_scrape(
        [{"url": f"{site}/article?batch=1", "mode": "html"}, {"url": f"{site}/article?batch=2"}]
    )
    assert batch["total_requests"] == 2 and len(batch["job_ids"]) == 2
    for job_id in batch["job_ids"]:
        result = client.wait_for_job(job_id, poll_interval=0.2)
        assert ARTICLE_SENTENCE in result["content"]


def test_map_through_the_client(client: Any, site: str) -> None:
    result = client.map(f"{site}/", search="tree", include_metadata=True)
    assert result["sitemap_found"] is True
    assert result["urls"][0]["url"].startswith(f"{site}/tree")
    assert result["credits_used"] == 1_000
