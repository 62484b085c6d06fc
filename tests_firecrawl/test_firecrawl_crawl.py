"""Firecrawl's official client, unmodified, crawling the fixture site through scrapegate."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
from firecrawl.v2.utils.error_handler import FirecrawlError

# A bound for the polling loops below, so a stuck crawl fails the test instead of hanging it.
PATIENCE_S = 120


def under(url: str, path: str) -> bool:
    found = urlsplit(url).path
    return found == path or found.startswith(f"{path}/")


def wait_until_done(firecrawl: Any, crawl_id: str) -> Any:
    deadline = time.monotonic() + PATIENCE_S
    while True:
        job = firecrawl.get_crawl_status(crawl_id)
        if job.status != "scraping":
            return job
        assert time.monotonic() < deadline, f"crawl {crawl_id} still {job.status}"
        time.sleep(0.5)


def test_the_whole_docs_section_is_120_pages_and_nothing_else(firecrawl: Any, site: str) -> None:
    job = firecrawl.crawl(url=f"{site}/docs", limit=500, poll_interval=1, timeout=PATIENCE_S)
    urls = {doc.metadata.source_url for doc in job.data}
    assert job.status == "completed" and len(job.data) == len(urls) == 120
    assert all(under(url, "/docs") for url in urls)  # not /docs-archive, /, /article
    assert job.completed == job.total == 120


def test_crawl_of_docs_returns_exactly_the_limit_all_under_docs(firecrawl: Any, site: str) -> None:
    job = firecrawl.crawl(url=f"{site}/docs", limit=20, poll_interval=1, timeout=PATIENCE_S)
    assert job.status == "completed"
    assert len(job.data) == 20
    urls = [doc.metadata.source_url for doc in job.data]
    assert len(set(urls)) == 20
    assert all(under(url, "/docs") for url in urls), urls
    assert f"{site}/docs" in urls
    assert job.completed == job.total == 20
    assert job.credits_used >= 0 and job.expires_at is not None
    for doc in job.data:
        assert doc.metadata.status_code == 200
        assert "documentation page explains" in doc.markdown
        uuid.UUID(doc.metadata.scrape_id)


def test_start_crawl_then_status_with_scrape_options(firecrawl: Any, site: str) -> None:
    start_url = f"{site}/docs/install"
    started = firecrawl.start_crawl(
        start_url, limit=5, formats=["markdown", "links"], only_main_content=True
    )
    uuid.UUID(started.id)
    assert urlsplit(started.url).path == f"/v2/crawl/{started.id}"
    job = wait_until_done(firecrawl, started.id)
    assert job.status == "completed" and job.completed == job.total == 5
    assert len(job.data) == 5
    assert all(under(doc.metadata.source_url, "/docs/install") for doc in job.data)
    first = next(doc for doc in job.data if doc.metadata.source_url == start_url)
    assert f"{site}/docs/install/topic-1" in first.links
    assert f"{site}/article" in first.links  # links are the page's, not the crawl's scope


def test_include_paths_are_regexes_anded_with_the_start_path(firecrawl: Any, site: str) -> None:
    job = firecrawl.crawl(
        url=f"{site}/docs",
        include_paths=["topic-1$"],
        limit=50,
        poll_interval=1,
        timeout=PATIENCE_S,
    )
    paths = sorted(urlsplit(doc.metadata.source_url).path for doc in job.data)
    assert paths == ["/docs"]  # the chapters are skipped, so no topic is reached
    wide = firecrawl.crawl(
        url=f"{site}/docs",
        include_paths=["^/docs/(start|install)(/topic-1)?$"],
        limit=50,
        poll_interval=1,
        timeout=PATIENCE_S,
    )
    found = sorted(urlsplit(doc.metadata.source_url).path for doc in wide.data)
    assert found == [
        "/docs",
        "/docs/install",
        "/docs/install/topic-1",
        "/docs/start",
        "/docs/start/topic-1",
    ]


def test_status_pages_follow_next(server: str, key: str, firecrawl: Any, site: str) -> None:
    crawl_id = firecrawl.start_crawl(f"{site}/docs", limit=7).id
    done = wait_until_done(firecrawl, crawl_id)  # the client itself follows every next
    assert len(done.data) == 7
    headers = {"Authorization": f"Bearer {key}"}
    first = httpx.get(f"{server}/v2/crawl/{crawl_id}", params={"limit": 3}, headers=headers)
    body = first.json()
    assert len(body["data"]) == 3 and body["status"] == "completed"
    assert urlsplit(body["next"]).path == f"/v2/crawl/{crawl_id}"
    assert "skip=3" in body["next"] and "limit=3" in body["next"]
    last = httpx.get(
        f"{server}/v2/crawl/{crawl_id}", params={"skip": 6, "limit": 3}, headers=headers
    ).json()
    assert len(last["data"]) == 1 and "next" not in last
    paged = [d["metadata"]["sourceURL"] for d in body["data"] + last["data"]]
    assert set(paged) <= {doc.metadata.source_url for doc in done.data}


def test_cancel_a_running_crawl(firecrawl: Any, site: str) -> None:
    # One page every 2 s per host: the crawl is certainly still running when cancelled.
    started = firecrawl.start_crawl(f"{site}/docs", limit=120, delay=2)
    active = firecrawl.get_active_crawls()
    listed = {crawl.id: crawl for crawl in active.crawls}
    assert started.id in listed
    assert listed[started.id].url == f"{site}/docs"
    assert listed[started.id].options["limit"] == 120
    uuid.UUID(listed[started.id].team_id)
    assert firecrawl.cancel_crawl(started.id) is True
    job = firecrawl.get_crawl_status(started.id)
    assert job.status == "cancelled"
    assert job.completed == job.total
    assert firecrawl.cancel_crawl(started.id) is False  # 409: already finished
    assert started.id not in {crawl.id for crawl in firecrawl.get_active_crawls().crawls}


def test_ongoing_is_an_alias_of_active(server: str, key: str) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    for path in ("/v2/crawl/active", "/v2/crawl/ongoing"):
        body = httpx.get(f"{server}{path}", headers=headers).json()
        assert body["success"] is True and isinstance(body["crawls"], list)


def test_errors_list_robots_blocked_urls(firecrawl: Any, site: str) -> None:
    # The whole domain (robots.txt's /private/ is outside /gen/), without the site's sitemap.
    options = {"limit": 3, "crawl_entire_domain": True, "sitemap": "skip"}
    job_id = firecrawl.start_crawl(f"{site}/gen/", **options).id
    wait_until_done(firecrawl, job_id)
    errors = firecrawl.get_crawl_errors(job_id)
    assert f"{site}/private/gen-secret" in errors.robots_blocked
    assert errors.errors == []


def test_a_failing_start_url_fails_the_crawl_and_is_listed(firecrawl: Any, site: str) -> None:
    job_id = firecrawl.start_crawl(f"{site}/block/access-denied", limit=5).id
    job = wait_until_done(firecrawl, job_id)
    assert job.status == "failed" and job.data == []
    errors = firecrawl.get_crawl_errors(job_id)
    assert [error.url for error in errors.errors] == [f"{site}/block/access-denied"]
    assert errors.errors[0].id and errors.errors[0].error


def test_foreign_and_unknown_ids_are_not_found(server: str, key: str) -> None:
    unknown = str(uuid.uuid4())
    response = httpx.get(f"{server}/v2/crawl/{unknown}", headers={"X-API-Key": key})
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Job not found"}


def test_webhooks_are_refused_loudly(firecrawl: Any, site: str) -> None:
    try:
        firecrawl.start_crawl(f"{site}/docs", limit=1, webhook="http://127.0.0.1:9/hook")
    except FirecrawlError as error:
        assert "Webhooks are not supported" in str(error)
    else:
        raise AssertionError("a crawl with a webhook was accepted")
