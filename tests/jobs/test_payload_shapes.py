"""Key order of the event and webhook payloads jobs build (their JSON goes out as built)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scrapegate.domain.records import Batch, Crawl, Job, JobStatus
from scrapegate.errors import InvalidRequest
from scrapegate.fetchers.search_provider import SearchHit
from scrapegate.jobs.batch_views import webhook_data
from scrapegate.jobs.crawl_views import CrawlCompletedData, ended_webhook, page_event, page_webhook
from scrapegate.jobs.job_effects import webhook_event
from scrapegate.jobs.job_events import job_event_data
from scrapegate.jobs.search_views import ResultScrape, result_item, search_webhook

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
COUNTS = {"queued": 4, "completed": 3, "failed": 1, "total": 8}


def _job(status: JobStatus, **fields: object) -> Job:
    job = Job(
        id=f"j-{status}",
        org_id="o",
        key_id="k",
        type="scrape",
        request={"url": "https://a.test/x"},
        request_hash="h",
        status=status,
        created_at=T0,
        started_at=T0,
        completed_at=T0 + timedelta(seconds=2),
    )
    for name, value in fields.items():
        setattr(job, name, value)
    return job


def _crawl() -> Crawl:
    return Crawl(id="c", org_id="o", key_id=None, url="https://a.test", options={}, created_at=T0)


def test_job_event_data_keys_per_status() -> None:
    assert list(job_event_data(_job("pending"), 2)) == [
        "status",
        "job_type",
        "url",
        "queue_position",
        "created_at",
    ]
    assert list(job_event_data(_job("running"))) == ["status", "started_at", "tier"]
    completed = _job("completed", result={"status_code": 200, "response_time_ms": 9})
    assert job_event_data(completed) == {
        "status": "completed",
        "url": "https://a.test/x",
        "status_code": 200,
        "tier_used": None,
        "credits_used": 0,
        "response_time_ms": 9,
        "completed_at": "2026-01-02T03:04:07.000Z",
    }
    failed = job_event_data(_job("failed"))
    assert list(failed) == ["status", "error", "error_code", "credits_refunded", "failed_at"]
    assert failed["status"] == "failed"


def test_job_webhooks_put_the_common_keys_first() -> None:
    event, data = webhook_event(_job("completed", result={"status_code": 201}))
    assert event == "job.completed"
    assert list(data) == [
        "job_id",
        "job_type",
        "url",
        "status",
        "status_code",
        "credits_used",
        "tier_used",
        "completed_at",
        "result",
    ]
    event, data = webhook_event(_job("failed", error="boom"))
    assert event == "job.failed"
    assert list(data)[4:] == ["error", "error_code", "credits_refunded", "failed_at"]


def test_crawl_page_webhook_is_the_page_event_then_the_status() -> None:
    for job in (_job("completed", result={"title": "T"}), _job("failed")):
        _, data = page_event(_crawl(), job, 1, COUNTS)
        webhook = page_webhook(_crawl(), job, 1, COUNTS)
        assert list(webhook) == [*data, "status"]
        assert dict(webhook) == {**data, "status": job.status}


def test_crawl_ended_webhook_adds_where_to_read() -> None:
    data: CrawlCompletedData = {
        "crawl_id": "c",
        "status": "completed",
        "cancelled": False,
        "stop_reason": "finished",
        "completed": 3,
        "failed": 0,
        "total": 3,
        "robots_blocked_count": 0,
        "credits_used": 3,
        "credits_refunded": 0,
        "duration_ms": 10,
        "expires_at": None,
    }
    webhook = ended_webhook(data, _crawl())
    assert list(webhook) == [*data, "url", "results_url"]
    assert webhook["results_url"] == "/api/v1/crawl/c"


def test_batch_webhook_items_carry_the_error_code_of_failed_and_expired_items() -> None:
    jobs = [_job("completed"), _job("failed", error_code="TIMEOUT")]
    batch = Batch(
        id="b",
        org_id="o",
        key_id=None,
        job_ids=[j.id for j in jobs] + ["gone"],
        urls=["https://a.test/1", "https://a.test/2", "https://a.test/3"],
        created_at=T0,
        completed_at=T0,
    )
    event, data = webhook_data(batch, jobs)
    assert event == "batch.completed"
    assert [item["error_code"] for item in data["items"]] == [None, "TIMEOUT", "JOB_EXPIRED"]
    assert list(data["items"][0]) == ["index", "job_id", "url", "status", "error_code"]


def test_search_result_item_keys_with_and_without_a_scrape() -> None:
    hit = SearchHit("https://www.a.test/docs/api", "T", "S", 1, "google")
    assert list(result_item(hit, None)) == [
        "position",
        "title",
        "url",
        "display_url",
        "snippet",
        "date_published",
        "source_engine",
    ]
    scraped = ResultScrape(response={"content": "c", "status_code": 200, "extraction_result": {}})
    item = result_item(hit, scraped)
    assert list(item)[7:] == ["content", "scrape", "extraction_result"]
    assert list(item["scrape"]) == ["status_code", "credits_used", "tier_used", "error"]
    failed = result_item(hit, ResultScrape(error=InvalidRequest("bad")))
    assert failed["scrape"] == {
        "status_code": None,
        "credits_used": 0,
        "tier_used": None,
        "error": "INVALID_REQUEST",
        "message": "bad",
    }


def test_search_webhook_of_a_failed_search_has_no_result() -> None:
    job = _job("failed", type="search", request={"query": "q"}, error="no", error_code="X")
    event, data = search_webhook(job)
    assert event == "search.failed"
    assert data == {
        "search_id": job.id,
        "query": "q",
        "status": "failed",
        "results_count": 0,
        "credits_used": 0,
        "error": "no",
        "error_code": "X",
    }
