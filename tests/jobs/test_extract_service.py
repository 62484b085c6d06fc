"""ExtractService without a server: a failed conversion is refunded and logged, identical calls
in flight share one conversion."""

from __future__ import annotations

import asyncio

import pytest

from scrapegate.convert import Converted
from scrapegate.domain.extract_request import ExtractRequest
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import ApiKey, Organization, UsageRow
from scrapegate.engine.conversion_runners import ThreadConversionRunner
from scrapegate.engine.conversion_task import PageAnalysis, PageToAnalyse, PageToConvert
from scrapegate.errors import InternalError
from scrapegate.jobs.extract_service import ExtractService, ExtractSettings
from scrapegate.storage.memory import create_memory_storage
from scrapegate.storage.protocols import Storage

BALANCE = 10_000
HTML = "<html><head><title>Mug</title></head><body><h1>Mug</h1><p>Holds tea.</p></body></html>"


class CrashingRunner(ThreadConversionRunner):
    async def convert(self, page: PageToConvert) -> Converted:
        raise InternalError("converting the page crashed a conversion process twice")


class GatedRunner(ThreadConversionRunner):
    """Converts for real once ``gate`` opens, counting conversions."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.conversions = 0

    async def convert(self, page: PageToConvert) -> Converted:
        self.conversions += 1
        await self.gate.wait()
        return await super().convert(page)

    async def analyse(self, task: PageToAnalyse) -> PageAnalysis:
        raise AssertionError("extraction never classifies a page")


async def principal(storage: Storage) -> Principal:
    org = await storage.organizations.create(Organization(id="org-x", name="x", slug="x"))
    await storage.ledger.apply(org.id, BALANCE, "adjustment")
    key = ApiKey(
        id="key-x", org_id=org.id, user_id="user-x", name="x", key_hash="h", key_prefix="sk_"
    )
    return Principal(key=key, org=org)


def service(
    storage: Storage, runner: ThreadConversionRunner, rows: list[UsageRow]
) -> ExtractService:
    settings = ExtractSettings(price=2_500, billing_enabled=True, log_usage=rows.append)
    return ExtractService(storage, runner, storage.cache, settings)


async def test_a_failed_extraction_is_refunded_and_logged() -> None:
    storage = create_memory_storage()
    who = await principal(storage)
    rows: list[UsageRow] = []
    extracts = service(storage, CrashingRunner(), rows)
    with pytest.raises(InternalError):
        await extracts.extract(
            who, ExtractRequest(content=HTML, extraction_profile="product"), None
        )
    assert await storage.ledger.balance(who.org_id) == BALANCE
    runs = await storage.extractions.page(who.org_id, None, None, offset=0, limit=5)
    assert [(r.status, r.error_code, r.cost_microcents) for r in runs] == [
        ("error", "INTERNAL_ERROR", 0)
    ]
    assert [(r.status, r.status_code, r.credits) for r in rows] == [("failed", 500, 0)]


async def test_identical_calls_in_flight_share_one_conversion() -> None:
    storage = create_memory_storage()
    who = await principal(storage)
    rows: list[UsageRow] = []
    runner = GatedRunner()
    extracts = service(storage, runner, rows)
    req = ExtractRequest(content=HTML, extraction_profile="article", cache="skip")
    calls = [asyncio.create_task(extracts.extract(who, req, None)) for _ in range(3)]
    await asyncio.sleep(0.05)
    runner.gate.set()
    answers = await asyncio.gather(*calls)
    assert runner.conversions == 1
    assert len({answer["extract_id"] for answer in answers}) == 1
    assert answers[0]["extraction_result"]["headline"] == "Mug"  # type: ignore[index]
    assert await storage.ledger.balance(who.org_id) == BALANCE - 2_500
    again = await extracts.extract(who, req, None)
    assert again["extract_id"] != answers[0]["extract_id"]  # finished work is never shared
    assert runner.conversions == 2
