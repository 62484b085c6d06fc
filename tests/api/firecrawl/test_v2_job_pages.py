"""Crawl and batch states in Firecrawl's vocabulary, and its pages of Documents."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from scrapegate.api.firecrawl.v2_document import DocumentView
from scrapegate.api.firecrawl.v2_job_pages import (
    JobState,
    PageWindow,
    batch_status,
    crawl_status,
    credits_used,
    expires_at,
    status_response,
)
from scrapegate.errors import InvalidRequest
from tests.api.firecrawl.test_v2_document import core_result

BASE = "https://scrape.example.org/v2/crawl/abc"
CREATED = datetime(2026, 3, 14, 9, 26, 53, 589_000, tzinfo=UTC)
VIEW = DocumentView(
    markdown=True, html=False, raw_html=False, links=False, screenshot=False, cache_lookup=False
)


def results(count: int) -> list[dict[str, Any]]:
    made = []
    for n in range(count):
        page = f"https://example.com/p{n}"
        made.append(dict(core_result(url=page, final_url=page)))
    return made


def state(status: Any = "scraping", completed: int = 3, total: int = 5) -> JobState:
    return JobState(status, completed, total, 2_500, CREATED, None, "boom")


@pytest.mark.parametrize(
    ("core", "cancelled", "expected"),
    [
        ("discovering", False, "scraping"),
        ("running", False, "scraping"),
        ("completed", False, "completed"),
        ("partial", False, "completed"),
        ("failed", False, "failed"),
        ("partial", True, "cancelled"),
        ("failed", True, "cancelled"),
    ],
)
def test_crawl_statuses(core: str, cancelled: bool, expected: str) -> None:
    assert crawl_status(core, cancelled) == expected


@pytest.mark.parametrize(
    ("core", "expected"),
    [
        ("pending", "scraping"),
        ("running", "scraping"),
        ("completed", "completed"),
        ("failed", "failed"),
        ("cancelled", "cancelled"),
    ],
)
def test_batch_statuses(core: str, expected: str) -> None:
    assert batch_status(core) == expected


def test_credits_and_expiry() -> None:
    assert credits_used(0) == 0 and credits_used(1) == 1 and credits_used(2_001) == 3
    assert expires_at(CREATED, None) == "2026-03-15T09:26:53.589Z"
    ended = datetime(2026, 3, 20, tzinfo=UTC)
    assert expires_at(CREATED, ended) == "2026-03-20T00:00:00.000Z"


def test_window_rules() -> None:
    assert PageWindow.of(0, None).size == 100 and PageWindow.of(0, 500).size == 100
    assert PageWindow.of(4, 3).wanted == 8
    with pytest.raises(InvalidRequest):
        PageWindow.of(-1, None)
    with pytest.raises(InvalidRequest):
        PageWindow.of(0, 0)


def test_a_page_with_more_beyond_it_links_to_the_next() -> None:
    body = status_response(state(), results(5), VIEW, PageWindow.of(0, 2), BASE).wire()
    assert [d["metadata"]["sourceURL"] for d in body["data"]] == [
        "https://example.com/p0",
        "https://example.com/p1",
    ]
    assert body["next"] == f"{BASE}?skip=2&limit=2"
    assert (body["status"], body["completed"], body["total"]) == ("scraping", 3, 5)
    assert body["creditsUsed"] == 3 and body["expiresAt"] == "2026-03-15T09:26:53.589Z"
    assert "error" not in body


def test_the_last_page_has_no_next_and_an_empty_one_keeps_data() -> None:
    last = status_response(state(), results(5), VIEW, PageWindow.of(4, 2), BASE).wire()
    assert len(last["data"]) == 1 and "next" not in last
    empty = status_response(state(), [], VIEW, PageWindow.of(0, None), BASE).wire()
    assert empty["data"] == [] and "next" not in empty


def test_default_page_size_is_100_and_next_has_no_limit() -> None:
    body = status_response(state(), results(101), VIEW, PageWindow.of(0, None), BASE).wire()
    assert len(body["data"]) == 100 and body["next"] == f"{BASE}?skip=100"


def test_a_finished_job_counts_every_page_done_and_only_failure_has_error() -> None:
    done = status_response(state("cancelled", 1, 4), [], VIEW, PageWindow(), BASE).wire()
    assert done["completed"] == done["total"] == 4 and "error" not in done
    failed = status_response(state("failed", 0, 1), [], VIEW, PageWindow(), BASE).wire()
    assert failed["status"] == "failed" and failed["error"] == "boom"
