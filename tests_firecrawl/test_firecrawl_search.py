"""Firecrawl's official client searching through scrapegate (the stack's SearXNG stand-in)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from firecrawl import V1FirecrawlApp
from firecrawl.v2.utils.error_handler import BadRequestError


def test_search_answers_web_results(firecrawl: Any, site: str) -> None:
    found = firecrawl.search("fixture blog", limit=3)
    urls = [result.url for result in found.web]
    assert urls == [f"{site}/article", f"{site}/thin", f"{site}/"]
    first = found.web[0]
    assert first.title == "How Scrapegate Reads the Web"
    assert first.description == "A long article about reading pages."
    assert [result.position for result in found.web] == [1, 2, 3]
    assert found.news is None and found.images is None


def test_unserved_sources_are_empty_with_a_warning(firecrawl: Any) -> None:
    found = firecrawl.search("fixture blog", sources=["web", "news"], limit=2)
    assert len(found.web) == 2 and found.news == []
    assert "news" in found.warning


def test_search_body_carries_credits_and_id(server: str, key: str) -> None:
    response = httpx.post(
        f"{server}/v2/search",
        json={"query": "fixture", "limit": 1, "tbs": "qdr:w", "origin": "raw-test"},
        headers={"X-API-Key": key},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and len(body["data"]["web"]) == 1
    assert isinstance(body["creditsUsed"], int) and body["id"]
    assert "warning" not in body


def test_both_domain_lists_are_a_bad_request(server: str, key: str) -> None:
    body = {"query": "x", "includeDomains": ["a.example"], "excludeDomains": ["b.example"]}
    response = httpx.post(f"{server}/v2/search", json=body, headers={"X-API-Key": key})
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"


def test_limit_beyond_the_provider_page_is_a_bad_request(firecrawl: Any) -> None:
    with pytest.raises(BadRequestError):
        firecrawl.search("fixture", limit=51)


def test_v1_search_answers_a_list(server: str, key: str, site: str) -> None:
    found = V1FirecrawlApp(api_key=key, api_url=server).search("fixture", limit=2)
    assert found.success is True
    assert [item["url"] for item in found.data] == [f"{site}/article", f"{site}/thin"]
