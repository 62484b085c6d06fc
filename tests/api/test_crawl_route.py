"""Crawls through the API on the fixture site's link tree (/tree: two links per page).

Depth 2 from /tree is 1 + 2 + 4 = 7 pages; deeper, /tree/a/a/a is (rightly) taken for a
repeating-path trap.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx

from tests.api.conftest import ADMIN_KEY, new_key
from tests.live_server import LiveServer
from tests.sse import read_events

TREE = {"sitemap": "skip", "include_patterns": ["/tree*"], "max_pages": 100}


def wait_crawl(api: httpx.Client, crawl_id: str, patience_s: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline:
        body: dict[str, Any] = api.get(f"/api/v1/crawl/{crawl_id}").json()
        if body["status"] in ("completed", "partial", "failed"):
            return body
        time.sleep(0.1)
    raise AssertionError("crawl did not finish")


def test_crawl_follows_links_to_the_depth_limit(api: httpx.Client, fixture_site: Any) -> None:
    fixture_site.clear()
    response = api.post(
        "/api/v1/crawl", json={"url": fixture_site.url("/tree"), **TREE, "max_depth": 2}
    )
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert response.headers["Location"] == accepted["poll_url"]
    done = wait_crawl(api, accepted["crawl_id"])
    assert (done["status"], done["total"], done["completed"], done["failed"]) == (
        "completed",
        7,
        7,
        0,
    )
    assert done["stop_reason"] == "finished"
    fetched = Counter(path for method, path, _ in fixture_site.requests if path.startswith("/tree"))
    # Each page once per tier tried: the tree pages are thin, so auto mode also renders them.
    assert len(fetched) == 7 and max(fetched.values()) <= 2


def test_depth_and_page_limits(api: httpx.Client, fixture_site: Any) -> None:
    shallow = api.post(
        "/api/v1/crawl", json={"url": fixture_site.url("/tree"), **TREE, "max_depth": 1}
    ).json()
    assert wait_crawl(api, shallow["crawl_id"])["total"] == 3
    capped = api.post(
        "/api/v1/crawl", json={"url": fixture_site.url("/tree"), **TREE, "max_pages": 5}
    ).json()
    done = wait_crawl(api, capped["crawl_id"])
    assert done["total"] == 5 and done["stop_reason"] == "max_pages"


def test_results_are_paginated(api: httpx.Client, fixture_site: Any) -> None:
    accepted = api.post(
        "/api/v1/crawl", json={"url": fixture_site.url("/tree"), **TREE, "formats": ["text"]}
    ).json()
    wait_crawl(api, accepted["crawl_id"])
    page = api.get(
        f"/api/v1/crawl/{accepted['crawl_id']}", params={"include_results": "true", "limit": 10}
    ).json()
    assert len(page["pages"]) == 10 and page["has_more"] is True and page["next_offset"] == 10
    first = page["pages"][0]
    assert first["depth"] == 0 and first["status"] == "completed"
    assert "raw_html" not in first["result"]
    assert isinstance(first["result"]["content"]["text"], str)


def test_start_url_failure_fails_the_crawl(api: httpx.Client, fixture_site: Any) -> None:
    for path, _code in (
        ("/challenge/cloudflare", "CHALLENGE_DETECTED"),
        ("/status/404", "UPSTREAM_ERROR"),
    ):
        accepted = api.post(
            "/api/v1/crawl",
            json={
                "url": fixture_site.url(path),
                "sitemap": "skip",
                "cost_controls": {"max_tier": "1"},
            },
        ).json()
        done = wait_crawl(api, accepted["crawl_id"])
        assert (done["status"], done["stop_reason"], done["completed"]) == ("failed", "error", 0)
        assert done["error"]


def test_cancel_refunds_pending_pages(server_factory: Any, fixture_site: Any) -> None:
    server = server_factory(
        rate_limits={"default_concurrency": 1},
        jobs={"workers": 1},
        billing={"enabled": True, "default_balance_microcents": 100_000},
    )
    api = httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    accepted = api.post(
        "/api/v1/crawl", json={"url": fixture_site.url("/"), "max_pages": 20}
    ).json()
    cancelled = api.delete(f"/api/v1/crawl/{accepted['crawl_id']}").json()
    assert cancelled["cancelled"] is True and cancelled["status"] in ("partial", "failed")
    assert api.delete(f"/api/v1/crawl/{accepted['crawl_id']}").status_code == 409
    view = wait_crawl(api, accepted["crawl_id"])
    assert view["cancelled"] is True and view["stop_reason"] == "cancelled"


def test_event_stream_ends_with_completion(
    api: httpx.Client, server: LiveServer, fixture_site: Any
) -> None:
    accepted = api.post(
        "/api/v1/crawl", json={"url": fixture_site.url("/tree"), **TREE, "max_depth": 1}
    ).json()
    url = f"{server.url}{accepted['stream_url']}?api_key={ADMIN_KEY}"
    # Replayed from the first event: the crawl may well end before the stream opens.
    events = read_events(url, {"Last-Event-ID": "0"})
    names = [name for _, name, _ in events]
    assert names[-1] == "crawl.completed"
    assert names.count("page.completed") == 3
    assert [i for i, _, _ in events] == sorted(i for i, _, _ in events)
    again = httpx.get(url, timeout=30)  # a finished crawl: one crawl.completed, then close
    assert again.headers["content-type"].startswith("text/event-stream")
    finished = again.text
    assert finished.count("event: crawl.completed") == 1
    assert "page.completed" not in finished


def test_crawls_are_private_and_validated(
    api: httpx.Client, server: LiveServer, fixture_site: Any
) -> None:
    accepted = api.post(
        "/api/v1/crawl", json={"url": fixture_site.url("/tree"), **TREE, "max_depth": 0}
    ).json()
    other = new_key(server, "crawl-stranger")
    assert (
        httpx.get(
            f"{server.url}/api/v1/crawl/{accepted['crawl_id']}", headers={"X-API-Key": other}
        ).status_code
        == 404
    )
    bad = api.post("/api/v1/crawl", json={"url": fixture_site.url("/"), "max_depth": 51})
    assert bad.status_code == 400 and bad.json()["detail"] == "max_depth must be between 0 and 50"


def test_a_crawled_page_is_written_once_with_its_links_not_its_html(
    server: LiveServer, api: httpx.Client, fixture_site: Any
) -> None:
    storage = server.services.storage
    saves: list[str] = []
    real_save = storage.jobs.save

    async def counted_save(job: Any) -> None:
        saves.append(job.id)
        await real_save(job)

    storage.jobs.save = counted_save  # type: ignore[method-assign]
    try:
        plain = api.post(
            "/api/v1/crawl", json={"url": fixture_site.url("/tree"), **TREE, "max_depth": 1}
        ).json()
        wait_crawl(api, plain["crawl_id"])
        with_html = api.post(
            "/api/v1/crawl",
            json={
                "url": fixture_site.url("/tree"),
                **TREE,
                "max_depth": 1,
                "include_raw_html": True,
            },
        ).json()
        wait_crawl(api, with_html["crawl_id"])
    finally:
        storage.jobs.save = real_save  # type: ignore[method-assign]
    assert saves == []  # the terminal write was the only one
    for crawl_id, keeps_html in ((plain["crawl_id"], False), (with_html["crawl_id"], True)):
        pages = api.get(f"/api/v1/crawl/{crawl_id}", params={"include_results": "true"}).json()
        start = next(p for p in pages["pages"] if p["depth"] == 0)
        job = server.call(storage.jobs.get(start["job_id"]))
        assert ("raw_html" in job.result) is keeps_html
        assert {fixture_site.url("/tree/a"), fixture_site.url("/tree/b")} <= set(job.links)
        leaf = next(p for p in pages["pages"] if p["depth"] == 1)
        assert server.call(storage.jobs.get(leaf["job_id"])).links is None  # depth 1 is the end
