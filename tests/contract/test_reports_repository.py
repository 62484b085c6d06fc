"""Site-analysis reports: round trip, duplicate ids, retention purge."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.domain.records import Report, new_id
from scrapegate.errors import Conflict
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at

pytestmark = pytest.mark.asyncio(loop_scope="session")


def make_report(**fields: Any) -> Report:
    values: dict[str, Any] = {
        "id": new_id(),
        "source": "server",
        "domain": "shop.example.com",
        "url": "https://shop.example.com/c/shoes",
        "score": 46,
        "grade": "D",
        "created_at": at(0),
    }
    values.update(fields)
    return Report(**values)


async def test_full_report_round_trips(storage: Storage) -> None:
    report = make_report(
        title="Shoes",
        signals=[{"id": "cf_challenge", "category": "anti_bot", "severity": "high"}],
        anti_bot_stack=[{"vendor": "cloudflare", "confidence": 0.95, "evidence": ["cf-ray"]}],
        tech_stack={"frameworks": ["next.js"], "cdn": ["cloudflare"]},
        pagination={"type": "load_more", "selector": "button.load-more", "example_urls": []},
        api_endpoints=[{"url": "https://shop.example.com/api/p", "method": "GET"}],
        meta={"status_code": 200, "tier_that_worked": "4", "js_required": True},
        cookie_count=14,
        has_cookie_gate=True,
        estimated_credits={"recommended_tier": "4", "per_page_microcents": 4000},
        org_id="org-1",
    )
    await storage.reports.create(report)
    assert await storage.reports.get(report.id) == report


async def test_submitted_report_with_defaults(storage: Storage) -> None:
    report = make_report(source="submitted", title=None)
    await storage.reports.create(report)
    stored = await storage.reports.get(report.id)
    assert stored == report
    assert stored is not None and stored.signals == [] and stored.org_id is None


async def test_unknown_id_and_duplicate(storage: Storage) -> None:
    report = await storage.reports.create(make_report())
    assert await storage.reports.get(new_id()) is None
    with pytest.raises(Conflict):
        await storage.reports.create(make_report(id=report.id))


async def test_stored_copy_is_independent(storage: Storage) -> None:
    report = make_report(signals=[{"id": "a"}])
    await storage.reports.create(report)
    report.signals.append({"id": "b"})
    stored = await storage.reports.get(report.id)
    assert stored is not None and stored.signals == [{"id": "a"}]


async def test_purge_removes_only_older_reports(storage: Storage) -> None:
    old = await storage.reports.create(make_report(created_at=at(0)))
    edge = await storage.reports.create(make_report(created_at=at(100)))
    new = await storage.reports.create(make_report(created_at=at(200)))
    assert await storage.reports.purge(at(100)) == 1
    assert await storage.reports.get(old.id) is None
    assert await storage.reports.get(edge.id) is not None
    assert await storage.reports.get(new.id) is not None
    assert await storage.reports.purge(at(100)) == 0
