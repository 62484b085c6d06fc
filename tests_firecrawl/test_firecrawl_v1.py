"""Firecrawl's feature-frozen v1 client (``V1FirecrawlApp``), unmodified, against scrapegate."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from firecrawl import V1FirecrawlApp

from tests.site.pages import ARTICLE_SENTENCE, ARTICLE_TITLE, SITEMAP_PATHS

PATIENCE_S = 120


@pytest.fixture(scope="module")
def v1(server: str, key: str) -> Any:
    return V1FirecrawlApp(api_key=key, api_url=server)


def under(url: str, path: str) -> bool:
    found = urlsplit(url).path
    return found == path or found.startswith(f"{path}/")


def wait_until_done(v1: Any, crawl_id: str) -> Any:
    deadline = time.monotonic() + PATIENCE_S
    while True:
        job = v1.check_crawl_status(crawl_id)
        if job.status != "scraping":
            return job
        assert time.monotonic() < deadline, f"crawl {crawl_id} still {job.status}"
        time.sleep(0.5)


def test_scrape_url_gives_a_v1_document(v1: Any, site: str) -> None:
    url = f"{site}/article"
    doc = v1.scrape_url(url, formats=["markdown", "links"])
    assert ARTICLE_SENTENCE in doc.markdown
    assert f"{site}/thin" in doc.links and doc.html is None
    meta = doc.metadata
    assert meta["sourceURL"] == url and meta["statusCode"] == 200
    assert ARTICLE_TITLE in meta["title"]
    assert meta["proxyUsed"] == "basic" and meta["creditsUsed"] >= 1
    assert "cacheState" not in meta  # v1's default maxAge 0: no cache lookup
    uuid.UUID(meta["scrapeId"])


def test_scrape_url_with_max_age_reads_the_cache(v1: Any, site: str) -> None:
    url = f"{site}/article?v1-cache={uuid.uuid4()}"
    first = v1.scrape_url(url, max_age=600_000)
    second = v1.scrape_url(url, max_age=600_000)
    assert first.metadata["cacheState"] == "miss"
    assert second.metadata["cacheState"] == "hit" and second.metadata["creditsUsed"] == 0


def test_scrape_url_json_format_is_not_served_yet(v1: Any, site: str) -> None:
    with pytest.raises(Exception, match="not supported"):
        v1.scrape_url(f"{site}/article", formats=["json"], json_options={"prompt": "the title"})


def test_map_url_answers_strings(v1: Any, site: str) -> None:
    result = v1.map_url(f"{site}/", limit=3)
    assert result.success is True
    assert len(result.links) == 3 and all(isinstance(link, str) for link in result.links)
    assert result.links[0] == f"{site}/"


def test_map_url_sitemap_only_lists_sitemap_urls(v1: Any, site: str) -> None:
    from_sitemap = v1.map_url(f"{site}/", sitemap_only=True).links
    listed = {f"{site}{path}" for path in SITEMAP_PATHS}
    assert listed <= set(from_sitemap) <= listed | {f"{site}/"}


def test_crawl_url_polls_until_done(v1: Any, site: str) -> None:
    job = v1.crawl_url(f"{site}/docs", limit=7, poll_interval=1)
    assert job.status == "completed" and job.success is True
    urls = [doc.metadata["sourceURL"] for doc in job.data]
    assert len(urls) == len(set(urls)) == 7
    assert all(under(url, "/docs") for url in urls)
    assert job.completed == job.total == 7 and job.expiresAt is not None


def test_async_crawl_then_status_and_errors(v1: Any, site: str) -> None:
    started = v1.async_crawl_url(f"{site}/docs/install", limit=3)
    assert started.success is True
    assert urlsplit(started.url).path == f"/v1/crawl/{started.id}"
    job = wait_until_done(v1, started.id)
    assert job.status == "completed" and len(job.data) == 3
    assert all(under(doc.metadata["sourceURL"], "/docs/install") for doc in job.data)
    errors = v1.check_crawl_errors(started.id)
    assert errors.errors == [] and isinstance(errors.robotsBlocked, list)


def test_v1_paging_links_point_at_v1(server: str, key: str, v1: Any, site: str) -> None:
    started = v1.async_crawl_url(f"{site}/docs", limit=5)
    wait_until_done(v1, started.id)
    body = httpx.get(
        f"{server}/v1/crawl/{started.id}", params={"limit": 2}, headers={"X-API-Key": key}
    ).json()
    assert len(body["data"]) == 2
    assert urlsplit(body["next"]).path == f"/v1/crawl/{started.id}"
    assert "error" not in body  # the v1 client counts any error key as a failure


def test_failed_crawl_lists_its_error(v1: Any, site: str) -> None:
    started = v1.async_crawl_url(f"{site}/block/access-denied", limit=2)
    job = wait_until_done(v1, started.id)
    assert job.status == "failed" and job.data == []
    errors = v1.check_crawl_errors(started.id)
    assert [error.url for error in errors.errors] == [f"{site}/block/access-denied"]
    assert errors.errors[0].timestamp is not None


def test_cancel_crawl_and_active_list(v1: Any, server: str, key: str, site: str) -> None:
    started = v1.async_crawl_url(f"{site}/docs", limit=120, delay=2)
    active = httpx.get(f"{server}/v1/crawl/active", headers={"X-API-Key": key}).json()
    assert started.id in {crawl["id"] for crawl in active["crawls"]}
    assert v1.cancel_crawl(started.id) == {"success": True, "status": "cancelled"}
    assert v1.check_crawl_status(started.id).status == "cancelled"
    with pytest.raises(Exception, match=r"409|finished|Conflict|ended"):
        v1.cancel_crawl(started.id)


def test_max_depth_zero_keeps_the_crawl_on_its_start_page(v1: Any, site: str) -> None:
    job = v1.crawl_url(f"{site}/docs", limit=10, max_depth=0, poll_interval=1)
    assert [doc.metadata["sourceURL"] for doc in job.data] == [f"{site}/docs"]


def test_batch_scrape_urls_waits_for_every_document(v1: Any, site: str) -> None:
    urls = [f"{site}/article?v1-batch={n}-{uuid.uuid4()}" for n in range(3)]
    job = v1.batch_scrape_urls(urls, formats=["markdown", "html"], poll_interval=1)
    assert job.status == "completed" and job.completed == job.total == 3
    assert [doc.metadata["sourceURL"] for doc in job.data] == urls
    assert all(ARTICLE_SENTENCE in doc.markdown and doc.html for doc in job.data)


def test_batch_status_errors_and_cancel(v1: Any, site: str) -> None:
    ok = f"{site}/article?v1-batch-errors={uuid.uuid4()}"
    started = v1.async_batch_scrape_urls([ok, f"{site}/block/access-denied"])
    assert urlsplit(started.url).path == f"/v1/batch/scrape/{started.id}"
    deadline = time.monotonic() + PATIENCE_S
    while (job := v1.check_batch_scrape_status(started.id)).status == "scraping":
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert job.status == "completed" and [d.metadata["sourceURL"] for d in job.data] == [ok]
    errors = v1.check_batch_scrape_errors(started.id)
    assert [error.url for error in errors.errors] == [f"{site}/block/access-denied"]


def test_v1_bodies_are_refused_like_v2_ones(server: str, key: str) -> None:
    response = httpx.post(
        f"{server}/v1/scrape", json={"url": "ftp://example.com/"}, headers={"X-API-Key": key}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["details"][0]["path"] == ["url"]
