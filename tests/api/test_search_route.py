"""POST /api/v1/search, GET /api/v1/search/{id}, POST /api/v1/search/batch over HTTP (§15)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from scrapegate.config import Settings
from tests.api.conftest import ADMIN_KEY
from tests.live_server import LiveServer
from tests.site.server import FixtureSite
from tests.standins.searxng import SearxngStandin, site_results

pytestmark = pytest.mark.skipif(
    not hasattr(Settings(), "searxng_url"), reason="search not wired yet"
)
WAIT_LIMIT_S = 60.0


@pytest.fixture(scope="module")
def searxng() -> Iterator[SearxngStandin]:
    server = SearxngStandin().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def standin(searxng: SearxngStandin, fixture_site: FixtureSite) -> SearxngStandin:
    searxng.reset(site_results(fixture_site.base_url))
    return searxng


def client_for(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)


@pytest.fixture(scope="module")
def api(
    server_factory: Callable[..., LiveServer], searxng: SearxngStandin
) -> Iterator[httpx.Client]:
    with client_for(server_factory(searxng_url=searxng.url)) as client:
        yield client


def poll(api: httpx.Client, path: str, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_LIMIT_S
    while True:
        body: dict[str, Any] = api.get(path).json()
        if done(body) or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_search(api: httpx.Client, standin: SearxngStandin, fixture_site: FixtureSite) -> None:
    response = api.post("/api/v1/search", json={"query": "scrapegate", "num_results": 2})
    assert response.status_code == 200
    body = response.json()
    assert [r["url"] for r in body["results"]] == [
        fixture_site.url("/article"),
        fixture_site.url("/thin"),
    ]
    assert body["results_count"] == 2 and body["provider"] == "searxng"
    assert standin.queries[0]["q"] == "scrapegate"
    again = api.get(f"/api/v1/search/{body['search_id']}")
    assert again.status_code == 200 and again.json() == body
    job = api.get(f"/api/v1/jobs/{body['search_id']}").json()
    assert (job["type"], job["status"], job["result"]) == ("search", "completed", body)


def test_domain_becomes_a_site_filter(api: httpx.Client, standin: SearxngStandin) -> None:
    response = api.post("/api/v1/search", json={"query": "docs", "domain": "example.com"})
    assert response.status_code == 200
    assert standin.queries[0]["q"] == "site:example.com docs"


def test_scrape_results(api: httpx.Client, standin: SearxngStandin) -> None:
    body = {"query": "q", "num_results": 1, "scrape_results": True, "formats": ["markdown"]}
    result = api.post("/api/v1/search", json=body).json()
    (first,) = result["results"]
    assert first["scrape"]["status_code"] == 200
    assert "Scrapegate" in str(first["content"])
    assert result["cost_breakdown"]["scrape"] == first["scrape"]["credits_used"]


def test_validation(api: httpx.Client, standin: SearxngStandin) -> None:
    response = api.post("/api/v1/search", json={"query": "q", "num_results": 51})
    assert response.status_code == 400
    error = response.json()
    assert error["error"] == "INVALID_REQUEST"
    assert error["detail"] == "num_results must be between 1 and 50"
    assert standin.queries == []


def test_provider_failure_is_502(api: httpx.Client, standin: SearxngStandin) -> None:
    standin.fail_status = 500
    response = api.post("/api/v1/search", json={"query": "q"})
    assert response.status_code == 502
    assert response.json()["error"] == "UPSTREAM_ERROR"


def test_async_search(api: httpx.Client, standin: SearxngStandin) -> None:
    response = api.post("/api/v1/search", json={"query": "later", "sync": False})
    assert response.status_code == 202
    accepted = response.json()
    assert response.headers["location"] == accepted["poll_url"]
    body = poll(api, accepted["poll_url"], lambda b: b["status"] in ("completed", "failed"))
    assert body["status"] == "completed" and body["query"] == "later"


def test_unknown_search(api: httpx.Client, standin: SearxngStandin) -> None:
    assert api.get("/api/v1/search/not-a-uuid").status_code == 404
    missing = api.get("/api/v1/search/7d6f2f5e-55b1-4e0b-9d8e-3c1f1f7d2a10")
    assert missing.status_code == 404 and missing.json()["error"] == "NOT_FOUND"


def test_scrape_job_is_not_a_search(api: httpx.Client, fixture_site: FixtureSite) -> None:
    scrape = api.post("/api/v1/scrape", json={"url": fixture_site.url("/article")}).json()
    assert api.get(f"/api/v1/search/{scrape['job_id']}").status_code == 404


def test_search_batch(api: httpx.Client, standin: SearxngStandin) -> None:
    response = api.post("/api/v1/search/batch", json={"queries": ["one", "two"], "num_results": 2})
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["type"] == "search" and accepted["total_queries"] == 2
    assert accepted["job_ids"] == accepted["search_ids"]
    for search_id, query in zip(accepted["search_ids"], ["one", "two"], strict=True):
        body = poll(api, f"/api/v1/search/{search_id}", lambda b: b["status"] == "completed")
        assert body["query"] == query and body["results_count"] == 2
    batch = poll(api, f"/api/v1/batch/{accepted['batch_id']}", lambda b: b["completed_at"])
    assert batch["status"] == "completed" and batch["type"] == "search"


def test_batch_validation(api: httpx.Client, standin: SearxngStandin) -> None:
    response = api.post("/api/v1/search/batch", json={"queries": ["lonely"]})
    assert response.status_code == 400
    assert response.json()["detail"] == "queries must be a list of 2 to 100 queries"


def test_without_a_provider_search_is_501(server_factory: Callable[..., LiveServer]) -> None:
    with client_for(server_factory()) as bare:
        for method, path, body in (
            ("POST", "/api/v1/search", {"query": "q"}),
            ("POST", "/api/v1/search/batch", {"queries": ["a", "b"]}),
            ("GET", "/api/v1/search/7d6f2f5e-55b1-4e0b-9d8e-3c1f1f7d2a10", None),
        ):
            response = bare.request(method, path, json=body)
            assert response.status_code == 501
            error = response.json()
            assert error["error"] == "FEATURE_UNAVAILABLE"
            assert error["detail"].startswith("Search is not configured on this server")
            assert error["details"] == {"feature": "search"}
