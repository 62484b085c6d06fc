"""Firecrawl's official client, unmodified, batch-scraping the fixture site through scrapegate."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from firecrawl.v2.utils.error_handler import FirecrawlError

from tests.site.pages import ARTICLE_SENTENCE, ARTICLE_TITLE, THIN_TEXT

# A bound for the polling loop below, so a stuck batch fails the test instead of hanging it.
PATIENCE_S = 120


def fresh(site: str, path: str) -> str:
    """The page under a URL of its own: no cache entry of another test is shared."""
    return f"{site}{path}?batch={uuid.uuid4()}"


def wait_until_done(firecrawl: Any, batch_id: str) -> Any:
    deadline = time.monotonic() + PATIENCE_S
    while True:
        job = firecrawl.get_batch_scrape_status(batch_id)
        if job.status != "scraping":
            return job
        assert time.monotonic() < deadline, f"batch {batch_id} still {job.status}"
        time.sleep(0.5)


def test_batch_scrape_waits_for_every_document(firecrawl: Any, site: str) -> None:
    urls = [fresh(site, "/article"), fresh(site, "/thin"), fresh(site, "/docs/start")]
    job = firecrawl.batch_scrape(urls, formats=["markdown"], poll_interval=1)
    assert job.status == "completed"
    assert job.completed == job.total == 3
    by_url = {doc.metadata.source_url: doc for doc in job.data}
    assert set(by_url) == set(urls)
    article = by_url[urls[0]]
    assert ARTICLE_SENTENCE in article.markdown and ARTICLE_TITLE in article.metadata.title
    assert article.metadata.credits_used >= 1
    assert THIN_TEXT[:40] in by_url[urls[1]].markdown
    assert all(doc.html is None and doc.links is None for doc in job.data)
    assert job.credits_used is not None and job.expires_at is not None


def test_start_then_status_with_top_level_scrape_options(firecrawl: Any, site: str) -> None:
    started = firecrawl.start_batch_scrape(
        [fresh(site, "/article"), fresh(site, "/docs/install")], formats=["html", "links"]
    )
    uuid.UUID(started.id)
    assert urlsplit(started.url).path == f"/v2/batch/scrape/{started.id}"
    assert started.invalid_urls is None  # only listed when invalid URLs are skipped
    job = wait_until_done(firecrawl, started.id)
    assert job.status == "completed" and len(job.data) == 2
    for doc in job.data:
        assert doc.markdown is None and doc.html and doc.links
    install = next(d for d in job.data if "/docs/install?" in d.metadata.source_url)
    assert f"{site}/docs/install/topic-1" in install.links


def test_invalid_urls_are_skipped_and_listed_when_asked(firecrawl: Any, site: str) -> None:
    article = fresh(site, "/article")
    started = firecrawl.start_batch_scrape([article, "http://"], ignore_invalid_urls=True)
    assert started.invalid_urls == ["http://"]
    job = wait_until_done(firecrawl, started.id)
    assert job.total == 1 and [doc.metadata.source_url for doc in job.data] == [article]


def test_an_invalid_url_is_a_bad_request_otherwise(server: str, key: str, site: str) -> None:
    response = httpx.post(
        f"{server}/v2/batch/scrape",
        json={"urls": [f"{site}/article", "ftp://x"], "origin": "raw-test"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Bad Request"
    assert body["details"] == [
        {"code": "custom", "path": ["urls", 1], "message": "Invalid URL: ftp://x"}
    ]


def test_cancel_a_running_batch_then_a_finished_one(firecrawl: Any, site: str) -> None:
    slow = [f"{site}/slow?delay=20&n={n}" for n in range(3)]
    started = firecrawl.start_batch_scrape(slow)
    assert firecrawl.cancel_batch_scrape(started.id) is True
    job = firecrawl.get_batch_scrape_status(started.id)
    assert job.status == "cancelled"
    with pytest.raises(FirecrawlError):  # 409: the v2 client raises for batches
        firecrawl.cancel_batch_scrape(started.id)


def test_errors_list_the_failed_urls(firecrawl: Any, site: str) -> None:
    started = firecrawl.start_batch_scrape([fresh(site, "/article"), f"{site}/block/access-denied"])
    job = wait_until_done(firecrawl, started.id)
    assert job.status == "completed" and len(job.data) == 1
    assert job.completed == job.total == 2
    errors = firecrawl.get_batch_scrape_errors(started.id)
    assert [error.url for error in errors.errors] == [f"{site}/block/access-denied"]
    failed = errors.errors[0]
    uuid.UUID(failed.id)
    assert failed.error and failed.code and failed.timestamp is not None
    assert errors.robots_blocked == []


def test_unknown_batch_is_not_found(server: str, key: str) -> None:
    response = httpx.get(f"{server}/v2/batch/scrape/{uuid.uuid4()}", headers={"X-API-Key": key})
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Job not found"}
