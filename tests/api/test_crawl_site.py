"""Whole crawls of the generated site (tests/site/generated_site.py): exact page counts, robots,
traps, per-crawl concurrency, progress events, the crawl list and a persistent event log."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import ADMIN_KEY
from tests.api.test_crawl_route import wait_crawl
from tests.live_server import LiveServer
from tests.site.generated_site import GEN_PAGES, ORPHANS
from tests.sse import read_events

CALENDAR_MONTHS = 13  # this month and twelve ahead; further months look like a trap
GEN_CRAWL = {
    "max_pages": 1_000,
    "max_depth": 50,
    "sitemap_path": "/gen/sitemap-index.xml",
    "max_concurrency": 20,
}


def test_generated_site_is_crawled_exactly(api: httpx.Client, fixture_site: Any) -> None:
    fixture_site.clear()
    accepted = api.post("/api/v1/crawl", json={"url": fixture_site.url("/gen/"), **GEN_CRAWL})
    assert accepted.status_code == 202, accepted.text
    done = wait_crawl(api, accepted.json()["crawl_id"], patience_s=300)
    expected = 1 + GEN_PAGES + ORPHANS + CALENDAR_MONTHS
    assert (done["status"], done["total"], done["completed"]) == ("completed", expected, expected)
    paths = [path for _, path, _ in fixture_site.requests]
    # robots.txt disallows /private/ for our token: not one request went there.
    assert not [p for p in paths if p.startswith("/private/")]
    assert not [p for p in paths if "session" in p.lower()]
    pages = {p for p in paths if p.startswith("/gen/p/")}
    assert pages == {f"/gen/p/{i}" for i in range(GEN_PAGES)}
    calendar = {p for p in paths if p.startswith("/gen/calendar/")}
    assert len(calendar) == CALENDAR_MONTHS
    assert {p for p in paths if p.startswith("/gen/orphan/")} == {
        f"/gen/orphan/{k}" for k in range(ORPHANS)
    }


def test_max_concurrency_bounds_requests_in_flight(api: httpx.Client, fixture_site: Any) -> None:
    httpx.get(fixture_site.url("/gen/slow-stats?reset=1"))
    accepted = api.post(
        "/api/v1/crawl",
        json={"url": fixture_site.url("/gen/slow/"), "max_concurrency": 1, "sitemap": "skip"},
    ).json()
    done = wait_crawl(api, accepted["crawl_id"])
    assert done["completed"] == 9
    assert httpx.get(fixture_site.url("/gen/slow-stats")).json()["peak_in_flight"] == 1


def test_progress_events_and_a_log_that_survives_restarts(
    server_factory: Any, fixture_site: Any, tmp_path: Any
) -> None:
    server: LiveServer = server_factory(tmp_path, crawl={"progress_interval_s": 0.05})
    api = httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    accepted = api.post(
        "/api/v1/crawl",
        json={"url": fixture_site.url("/gen/slow/"), "max_concurrency": 2, "sitemap": "skip"},
    ).json()
    url = f"{server.url}{accepted['stream_url']}?api_key={ADMIN_KEY}"
    events = read_events(url)
    names = [name for _, name, _ in events]
    assert names[-1] == "crawl.completed" and names.count("page.completed") == 9
    progress = [data for _, name, data in events if name == "crawl.progress"]
    assert progress and progress[0]["total"] >= 1
    assert set(progress[-1]) >= {"pending", "running", "pages_per_minute", "eta_ms", "elapsed_ms"}
    assert all(
        p["total"] == p["completed"] + p["failed"] + p["pending"] + p["running"] for p in progress
    )
    server.stop()
    again: LiveServer = server_factory(tmp_path)
    middle = events[len(events) // 2][0]
    replay = read_events(
        f"{again.url}{accepted['stream_url']}?api_key={ADMIN_KEY}",
        headers={"Last-Event-ID": str(middle)},
    )
    assert [e[:2] for e in replay] == [e[:2] for e in events if e[0] > middle]
    completed = [data for _, name, data in replay if name == "page.completed"]
    assert all("markdown" in str(data["result"]) or data["result"] for data in completed)


def test_crawls_are_listed_newest_first(api: httpx.Client, fixture_site: Any) -> None:
    first = api.post(
        "/api/v1/crawl", json={"url": fixture_site.url("/tree"), "max_depth": 0, "sitemap": "skip"}
    ).json()
    second = api.post(
        "/api/v1/crawl", json={"url": fixture_site.url("/tree"), "max_depth": 0, "sitemap": "skip"}
    ).json()
    wait_crawl(api, first["crawl_id"])
    wait_crawl(api, second["crawl_id"])
    listed = api.get("/api/v1/crawl", params={"limit": 2}).json()
    assert [c["crawl_id"] for c in listed["crawls"]] == [second["crawl_id"], first["crawl_id"]]
    assert listed["total"] >= 2 and listed["limit"] == 2 and listed["offset"] == 0
    assert set(listed["crawls"][0]) == {
        "crawl_id", "url", "status", "total", "completed", "failed", "created_at"
    }  # fmt: skip
    assert api.get("/api/v1/crawl", params={"status": "active"}).json()["crawls"] == []
    completed = api.get("/api/v1/crawl", params={"status": "completed"}).json()
    assert {c["status"] for c in completed["crawls"]} == {"completed"}
    bad = api.get("/api/v1/crawl", params={"status": "sleeping"})
    assert bad.status_code == 400 and bad.json()["error"] == "INVALID_REQUEST"


def test_robots_blocked_lists_links_found_while_crawling(
    api: httpx.Client, server: LiveServer, fixture_site: Any
) -> None:
    # /gen/p/0 (depth 0), then /gen/p/1, /gen/p/2 and /gen/ (depth 1) each link one /private/
    # URL, which robots.txt disallows for scrapegate; depth-2 pages are not followed.
    body = {"url": fixture_site.url("/gen/p/0"), "max_depth": 2, "sitemap": "skip"}
    accepted = api.post("/api/v1/crawl", json=body)
    assert accepted.status_code == 202, accepted.text
    crawl_id = accepted.json()["crawl_id"]
    done = wait_crawl(api, crawl_id)
    expected = [fixture_site.url(f"/private/{name}") for name in ("p-0", "p-1", "p-2")]
    expected.append(fixture_site.url("/private/gen-secret"))
    # Pages finish concurrently: the order of the list follows them, its contents do not.
    assert sorted(done["robots_blocked"]) == sorted(expected)
    assert done["robots_blocked"][0] == expected[0]  # found on the start page, before the rest
    assert done["discovered"] == done["total"] + len(expected)
    stream = f"{server.url}/api/v1/crawl/{crawl_id}/stream?api_key={ADMIN_KEY}"
    [(_, name, data)] = read_events(stream)
    assert (name, data["robots_blocked_count"]) == ("crawl.completed", len(expected))
