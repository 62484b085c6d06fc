"""Scrape feedback (spec platform-api A.6 #30): route, re-check outcome, caps and tickets."""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from scrapegate.domain.feedback_records import ScrapeFeedback
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import DomainAttempt, Job, UsageRow, new_id
from scrapegate.errors import Conflict, NotFound
from scrapegate.jobs.job_effects import log_row_id
from scrapegate.platform.feedback import DAILY_ANALYSES_PER_ORG, FeedbackService
from scrapegate.platform.feedback_diagnosis import FeedbackDiagnosis, ReadOnlyPlaybook
from scrapegate.storage.memory import create_memory_storage
from scrapegate.storage.protocols import Storage
from tests.api.conftest import new_key
from tests.live_server import LiveServer

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed"
)
FINISHED = ("completed", "failed")


def client_for(server: LiveServer, key: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"X-API-Key": key}, timeout=120)


def finished_job(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    accepted = client.post("/api/v1/scrape", json={**body, "sync": False})
    assert accepted.status_code == 202, accepted.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{accepted.json()['job_id']}").json()
        if job["status"] in FINISHED:
            return job
        time.sleep(0.1)
    raise AssertionError("the scrape job did not finish")


def analysed(client: httpx.Client, feedback_id: str) -> dict[str, Any]:
    """The feedback once its re-check has ended (a generous deadline, not a timing check)."""
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/v1/feedback/scrape/{feedback_id}").json()
        if body["analysis_status"] in FINISHED:
            return body
        time.sleep(0.2)
    raise AssertionError("the diagnostic re-check did not finish")


@pytest.fixture(scope="module")
def owner(server: LiveServer) -> Iterator[httpx.Client]:
    with client_for(server, new_key(server, "feedback-owner")) as client:
        yield client


@pytest.fixture(scope="module")
def article_job(owner: httpx.Client, fixture_site: Any) -> dict[str, Any]:
    job = finished_job(owner, {"url": fixture_site.url("/article")})
    assert job["status"] == "completed", job
    return job


def send(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post("/api/v1/feedback/scrape", json=body)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"issue_type": "blocked"}, "job_id"),
        ({"job_id": "JOB", "issue_type": "sad"}, "issue_type"),
        ({"job_id": "JOB", "issue_type": "other", "description": "d" * 5_001}, "description"),
        ({"job_id": "JOB", "issue_type": "other", "expected_content": 7}, "expected_content"),
    ],
)
def test_invalid_feedback_is_400(
    owner: httpx.Client, article_job: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    if body.get("job_id") == "JOB":
        body = {**body, "job_id": article_job["job_id"]}
    response = send(owner, **body)
    assert response.status_code == 400, response.text
    assert response.json()["details"]["field"] == field


def test_unknown_malformed_and_foreign_jobs_are_404(
    server: LiveServer, article_job: dict[str, Any]
) -> None:
    with client_for(server, new_key(server, "feedback-stranger")) as stranger:
        for job_id in (article_job["job_id"], str(uuid.uuid4()), "not-a-uuid"):
            response = send(stranger, job_id=job_id, issue_type="other")
            assert response.status_code == 404, (job_id, response.text)


@needs_chromium
def test_feedback_is_stored_rechecked_and_unique_per_issue_type(
    server: LiveServer, owner: httpx.Client, article_job: dict[str, Any]
) -> None:
    job_id = article_job["job_id"]
    created = send(owner, job_id=job_id, issue_type="wrong_content", description="wrong price")
    assert created.status_code == 201, created.text
    body = created.json()
    assert set(body) == {
        "feedback_id",
        "status",
        "message",
        "analysis_queued",
        "support_ticket_id",
        "support_ticket_ref",
    }
    assert body["status"] == "received" and body["analysis_queued"] is True
    # wrong_content opens a support ticket of the caller, referring to the job.
    ticket = owner.get(f"/api/v1/support/tickets/{body['support_ticket_id']}")
    assert ticket.status_code == 200, ticket.text
    assert ticket.json()["ticket_ref"] == body["support_ticket_ref"]
    assert body["support_ticket_ref"].startswith("SG-")
    assert job_id in str(ticket.json()["ticket_metadata"])
    repeat = send(owner, job_id=job_id, issue_type="wrong_content")
    assert repeat.status_code == 409 and repeat.json()["error"] == "CONFLICT"
    stored = analysed(owner, body["feedback_id"])
    assert stored["job_id"] == job_id and stored["description"] == "wrong price"
    analysis = stored["analysis"]
    assert stored["analysis_status"] == "completed", stored
    assert analysis["succeeded"] is True and analysis["working_tier"] == "4"
    diff = analysis["content_diff"]
    assert diff["original_length"] == len(article_job["result"]["content"])
    assert 0.5 < diff["similarity"] <= 1.0  # the same article, rendered by the browser
    assert analysis["playbook_updated"] is False
    # A second issue type on the same job is accepted, but the job is re-checked once only.
    other = send(owner, job_id=job_id, issue_type="slow_response")
    assert other.status_code == 201 and other.json()["analysis_queued"] is False
    assert other.json()["support_ticket_id"] is None  # slow_response opens no ticket
    row = server.call(server.services.storage.feedback.get(body["feedback_id"]))
    assert isinstance(row, ScrapeFeedback) and row.request_log_id == log_row_id(job_id)


def test_reading_feedback_of_another_org_is_404(
    server: LiveServer, owner: httpx.Client, article_job: dict[str, Any]
) -> None:
    created = send(owner, job_id=article_job["job_id"], issue_type="encoding_error")
    assert created.status_code == 201, created.text
    feedback_id = created.json()["feedback_id"]
    assert owner.get(f"/api/v1/feedback/scrape/{feedback_id}").status_code == 200
    with client_for(server, new_key(server, "feedback-reader")) as stranger:
        assert stranger.get(f"/api/v1/feedback/scrape/{feedback_id}").status_code == 404
        assert stranger.get("/api/v1/feedback/scrape/not-a-uuid").status_code == 404


@needs_chromium
def test_a_blocked_page_that_tier_4_passes_feeds_the_playbook(
    server: LiveServer, fixture_site: Any
) -> None:
    key = new_key(server, "feedback-blocked")
    with client_for(server, key) as client:
        url = fixture_site.url("/gate/user-agent")
        job = finished_job(client, {"url": url, "cost_controls": {"max_tier": "1"}})
        assert job["status"] == "failed" and job["error_code"] == "CHALLENGE_DETECTED", job
        created = send(client, job_id=job["job_id"], issue_type="blocked")
        assert created.status_code == 201 and created.json()["analysis_queued"] is True
        stored = analysed(client, created.json()["feedback_id"])
    analysis = stored["analysis"]
    assert stored["analysis_status"] == "completed", stored
    assert analysis["working_tier"] == "4" and analysis["playbook_updated"] is True
    assert analysis["content_diff"] is None  # the failed job had no content to compare
    who = server.call(server.services.keys.authenticate(key))
    assert isinstance(who, Principal)
    recent = server.call(server.services.storage.playbook.recent("127.0.0.1", org_id=who.org_id))
    assert isinstance(recent, list)
    assert any(a.tier == "4" and a.success for a in recent)


# --- the service on its own: caps, expired jobs, tickets ------------------------------------


class RecordingQueue:
    def __init__(self) -> None:
        self.submitted: list[tuple[str, str | None]] = []

    def submit(self, feedback: ScrapeFeedback, original_content: str | None) -> None:
        self.submitted.append((feedback.job_id, original_content))

    async def aclose(self) -> None:
        return None


class FakeTicketOpener:
    def __init__(self) -> None:
        self.opened: list[dict[str, Any]] = []

    async def open_feedback_ticket(
        self, *, user_id: str, org_id: str, subject: str, body: str, metadata: dict[str, Any]
    ) -> tuple[str, str]:
        self.opened.append({"user_id": user_id, "org_id": org_id, "metadata": metadata})
        return "ticket-1", "SUP-0001"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


NOW = datetime.fromisoformat("2026-11-27T10:00:00+00:00")


async def add_job(storage: Storage, org_id: str, created_at: datetime = NOW) -> Job:
    job = Job(
        id=new_id(),
        org_id=org_id,
        key_id=None,
        type="scrape",
        request={"url": "https://shop.example/p"},
        request_hash="h",
        status="completed",
        created_at=created_at,
        result={"content": "original text"},
    )
    return await storage.jobs.create(job)


def service(
    storage: Storage, queue: RecordingQueue, clock: Clock, **options: Any
) -> FeedbackService:
    return FeedbackService(storage, queue, log_row_id, clock=clock, **options)


async def test_the_daily_recheck_cap_per_org() -> None:
    storage, queue, clock = create_memory_storage(), RecordingQueue(), Clock(NOW)
    feedback = service(storage, queue, clock)
    for _ in range(DAILY_ANALYSES_PER_ORG):
        job = await add_job(storage, "org-a")
        answer = await feedback.submit(
            {"job_id": job.id, "issue_type": "other"}, user_id="u", org_id="org-a"
        )
        assert answer.analysis_queued is True
    over = await add_job(storage, "org-a")
    answer = await feedback.submit(
        {"job_id": over.id, "issue_type": "other"}, user_id="u", org_id="org-a"
    )
    assert answer.analysis_queued is False
    other_org = await add_job(storage, "org-b")
    answer = await feedback.submit(
        {"job_id": other_org.id, "issue_type": "other"}, user_id="u", org_id="org-b"
    )
    assert answer.analysis_queued is True
    clock.now = NOW + timedelta(days=1)
    answer = await feedback.submit(
        {"job_id": over.id, "issue_type": "blocked"}, user_id="u", org_id="org-a"
    )
    assert answer.analysis_queued is True  # a new UTC day
    assert len(queue.submitted) == DAILY_ANALYSES_PER_ORG + 2
    assert queue.submitted[0][1] == "original text"


async def test_old_jobs_are_not_rechecked_and_expired_jobs_use_the_request_log() -> None:
    storage, queue, clock = create_memory_storage(), RecordingQueue(), Clock(NOW)
    feedback = service(storage, queue, clock)
    old = await add_job(storage, "org-a", NOW - timedelta(days=8))
    answer = await feedback.submit(
        {"job_id": old.id, "issue_type": "other"}, user_id="u", org_id="org-a"
    )
    assert answer.analysis_queued is False
    gone = new_id()  # the job row expired; its request-log row remains
    row = UsageRow(
        id=log_row_id(gone), org_id="org-a", key_id=None, route="/api/v1/scrape",
        method="POST", status_code=200, latency_ms=5, kind="scrape", job_id=gone,
        url="https://shop.example/gone", created_at=NOW - timedelta(days=2),
    )  # fmt: skip
    await storage.usage.append_once(row)
    answer = await feedback.submit(
        {"job_id": gone, "issue_type": "blocked"}, user_id="u", org_id="org-a"
    )
    assert answer.analysis_queued is True
    assert queue.submitted == [(gone, None)]
    with pytest.raises(NotFound):
        await feedback.submit({"job_id": gone, "issue_type": "other"}, user_id="u", org_id="org-b")


async def test_tickets_open_for_listed_issue_types_when_support_is_on() -> None:
    storage, queue, clock = create_memory_storage(), RecordingQueue(), Clock(NOW)
    opener = FakeTicketOpener()
    feedback = service(storage, queue, clock, tickets=opener, support_enabled=True)
    job = await add_job(storage, "org-a")
    answer = await feedback.submit(
        {"job_id": job.id, "issue_type": "captcha_page", "description": "a wall"},
        user_id="u-1",
        org_id="org-a",
    )
    assert (answer.support_ticket_id, answer.support_ticket_ref) == ("ticket-1", "SUP-0001")
    assert opener.opened[0]["metadata"]["job_id"] == job.id
    assert opener.opened[0]["user_id"] == "u-1"
    stored = await feedback.view(answer.feedback_id, "org-a")
    assert stored.support_ticket_ref == "SUP-0001"
    answer = await feedback.submit(
        {"job_id": job.id, "issue_type": "slow_response"}, user_id="u-1", org_id="org-a"
    )
    assert answer.support_ticket_id is None and len(opener.opened) == 1
    with pytest.raises(Conflict):
        await feedback.submit(
            {"job_id": job.id, "issue_type": "captcha_page"}, user_id="u-1", org_id="org-a"
        )
    assert len(opener.opened) == 1  # a refused duplicate opens no ticket
    quiet = service(storage, queue, clock, tickets=opener, support_enabled=False)
    answer = await quiet.submit(
        {"job_id": job.id, "issue_type": "blocked"}, user_id="u", org_id="org-a"
    )
    assert answer.support_ticket_id is None and len(opener.opened) == 1


async def test_the_diagnostic_engine_never_writes_the_playbook_itself() -> None:
    storage = create_memory_storage()
    playbook = ReadOnlyPlaybook(storage.playbook)
    await storage.playbook.record(DomainAttempt("org-a", "shop.example", "1", True))
    await playbook.record(DomainAttempt("org-a", "shop.example", "4", True))
    recent = await playbook.recent("shop.example", org_id="org-a")
    assert [(a.tier, a.success) for a in recent] == [("1", True)]


async def test_a_recheck_that_cannot_run_is_recorded_as_failed() -> None:
    storage = create_memory_storage()
    diagnosis = FeedbackDiagnosis(None, storage.feedback, storage.playbook)  # no browser tier
    job = await add_job(storage, "org-a")
    feedback = FeedbackService(storage, diagnosis, log_row_id, clock=Clock(NOW))
    answer = await feedback.submit(
        {"job_id": job.id, "issue_type": "blocked"}, user_id="u", org_id="org-a"
    )
    for _ in range(500):  # the task ends within a few loop turns; the bound only stops a hang
        stored = await feedback.view(answer.feedback_id, "org-a")
        if stored.analysis_status in FINISHED:
            break
        await asyncio.sleep(0.01)
    assert stored.analysis_status == "failed"
    assert stored.analysis is not None
    assert "browser tier is not available" in stored.analysis["error"]
    await feedback.aclose()
