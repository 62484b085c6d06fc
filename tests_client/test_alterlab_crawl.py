"""The official client's crawl methods against scrapegate."""

from __future__ import annotations

from typing import Any


def test_crawl_and_wait(client: Any, site: str) -> None:
    result = client.crawl_and_wait(
        f"{site}/tree", max_pages=10, max_depth=1, include_patterns=["/tree*"], poll_interval=0.3
    )
    assert result["status"] == "completed"
    assert result["total"] == 3
    assert all(page["result"]["content"] for page in result["pages"])


def test_crawl_get_and_cancel(client: Any, site: str) -> None:
    started = client.crawl(f"{site}/", max_pages=30)
    assert started["status"] in ("discovering", "running")
    status = client.get_crawl(started["crawl_id"])
    assert status["crawl_id"] == started["crawl_id"]
    cancelled = client.cancel_crawl(started["crawl_id"])
    assert cancelled["cancelled"] is True
