"""Dashboard job routes (spec platform-api A.4 #18, #19, #21) over real fixture-site scrapes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from scrapegate.domain.job_origin import JobOrigin
from scrapegate.domain.records import Job, UsageRow, new_id, utcnow
from tests.api.conftest import new_key
from tests.live_server import LiveServer

SECRET_HEADER = "header-secret-value"
SECRET_COOKIE = "cookie-secret-value"


def client_for(server: LiveServer, org: str) -> httpx.Client:
    raw = new_key(server, org)
    return httpx.Client(base_url=server.url, headers={"X-API-Key": raw}, timeout=60)


def org_id_of(server: LiveServer, slug: str) -> str:
    async def find() -> str:
        org = await server.services.storage.organizations.get_by_slug(slug)
        assert org is not None
        return org.id

    return str(server.call(find()))


@pytest.fixture(scope="module")
def owner(server: LiveServer) -> Iterator[httpx.Client]:
    with client_for(server, "jobs-owner") as client:
        yield client


@pytest.fixture(scope="module")
def stranger(server: LiveServer) -> Iterator[httpx.Client]:
    with client_for(server, "jobs-stranger") as client:
        yield client


@pytest.fixture(scope="module")
def scraped(owner: httpx.Client, fixture_site: Any) -> str:
    response = owner.post(
        "/api/v1/scrape",
        json={
            "url": fixture_site.url("/article?dashboard=1"),
            "headers": {"X-Api-Token": SECRET_HEADER},
            "advanced": {"cookies": {"sid": SECRET_COOKIE}},
        },
    )
    assert response.status_code == 200, response.text
    job_id: str = response.json()["job_id"]
    return job_id


def get(client: httpx.Client, path: str, **params: Any) -> httpx.Response:
    return client.get(f"/api/v1/dashboard/{path}", params=params)


def test_jobs_list_shows_the_completed_scrape(owner: httpx.Client, scraped: str) -> None:
    response = get(owner, "jobs")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] >= 1 and body["limit"] == 20 and body["offset"] == 0
    [job] = [j for j in body["jobs"] if j["id"] == scraped]
    assert job["status"] == "completed" and job["credits_used"] == 200
    assert job["tier_used"] == "1" and job["status_code"] == 200 and job["source"] == "api"
    assert job["completed_at"] and job["created_at"] <= job["completed_at"]


def test_jobs_filters(owner: httpx.Client, scraped: str) -> None:
    assert get(owner, "jobs", search="dashboard=1").json()["total"] == 1
    assert get(owner, "jobs", search="no-such-page").json()["total"] == 0
    assert get(owner, "jobs", status="succeeded").json()["total"] >= 1
    assert get(owner, "jobs", status="failed").json()["total"] == 0
    assert get(owner, "jobs", mode="pdf").json()["total"] == 0
    bad = get(owner, "jobs", status="exploded")
    assert bad.status_code == 400 and bad.json()["details"]["field"] == "status"
    assert get(owner, "jobs", search="x" * 201).status_code == 400


def test_jobs_list_includes_pending_jobs_from_the_store(
    server: LiveServer, owner: httpx.Client, scraped: str
) -> None:
    pending = Job(
        id=new_id(),
        org_id=org_id_of(server, "jobs-owner"),
        key_id=None,
        type="scrape",
        request={"url": "https://waiting.example/", "mode": "auto"},
        request_hash=new_id(),
        origin=JobOrigin(batch_id="b"),
    )
    server.call(server.services.storage.jobs.create(pending))
    body = get(owner, "jobs", status="queued").json()
    assert [(j["id"], j["source"], j["status"]) for j in body["jobs"]] == [
        (pending.id, "batch", "pending")
    ]
    everything = get(owner, "jobs").json()
    assert everything["jobs"][0]["id"] == pending.id  # unfinished jobs lead the list
    assert everything["total"] == get(owner, "jobs", status="completed").json()["total"] + 1


def test_job_detail_masks_secrets_and_carries_the_result(owner: httpx.Client, scraped: str) -> None:
    response = get(owner, f"jobs/{scraped}")
    assert response.status_code == 200
    assert SECRET_HEADER not in response.text and SECRET_COOKIE not in response.text
    body = response.json()
    headers = {name.lower(): value for name, value in body["request"]["headers"].items()}
    assert headers == {"x-api-token": "***"}
    assert body["request"]["advanced"]["cookies"] == {"sid": "***"}
    assert not {"_meta", "origin", "source_client", "estimated_credits"} & body["request"].keys()
    assert body["result_available"] is True and body["result"]["status_code"] == 200
    assert body["billing"]["tier_used"] == "1" and body["credits_used"] == 200
    assert body["status"] == "completed" and body["started_at"] and body["result_expires_at"]


def test_job_detail_from_the_log_after_the_job_is_gone(
    server: LiveServer, owner: httpx.Client
) -> None:
    job_id = new_id()
    logged = UsageRow(
        id=new_id(),
        org_id=org_id_of(server, "jobs-owner"),
        key_id=None,
        route="/api/v1/scrape",
        method="POST",
        status_code=200,
        latency_ms=42,
        kind="scrape",
        job_id=job_id,
        url="https://expired.example/",
        status="failed",
        error_code="TIMEOUT",
        source="api",
        created_at=utcnow(),
    )
    server.call(server.services.storage.usage.append(logged))
    body = get(owner, f"jobs/{job_id}").json()
    assert body["status"] == "failed" and body["error_code"] == "TIMEOUT"
    assert body["result_available"] is False and body["result"] is None
    assert body["response_time_ms"] == 42


def test_recent_jobs_newest_first(owner: httpx.Client, scraped: str) -> None:
    body = get(owner, "recent-jobs", limit=2).json()
    assert body["total"] == len(body["jobs"]) == 2
    assert get(owner, "recent-jobs", limit=500).json()["total"] <= 50


def test_foreign_and_malformed_jobs_are_404(stranger: httpx.Client, scraped: str) -> None:
    assert get(stranger, f"jobs/{scraped}").status_code == 404
    assert get(stranger, "jobs/not-a-uuid").status_code == 404
    assert get(stranger, "jobs").json()["total"] == 0
    assert get(stranger, "recent-jobs").json() == {"jobs": [], "total": 0}
