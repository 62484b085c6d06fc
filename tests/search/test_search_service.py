"""SearchService on a real server's services: provider hits, result scrapes, jobs, billing."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scrapegate.api.search_models import SearchAcceptedResponse
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import Job
from scrapegate.domain.search_request import (
    SearchBatchRequest,
    SearchOptions,
    SearchRequest,
)
from scrapegate.errors import FeatureUnavailable, InsufficientBalance, NotFound, UpstreamError
from scrapegate.fetchers.search_provider import SearxngProvider
from scrapegate.jobs.search_service import SearchService, SearchSettings
from scrapegate.jobs.search_views import FailedSearch
from tests.api.conftest import make_settings, new_key
from tests.live_server import LiveServer
from tests.site.server import FixtureSite
from tests.standins.searxng import SearxngStandin

PRICE = 1_000
WAIT_LIMIT_S = 60.0


class RecordingWebhooks:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def enqueue(self, **delivery: Any) -> None:
        self.sent.append(delivery)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder: Path = tmp_path_factory.mktemp("search")
    settings = make_settings(folder, billing={"enabled": True})
    with LiveServer(settings) as live:
        yield live


class Harness:
    """A SearchService built on the server's own services, called on the server's loop."""

    def __init__(self, server: LiveServer, url: str | None, **settings: Any) -> None:
        self.server = server
        self.webhooks = RecordingWebhooks()
        services = server.services
        provider = SearxngProvider(url) if url else None
        self.service = SearchService(
            services.storage,
            provider,
            services.scrape,
            services.validation,
            SearchSettings(billing_enabled=True, price=PRICE, **settings),
            webhooks=self.webhooks,
        )
        raw = new_key(server, f"org-{uuid.uuid4().hex[:8]}")
        self.who: Principal = self.call(services.keys.authenticate(raw))

    def call(self, coroutine: Any) -> Any:
        return self.server.call(coroutine)

    def balance(self) -> int:
        return int(self.call(self.server.services.storage.ledger.balance(self.who.org_id)))

    def job(self, job_id: str) -> Job:
        job = self.call(self.server.services.storage.jobs.get(job_id))
        assert job is not None
        return job

    def finished(self, job_id: str) -> Job:
        deadline = time.monotonic() + WAIT_LIMIT_S
        while not (job := self.job(job_id)).terminal and time.monotonic() < deadline:
            time.sleep(0.05)
        return job


def search(harness: Harness, query: str = "scrapegate", **options: Any) -> dict[str, Any]:
    sync = options.pop("sync", True)
    req = SearchRequest(query, options=SearchOptions(**options), sync=sync)
    answer = harness.call(harness.service.search(harness.who, req, "tests"))
    if answer.result is not None:
        return answer.result
    return SearchAcceptedResponse.of(answer.accepted).model_dump(mode="json")  # as sent


def test_search_without_scraping(
    server: LiveServer, searxng: SearxngStandin, fixture_site: FixtureSite
) -> None:
    harness = Harness(server, searxng.url)
    before = harness.balance()
    body = search(harness, num_results=3)
    assert body["status"] == "completed" and body["query"] == "scrapegate"
    assert [r["position"] for r in body["results"]] == [1, 2, 3]
    first = body["results"][0]
    assert first["url"] == fixture_site.url("/article")
    assert first["display_url"] == "127.0.0.1 › article"
    assert first["date_published"] == "2026-01-09"
    assert first["source_engine"] == "duckduckgo"
    assert "content" not in first and "scrape" not in first
    assert (body["results_count"], body["results_requested"], body["page"]) == (3, 3, 1)
    assert body["provider"] == harness.service.provider_name == "searxng"
    assert body["warning"] is None
    assert body["credits_used"] == PRICE
    assert body["cost_breakdown"] == {"search": PRICE, "scrape": 0}
    assert harness.balance() == before - PRICE
    job = harness.job(body["search_id"])
    assert (job.type, job.status, job.credits_used) == ("search", "completed", PRICE)
    assert job.result == body and job.expires_at is not None


def test_status_of_a_search(server: LiveServer, searxng: SearxngStandin) -> None:
    harness = Harness(server, searxng.url)
    body = search(harness)
    assert harness.call(harness.service.status(harness.who, body["search_id"])) == body
    other = Harness(server, searxng.url)
    with pytest.raises(NotFound):
        other.call(other.service.status(other.who, body["search_id"]))


def test_scrape_results(server: LiveServer, searxng: SearxngStandin) -> None:
    harness = Harness(server, searxng.url)
    searxng.results.insert(
        1, {"url": "http://127.0.0.1:9/gone", "title": "Dead", "content": "", "engine": "x"}
    )
    body = search(harness, num_results=3, scrape_results=True, scrape_options={"formats": ["text"]})
    article, dead, thin = body["results"]
    assert article["scrape"]["status_code"] == 200 and article["scrape"]["error"] is None
    assert "Scrapegate" in article["content"]["text"]
    assert article["scrape"]["credits_used"] > 0 and article["scrape"]["tier_used"]
    assert thin["scrape"]["error"] is None
    assert dead["content"] is None and dead["scrape"]["error"] is not None
    assert dead["title"] == "Dead" and dead["position"] == 2  # SERP fields are kept
    scraped = article["scrape"]["credits_used"] + thin["scrape"]["credits_used"]
    assert body["cost_breakdown"] == {"search": PRICE, "scrape": scraped}
    assert body["credits_used"] == PRICE + scraped


def test_budget_cut_reports_timeouts(
    server: LiveServer, searxng: SearxngStandin, fixture_site: FixtureSite
) -> None:
    harness = Harness(server, searxng.url, sync_budget_s=1.5)
    searxng.reset([{"url": fixture_site.url("/slow?delay=6"), "title": "Slow", "content": ""}])
    body = search(harness, scrape_results=True)
    (slow,) = body["results"]
    assert slow["scrape"]["error"] == "TIMEOUT" and slow["content"] is None
    assert "sync: false" in body["warning"]


def test_provider_failure_is_refunded(server: LiveServer, searxng: SearxngStandin) -> None:
    harness = Harness(server, searxng.url)
    searxng.fail_status = 503
    before = harness.balance()
    with pytest.raises(UpstreamError):
        search(harness)
    assert harness.balance() == before
    jobs = harness.call(harness.server.services.storage.jobs.list_unfinished())
    assert not [j for j in jobs if j.org_id == harness.who.org_id]


def test_failed_search_is_kept_as_a_failed_job(server: LiveServer, searxng: SearxngStandin) -> None:
    harness = Harness(server, searxng.url)
    searxng.fail_status = 500
    accepted = search(harness, sync=False)
    job = harness.finished(accepted["search_id"])
    assert (job.status, job.error_code, job.credits_refunded) == ("failed", "UPSTREAM_ERROR", PRICE)
    view = harness.call(harness.service.status(harness.who, job.id))
    assert isinstance(view, FailedSearch)
    assert view.status == "failed" and view.error_code == "UPSTREAM_ERROR"


def test_async_search(server: LiveServer, searxng: SearxngStandin) -> None:
    harness = Harness(server, searxng.url)
    accepted = search(harness, sync=False)
    assert accepted["status"] == "pending" and accepted["job_id"] == accepted["search_id"]
    assert accepted["poll_url"] == f"/api/v1/search/{accepted['search_id']}"
    job = harness.finished(accepted["search_id"])
    assert job.status == "completed" and job.result is not None
    assert job.result["results_count"] == 5


def test_async_search_webhook(server: LiveServer, searxng: SearxngStandin) -> None:
    harness = Harness(server, searxng.url)
    req = SearchRequest("hooked", sync=False, webhook_url="https://hooks.example.com/in")
    accepted = harness.call(harness.service.search(harness.who, req, None)).accepted
    harness.finished(accepted.search_id)
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not harness.webhooks.sent and time.monotonic() < deadline:
        time.sleep(0.05)
    (sent,) = harness.webhooks.sent
    assert sent["event"] == "search.completed" and sent["url"] == "https://hooks.example.com/in"
    assert sent["data"]["search_id"] == accepted.search_id
    assert sent["data"]["results_count"] == 5 and sent["data"]["result"]["query"] == "hooked"


def test_insufficient_balance(server: LiveServer, searxng: SearxngStandin) -> None:
    harness = Harness(server, searxng.url)
    ledger = harness.server.services.storage.ledger
    harness.call(ledger.apply(harness.who.org_id, -harness.balance(), "adjust"))
    with pytest.raises(InsufficientBalance):
        search(harness)
    assert searxng.queries == []


def test_search_batch(server: LiveServer, searxng: SearxngStandin) -> None:
    harness = Harness(server, searxng.url)
    before = harness.balance()
    breq = SearchBatchRequest(
        ("alpha", "beta", "gamma"),
        SearchOptions(num_results=2),
        webhook_url="https://hooks.example.com/b",
    )
    accepted = harness.call(harness.service.submit_batch(harness.who, breq, None))
    assert accepted.type == "search" and accepted.status == "pending"
    assert accepted.total_queries == 3 and accepted.estimated_credits == 3 * PRICE
    assert accepted.job_ids == accepted.search_ids
    jobs = [harness.finished(job_id) for job_id in accepted.search_ids]
    assert [j.result["query"] for j in jobs if j.result] == ["alpha", "beta", "gamma"]
    assert sorted(q["q"] for q in searxng.queries) == ["alpha", "beta", "gamma"]
    assert harness.balance() == before - 3 * PRICE
    deadline = time.monotonic() + WAIT_LIMIT_S
    while not harness.webhooks.sent and time.monotonic() < deadline:
        time.sleep(0.05)
    (sent,) = harness.webhooks.sent
    assert sent["event"] == "batch.search.completed"
    assert sent["data"]["completed"] == 3 and sent["data"]["failed"] == 0
    assert [i["query"] for i in sent["data"]["items"]] == ["alpha", "beta", "gamma"]
    batch = harness.call(server.services.storage.batches.get(accepted.batch_id))
    assert batch.type == "search" and batch.completed_at is not None


def test_without_provider_everything_is_unavailable(server: LiveServer) -> None:
    harness = Harness(server, None)
    assert harness.service.provider_name is None
    with pytest.raises(FeatureUnavailable) as caught:
        search(harness)
    assert "SCRAPEGATE_SEARXNG_URL" in caught.value.detail
    assert caught.value.details == {"feature": "search"}
    with pytest.raises(FeatureUnavailable):
        harness.call(harness.service.status(harness.who, str(uuid.uuid4())))
    with pytest.raises(FeatureUnavailable):
        harness.call(
            harness.service.submit_batch(harness.who, SearchBatchRequest(("a", "b")), None)
        )


def test_closing_leaves_orphans_that_fail_at_start(
    server: LiveServer, searxng: SearxngStandin
) -> None:
    harness = Harness(server, searxng.url)
    searxng.delay_s = 5.0
    accepted = search(harness, sync=False)
    harness.call(harness.service.aclose())
    assert harness.job(accepted["search_id"]).status == "running"
    restarted = Harness(server, searxng.url)
    assert restarted.call(restarted.service.fail_orphans()) >= 1
    failed = harness.job(accepted["search_id"])
    assert (failed.status, failed.error_code) == ("failed", "INTERNAL_ERROR")
    assert failed.credits_refunded == PRICE
