"""Firecrawl's map through the official client, and the routes this server does not serve."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest


def test_map_lists_the_fixture_site(firecrawl: Any, site: str) -> None:
    result = firecrawl.map(f"{site}/")
    urls = [link.url for link in result.links]
    assert urls[0] == f"{site}/"  # the start URL always comes first
    assert {f"{site}/article", f"{site}/tree/a", f"{site}/pdf"} <= set(urls)
    assert len(urls) == len(set(urls))
    assert all(url.startswith(site) for url in urls)


def test_map_limit_is_honoured(firecrawl: Any, site: str) -> None:
    result = firecrawl.map(f"{site}/", limit=3)
    assert len(result.links) == 3
    assert result.links[0].url == f"{site}/"


def test_map_answers_links_at_the_top_level(server: str, key: str, site: str) -> None:
    response = httpx.post(
        f"{server}/v2/map",
        json={"url": f"{site}/", "limit": 2, "origin": "raw-test", "fastMode": True},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["links"][0] == {"url": f"{site}/"}


def test_map_limit_out_of_range_is_a_bad_request(server: str, key: str, site: str) -> None:
    response = httpx.post(
        f"{server}/v2/map",
        json={"url": f"{site}/", "limit": 30_001},
        headers={"X-API-Key": key},
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == ["limit"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v2/agent"),
        ("GET", "/v2/agent/some-job"),
        ("POST", "/v2/browser"),
        ("DELETE", "/v2/browser/session-1"),
        ("POST", f"/v2/scrape/{uuid.uuid4()}/interact"),
        ("POST", "/v2/monitor"),
        ("POST", "/v2/parse"),
        ("POST", "/v2/search/research"),
        ("POST", "/v1/deep-research"),
        ("GET", "/v1/llmstxt/abc"),
        ("POST", "/v1/x402/search"),
    ],
)
def test_cloud_only_routes_answer_501(server: str, key: str, method: str, path: str) -> None:
    response = httpx.request(method, f"{server}{path}", headers={"X-API-Key": key}, json={})
    assert response.status_code == 501
    assert response.json() == {
        "success": False,
        "error": "This endpoint is not supported by this server",
        "code": "NOT_SUPPORTED",
    }


def test_alexandria_scrape_bodies_answer_501(server: str, key: str) -> None:
    response = httpx.post(
        f"{server}/v2/scrape",
        json={"alexandria": [{"provider": "x", "capability": "y"}]},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 501
    assert response.json()["code"] == "NOT_SUPPORTED"
