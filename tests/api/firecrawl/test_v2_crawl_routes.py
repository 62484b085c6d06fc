"""The v2 crawl and batch routes on a live server: ids are scoped to the caller's organization."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.api.conftest import new_key
from tests.live_server import LiveServer

PATIENCE_S = 60  # a bound so a stuck job fails the test instead of hanging it


def wait_done(api: httpx.Client, path: str) -> dict[str, Any]:
    deadline = time.monotonic() + PATIENCE_S
    while True:
        body: dict[str, Any] = api.get(path).json()
        if body["status"] != "scraping":
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


@pytest.fixture(scope="module")
def stranger(server: LiveServer) -> httpx.Client:
    key = new_key(server, "firecrawl-stranger")
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"})


def test_crawl_ids_of_another_organization_are_not_found(
    api: httpx.Client, stranger: httpx.Client, fixture_site: Any
) -> None:
    started = api.post("/v2/crawl", json={"url": fixture_site.url("/docs"), "limit": 2})
    assert started.status_code == 200, started.text
    crawl_id = started.json()["id"]
    done = wait_done(api, f"/v2/crawl/{crawl_id}")
    assert done["status"] == "completed" and len(done["data"]) == 2
    for method, path in (
        ("GET", f"/v2/crawl/{crawl_id}"),
        ("GET", f"/v2/crawl/{crawl_id}/errors"),
        ("DELETE", f"/v2/crawl/{crawl_id}"),
    ):
        response = stranger.request(method, path)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"success": False, "error": "Job not found"}
    assert api.get(f"/v2/crawl/{crawl_id}/errors").status_code == 200
    assert api.delete(f"/v2/crawl/{crawl_id}").status_code == 409  # finished: the owner's answer


def test_batch_ids_of_another_organization_are_not_found(
    api: httpx.Client, stranger: httpx.Client, fixture_site: Any
) -> None:
    started = api.post("/v2/batch/scrape", json={"urls": [fixture_site.url("/article")]})
    assert started.status_code == 200, started.text
    batch_id = started.json()["id"]
    assert "invalidURLs" not in started.json()
    done = wait_done(api, f"/v2/batch/scrape/{batch_id}")
    assert done["status"] == "completed" and done["completed"] == done["total"] == 1
    for method, path in (
        ("GET", f"/v2/batch/scrape/{batch_id}"),
        ("GET", f"/v2/batch/scrape/{batch_id}/errors"),
        ("DELETE", f"/v2/batch/scrape/{batch_id}"),
    ):
        response = stranger.request(method, path)
        assert response.status_code == 404, (method, path)
    conflict = api.delete(f"/v2/batch/scrape/{batch_id}")
    assert conflict.status_code == 409 and conflict.json()["code"] == "CONFLICT"


def test_active_crawls_are_the_callers_own(
    api: httpx.Client, stranger: httpx.Client, fixture_site: Any
) -> None:
    body = {"url": fixture_site.url("/docs"), "limit": 50, "delay": 2}
    crawl_id = api.post("/v2/crawl", json=body).json()["id"]
    try:
        mine = [c["id"] for c in api.get("/v2/crawl/active").json()["crawls"]]
        theirs = [c["id"] for c in stranger.get("/v2/crawl/ongoing").json()["crawls"]]
        assert crawl_id in mine and crawl_id not in theirs
    finally:
        assert api.delete(f"/v2/crawl/{crawl_id}").json() == {
            "success": True,
            "status": "cancelled",
        }


def test_bad_bodies_and_queries_use_the_firecrawl_envelope(api: httpx.Client) -> None:
    bad = api.post("/v2/crawl", json={"url": "https://example.com/", "limit": -1})
    assert bad.status_code == 400
    assert bad.json()["details"] == [
        {"code": "custom", "path": ["limit"], "message": "limit must be greater than 0"}
    ]
    query = api.get("/v2/crawl/00000000-0000-0000-0000-000000000000", params={"skip": "x"})
    assert query.status_code == 400 and query.json()["error"] == "Bad Request"
