"""POST /api/v1/map on the fixture site: sitemaps, links, robots, patterns, search, metadata."""

from __future__ import annotations

from typing import Any

import httpx


def urls_of(body: dict[str, Any]) -> set[str]:
    return {u["url"] for u in body["urls"]}


def test_sitemap_and_links_are_found(api: httpx.Client, fixture_site: Any) -> None:
    response = api.post("/api/v1/map", json={"url": fixture_site.url("/")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sitemap_found"] is True
    assert fixture_site.url("/sitemap.xml") in body["sitemaps"]
    found = urls_of(body)
    assert {fixture_site.url("/article"), fixture_site.url("/tree/a")} <= found
    sources = {u["url"]: u["source"] for u in body["urls"]}
    assert sources[fixture_site.url("/")] == "start"
    assert body["robots_txt"]["exists"] is True
    assert body["credits_used"] == 1_000
    assert body["stop_reason"] == "finished"


def test_skip_sitemaps_still_finds_links(api: httpx.Client, fixture_site: Any) -> None:
    body = api.post("/api/v1/map", json={"url": fixture_site.url("/"), "sitemap": False}).json()
    assert body["sitemaps"] == []
    assert len(body["urls"]) > 1
    assert all(u["source"] in ("start", "link") for u in body["urls"])


def test_sitemap_only_follows_no_links(api: httpx.Client, fixture_site: Any) -> None:
    body = api.post("/api/v1/map", json={"url": fixture_site.url("/"), "sitemap": "only"}).json()
    assert {u["source"] for u in body["urls"]} <= {"start", "sitemap", "feed"}


def test_robots_disallowed_urls_are_excluded_and_counted(
    api: httpx.Client, fixture_site: Any
) -> None:
    body = api.post(
        "/api/v1/map",
        json={
            "url": fixture_site.url("/crawl-site/"),
            "sitemap_path": "/crawl-site/index.xml",
            "include_patterns": ["/crawl-site/*"],
        },
    ).json()
    assert not [u for u in urls_of(body) if "/crawl-site/blocked/" in u and not u.endswith("/open")]
    assert body["robots_txt"]["disallowed_paths"]


def test_patterns_and_max_pages(api: httpx.Client, fixture_site: Any) -> None:
    body = api.post(
        "/api/v1/map",
        json={"url": fixture_site.url("/"), "include_patterns": ["/tree*"], "max_pages": 2},
    ).json()
    assert len(body["urls"]) == 2
    assert body["stop_reason"] == "max_pages"
    assert all("/tree" in u or u == fixture_site.url("/") for u in urls_of(body))


def test_search_ranks_and_metadata_fills_titles(api: httpx.Client, fixture_site: Any) -> None:
    body = api.post(
        "/api/v1/map",
        json={"url": fixture_site.url("/"), "search": "article", "include_metadata": True},
    ).json()
    top = body["urls"][0]
    assert top["url"] == fixture_site.url("/article")
    assert top["relevance_score"] == 1.0
    assert top["title"]


def test_invalid_values_are_rejected(api: httpx.Client, fixture_site: Any) -> None:
    response = api.post("/api/v1/map", json={"url": fixture_site.url("/"), "max_depth": 11})
    assert response.status_code == 400
    assert response.json()["detail"] == "max_depth must be between 0 and 10"
