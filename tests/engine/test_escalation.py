"""The engine as a library: real fetchers against the fixture site, in-memory playbook."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.records import DomainAttempt
from scrapegate.domain.scrape_document import scrape_result_document
from scrapegate.domain.scrape_request import ValidationContext, parse_scrape_request
from scrapegate.engine.engine import EngineSettings, ScrapeContext, ScrapeEngine
from scrapegate.errors import ChallengeDetected, Timeout, UpstreamError
from scrapegate.fetchers import build_fetchers
from scrapegate.storage.memory import create_memory_storage
from scrapegate.storage.protocols import Storage

POLICY = NetPolicy(allow_private=True)
PRICES = PriceTable.defaults()
CONTEXT = ValidationContext(policy=POLICY, prices=PRICES)


class Denied:
    """A guard that refuses to hold anything above ``limit``: billing with a short balance."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    async def cover(self, total: int) -> bool:
        return total <= self.limit


@pytest.fixture
def storage() -> Storage:
    return create_memory_storage()


@pytest.fixture
def engine(storage: Storage) -> ScrapeEngine:
    return ScrapeEngine(
        build_fetchers(None), PRICES, POLICY, storage.playbook, EngineSettings(min_words=50)
    )


async def run(engine: ScrapeEngine, org: str = "org", **body: Any) -> dict[str, Any]:
    req = parse_scrape_request(body, CONTEXT)
    outcome = await engine.scrape(req, ScrapeContext(org_id=org))
    return dict(scrape_result_document(outcome.result))


def tiers_of(response: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["tier"], e["result"]) for e in response["billing"]["escalations"]]


async def test_challenge_on_tier_one_escalates_to_tier_two(
    engine: ScrapeEngine, fixture_site: Any
) -> None:
    response = await run(engine, url=fixture_site.url("/gate/user-agent"))
    assert tiers_of(response) == [("1", "failed"), ("2", "success")]
    assert response["credits_used"] == 300
    assert "CHALLENGE_DETECTED" in response["billing"]["escalations"][0]["error"]
    assert "Escalated from tier 1 to tier 2" in response["warning"]
    assert response["billing"]["savings"] == 4_000 - 300


async def test_block_page_escalates_until_it_passes(
    engine: ScrapeEngine, fixture_site: Any
) -> None:
    key = uuid.uuid4().hex
    response = await run(engine, url=fixture_site.url(f"/flaky?key={key}&fail=2&kind=block"))
    assert tiers_of(response) == [("1", "failed"), ("2", "failed"), ("3", "success")]


async def test_rate_limited_retries_the_same_tier_once(
    engine: ScrapeEngine, fixture_site: Any
) -> None:
    key = uuid.uuid4().hex
    response = await run(engine, url=fixture_site.url(f"/flaky?key={key}&fail=1&status=429"))
    assert tiers_of(response) == [("1", "failed"), ("1", "success")]


async def test_unavailable_is_retried_then_accepted(
    engine: ScrapeEngine, fixture_site: Any
) -> None:
    key = uuid.uuid4().hex
    response = await run(engine, url=fixture_site.url(f"/flaky?key={key}&fail=5&status=503"))
    assert response["status_code"] == 503
    assert tiers_of(response)[-1] == ("1", "success")
    assert len(tiers_of(response)) == 2


async def test_max_credits_stops_escalation(engine: ScrapeEngine, fixture_site: Any) -> None:
    with pytest.raises(ChallengeDetected) as caught:
        await run(
            engine,
            url=fixture_site.url("/challenge/cloudflare"),
            cost_controls={"max_credits": 1_000},
        )
    assert caught.value.details is not None
    assert caught.value.details["stopped_by"] == "max_credits"
    assert [a["tier"] for a in caught.value.details["attempts"]] == ["1", "2"]


async def test_fail_fast_stops_before_expensive_tiers(
    engine: ScrapeEngine, fixture_site: Any
) -> None:
    with pytest.raises(ChallengeDetected) as caught:
        await run(
            engine,
            url=fixture_site.url("/challenge/cloudflare"),
            cost_controls={"fail_fast": True, "fail_fast_tier": "3"},
        )
    assert caught.value.details is not None
    assert caught.value.details["stopped_by"] == "fail_fast"


async def test_balance_stops_escalation(storage: Storage, fixture_site: Any) -> None:
    engine = ScrapeEngine(build_fetchers(None), PRICES, POLICY, storage.playbook)
    req = parse_scrape_request({"url": fixture_site.url("/challenge/cloudflare")}, CONTEXT)
    with pytest.raises(ChallengeDetected) as caught:
        await engine.scrape(req, ScrapeContext(org_id="org", guard=Denied(300)))
    assert caught.value.details is not None
    assert caught.value.details["stopped_by"] == "balance"


async def test_prefer_speed_starts_at_stealth(engine: ScrapeEngine, fixture_site: Any) -> None:
    response = await run(
        engine, url=fixture_site.url("/article"), cost_controls={"prefer_speed": True}
    )
    assert tiers_of(response) == [("3", "success")]
    assert response["credits_used"] == 2_000


async def test_playbook_skips_tiers_that_never_work(
    engine: ScrapeEngine, storage: Storage, fixture_site: Any
) -> None:
    for _ in range(10):
        await storage.playbook.record(DomainAttempt("pb-org", "127.0.0.1", "2", True))
    response = await run(engine, org="pb-org", url=fixture_site.url("/article"))
    assert tiers_of(response) == [("1", "skipped"), ("2", "success")]
    capped = await run(
        engine, org="pb-org", url=fixture_site.url("/article"), cost_controls={"max_tier": "1"}
    )
    assert capped["tier_cap_warning"] == {"domain_min_tier": 2.0, "your_max_tier": 1.0}


async def test_thin_content_is_accepted_with_a_warning(
    engine: ScrapeEngine, fixture_site: Any
) -> None:
    response = await run(engine, url=fixture_site.url("/thin"))
    assert response["quality_warning"]["code"] == "THIN_CONTENT"
    assert tiers_of(response) == [("1", "success")]


async def test_network_failure_on_every_tier(engine: ScrapeEngine, fixture_site: Any) -> None:
    with pytest.raises(UpstreamError) as caught:
        await run(engine, url=fixture_site.url("/broken"), cost_controls={"max_tier": "2"})
    assert caught.value.details is not None
    assert [a["tier"] for a in caught.value.details["attempts"]] == ["1", "2"]
    assert caught.value.details["stopped_by"] == "exhausted"


async def test_time_budget_stops_escalation(engine: ScrapeEngine, fixture_site: Any) -> None:
    with pytest.raises(Timeout) as caught:
        await run(
            engine,
            url=fixture_site.url("/slow?delay=8"),
            timeout=30,
            cost_controls={"time_budget": 6},
        )
    assert caught.value.details is not None
    assert caught.value.details["stopped_by"] == "time_budget"
    assert [a["tier"] for a in caught.value.details["attempts"]] == ["1"]


async def test_truncation_is_reported(engine: ScrapeEngine, fixture_site: Any) -> None:
    response = await run(engine, url=fixture_site.url("/huge?mb=2"), max_response_bytes=100_000)
    assert response["content_truncated"]["truncation_reason"] == "response_body_cap"
    assert response["content_truncated"]["truncated_at_bytes"] <= 200_000


async def test_hard_domains_warn_and_steady_tiers_are_suggested(
    engine: ScrapeEngine, storage: Storage, fixture_site: Any
) -> None:
    for ok in [False] * 8 + [True] * 2:
        await storage.playbook.record(DomainAttempt("hard-org", "127.0.0.1", "2", ok))
    response = await run(
        engine, org="hard-org", url=fixture_site.url("/article"), cost_controls={"force_tier": "2"}
    )
    assert response["domain_difficulty"]["total_attempts"] == 10
    assert response["domain_difficulty"]["success_rate"] == 0.2
    assert "127.0.0.1" in response["domain_warning"]
    for _ in range(10):
        await storage.playbook.record(DomainAttempt("steady-org", "127.0.0.1", "2", True))
    steady = await run(engine, org="steady-org", url=fixture_site.url("/article"))
    assert 'force_tier="2"' in steady["billing"]["optimization_suggestion"]
    assert steady["domain_warning"] is None
