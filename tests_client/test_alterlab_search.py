"""AlterLab's official client's search and batch_search against scrapegate and a SearXNG stand-in.

The stack (tests/client_stack.py) points the server at a SearXNG-shaped server whose results are
the fixture site's pages: /article, /thin, /, /plain, /tree.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from alterlab import AlterLabAPIError

ARTICLE_SENTENCE = "The quick brown fox of scrapegate"


def test_search_returns_serp_results(client: Any, site: str) -> None:
    result = client.search("how scrapegate reads the web", num_results=3)
    assert uuid.UUID(result["search_id"])
    assert result["status"] == "completed"
    assert [r["position"] for r in result["results"]] == [1, 2, 3]
    first = result["results"][0]
    assert first["url"] == f"{site}/article"
    assert first["title"] == "How Scrapegate Reads the Web"
    assert first["snippet"]
    assert result["results_count"] == 3 and result["results_requested"] == 3
    assert "content" not in first


def test_search_with_scraped_results(client: Any, site: str) -> None:
    result = client.search("article", num_results=1, scrape_results=True, formats=["markdown"])
    (first,) = result["results"]
    assert first["url"] == f"{site}/article"
    assert first["scrape"]["status_code"] == 200 and first["scrape"]["error"] is None
    assert ARTICLE_SENTENCE in str(first["content"])


def test_search_is_also_a_job(client: Any) -> None:
    result = client.search("jobs", num_results=2)
    job = client.get_job_status(result["search_id"])
    assert job["type"] == "search" and job["status"] == "completed"
    assert job["result"]["search_id"] == result["search_id"]


def test_search_validation_error(client: Any) -> None:
    with pytest.raises(AlterLabAPIError) as caught:
        client.search("q", num_results=51)
    assert caught.value.status_code == 400


def test_batch_search(client: Any, site: str) -> None:
    accepted = client.batch_search(["first query", "second query"], num_results=2)
    assert accepted["type"] == "search" and accepted["status"] == "pending"
    assert accepted["job_ids"] == accepted["search_ids"] and len(accepted["search_ids"]) == 2
    for search_id, query in zip(
        accepted["search_ids"], ["first query", "second query"], strict=True
    ):
        result = client.wait_for_job(search_id, poll_interval=0.2)
        assert result["query"] == query
        assert [r["url"] for r in result["results"]] == [f"{site}/article", f"{site}/thin"]
