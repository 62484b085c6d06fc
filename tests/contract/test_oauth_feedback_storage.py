"""OAuth clients, codes, grants and scrape feedback on every backend."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from scrapegate.domain.feedback_records import ScrapeFeedback
from scrapegate.domain.oauth_records import OAuthClient, OAuthCode, OAuthGrant
from scrapegate.domain.records import new_id
from scrapegate.errors import Conflict
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at, make_usage

pytestmark = pytest.mark.asyncio(loop_scope="session")


def client(name: str, created: float = 0) -> OAuthClient:
    return OAuthClient(
        id=new_id(),
        name=name,
        secret_hash="h-" + name,
        redirect_uris=["https://app.example/cb?x=1", "myapp:/callback"],
        scopes=["scrape"],
        created_at=at(created),
    )


def code(code_hash: str, client_id: str, **fields: Any) -> OAuthCode:
    values: dict[str, Any] = {
        "redirect_uri": "https://app.example/cb?x=1",
        "user_id": "user-1",
        "org_id": "org-1",
        "scope": "scrape",
        "source": "zapier",
        "expires_at": at(300),
        "created_at": at(0),
    }
    values.update(fields)
    return OAuthCode(code_hash=code_hash, client_id=client_id, **values)


def feedback(job_id: str, issue_type: str, **fields: Any) -> ScrapeFeedback:
    values: dict[str, Any] = {
        "org_id": "org-1",
        "user_id": "user-1",
        "request_log_id": "log-" + job_id,
        "url": "https://shop.example/p/1",
        "created_at": at(0),
    }
    values.update(fields)
    return ScrapeFeedback(id=new_id(), job_id=job_id, issue_type=issue_type, **values)


async def test_clients_round_trip_in_creation_order_and_delete(storage: Storage) -> None:
    later, first = client("later", 10), client("first", 0)
    await storage.oauth.create_client(later)
    await storage.oauth.create_client(first)
    assert await storage.oauth.list_clients() == [first, later]
    assert await storage.oauth.get_client(later.id) == later
    assert await storage.oauth.delete_client(later.id) is True
    assert await storage.oauth.delete_client(later.id) is False
    assert await storage.oauth.get_client(later.id) is None
    with pytest.raises(Conflict):
        await storage.oauth.create_client(first)


async def test_code_round_trip_and_key_attachment(storage: Storage) -> None:
    stored = code("hash-a", "client-1", code_challenge="c" * 43, code_challenge_method="S256")
    await storage.oauth.create_code(stored)
    assert await storage.oauth.get_code("hash-a") == stored
    await storage.oauth.attach_key("hash-a", "key-1")
    found = await storage.oauth.get_code("hash-a")
    assert found is not None and found.api_key_id == "key-1"
    assert await storage.oauth.get_code("hash-b") is None


async def test_a_code_is_consumed_exactly_once_even_concurrently(storage: Storage) -> None:
    await storage.oauth.create_code(code("hash-c", "client-1"))
    results = await asyncio.gather(*(storage.oauth.consume_code("hash-c", at(5)) for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]
    used = await storage.oauth.get_code("hash-c")
    assert used is not None and used.used_at == at(5)
    assert await storage.oauth.consume_code("missing", at(5)) is False


async def test_replace_grant_answers_the_previous_key(storage: Storage) -> None:
    assert await storage.oauth.replace_grant(OAuthGrant("c1", "u1", "o1", "k1", at(0))) is None
    assert await storage.oauth.replace_grant(OAuthGrant("c1", "u1", "o1", "k2", at(1))) == "k1"
    assert await storage.oauth.replace_grant(OAuthGrant("c1", "u2", "o1", "k3", at(2))) is None
    assert await storage.oauth.replace_grant(OAuthGrant("c1", "u1", "o1", "k4", at(3))) == "k2"


async def test_purge_codes_drops_only_expired_ones(storage: Storage) -> None:
    await storage.oauth.create_code(code("old", "c1", expires_at=at(10)))
    await storage.oauth.create_code(code("new", "c1", expires_at=at(1000)))
    assert await storage.oauth.purge_codes(at(100)) == 1
    assert await storage.oauth.get_code("old") is None
    assert await storage.oauth.get_code("new") is not None


async def test_feedback_round_trip_and_one_per_job_and_issue_type(storage: Storage) -> None:
    first = feedback("job-1", "blocked", description="captcha wall", analysis_queued=True)
    await storage.feedback.create(first)
    assert await storage.feedback.get(first.id) == first
    with pytest.raises(Conflict):
        await storage.feedback.create(feedback("job-1", "blocked"))
    await storage.feedback.create(feedback("job-1", "wrong_content"))
    assert await storage.feedback.get(new_id()) is None


async def test_feedback_save_writes_analysis_and_ticket(storage: Storage) -> None:
    row = feedback("job-2", "captcha_page", analysis_queued=True, analysis_status="queued")
    await storage.feedback.create(row)
    row.analysis_status = "completed"
    row.analysis = {"succeeded": True, "working_tier": "4", "content_diff": None}
    row.analyzed_at = at(60)
    row.support_ticket_id, row.support_ticket_ref = "t-1", "SUP-1"
    await storage.feedback.save(row)
    assert await storage.feedback.get(row.id) == row


async def test_analysis_counts_per_org_day_and_per_job(storage: Storage) -> None:
    await storage.feedback.create(feedback("j1", "blocked", analysis_queued=True, created_at=at(0)))
    await storage.feedback.create(feedback("j1", "other", created_at=at(10)))
    await storage.feedback.create(feedback("j2", "other", analysis_queued=True, created_at=at(20)))
    await storage.feedback.create(
        feedback("j3", "other", analysis_queued=True, org_id="org-2", created_at=at(30))
    )
    assert await storage.feedback.analyses_since("org-1", at(0)) == 2
    assert await storage.feedback.analyses_since("org-1", at(15)) == 1
    assert await storage.feedback.analyses_since("org-2", at(0)) == 1
    assert await storage.feedback.job_was_analysed("j1") is True
    await storage.feedback.create(feedback("j4", "other", created_at=at(40)))
    assert await storage.feedback.job_was_analysed("j4") is False


async def test_request_log_entry_finds_a_row_by_id(storage: Storage) -> None:
    org = "org-log"
    row = make_usage(org, at(0), kind="scrape", url="https://a.example/", job_id="j-9")
    await storage.usage.append_once(row)
    found = await storage.feedback.request_log_entry(row.id)
    assert found is not None and found.url == "https://a.example/" and found.org_id == org
    assert await storage.feedback.request_log_entry(new_id()) is None
