"""Extraction templates and the extraction log on every backend."""

from __future__ import annotations

from typing import Any

import pytest

from scrapegate.domain.extraction_records import (
    ExtractionRun,
    ExtractionTemplate,
    ProviderTotals,
)
from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.records import new_id
from scrapegate.errors import Conflict
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at

pytestmark = pytest.mark.asyncio(loop_scope="session")

ORG, OTHER = "org-1", "org-2"
SCHEMA: JsonObject = {
    "type": "object",
    "properties": {"price": {"type": "number"}, "tags": {"type": "array"}},
    "required": ["price"],
}


def template(name: str, org: str = ORG, **fields: Any) -> ExtractionTemplate:
    return ExtractionTemplate(
        id=new_id(), org_id=org, name=name, schema=SCHEMA, created_at=at(0), **fields
    )


def run(seconds: float, org: str = ORG, **fields: Any) -> ExtractionRun:
    values: dict[str, Any] = {
        "source": "extract",
        "content_type": "html",
        "content_size_chars": 100,
        "mode": "algorithmic",
        "cost_microcents": 2_500,
        "cached": False,
        "latency_ms": 12,
        "status": "success",
    }
    values.update(fields)
    return ExtractionRun(id=new_id(), org_id=org, created_at=at(seconds), **values)


async def test_template_round_trip_scoped_to_its_organization(storage: Storage) -> None:
    saved = await storage.templates.create(template("Product page", description="shop pages"))
    assert await storage.templates.get(ORG, saved.id) == saved
    assert await storage.templates.get(OTHER, saved.id) is None
    assert await storage.templates.get(ORG, new_id()) is None
    assert (await storage.templates.get(ORG, saved.id)).schema == SCHEMA  # type: ignore[union-attr]


async def test_duplicate_name_conflicts_only_within_one_organization(storage: Storage) -> None:
    await storage.templates.create(template("Prices"))
    with pytest.raises(Conflict):
        await storage.templates.create(template("Prices"))
    await storage.templates.create(template("Prices", org=OTHER))
    assert await storage.templates.count_for_org(ORG) == 1
    assert await storage.templates.count_for_org(OTHER) == 1


async def test_templates_are_listed_by_name(storage: Storage) -> None:
    for name in ("beta", "Alpha", "gamma"):
        await storage.templates.create(template(name))
    await storage.templates.create(template("aaa", org=OTHER))
    listed = await storage.templates.list_for_org(ORG)
    assert [t.name for t in listed] == ["Alpha", "beta", "gamma"]


async def test_delete_needs_the_owning_organization(storage: Storage) -> None:
    saved = await storage.templates.create(template("Jobs"))
    assert await storage.templates.delete(OTHER, saved.id) is False
    assert await storage.templates.delete(ORG, saved.id) is True
    assert await storage.templates.delete(ORG, saved.id) is False
    assert await storage.templates.get(ORG, saved.id) is None
    again = await storage.templates.create(template("Jobs"))  # the name is free once more
    assert await storage.templates.get(ORG, again.id) == again


async def test_runs_page_newest_first_within_the_window(storage: Storage) -> None:
    for seconds in (10, 30, 20, 40):
        await storage.extractions.append(run(seconds))
    await storage.extractions.append(run(25, org=OTHER))
    everything = await storage.extractions.page(ORG, None, None, offset=0, limit=10)
    assert [r.created_at for r in everything] == [at(40), at(30), at(20), at(10)]
    window = await storage.extractions.page(ORG, at(20), at(40), offset=0, limit=10)
    assert [r.created_at for r in window] == [at(30), at(20)]
    second_page = await storage.extractions.page(ORG, None, None, offset=1, limit=2)
    assert [r.created_at for r in second_page] == [at(30), at(20)]
    assert await storage.extractions.count(ORG, None, None) == 4
    assert await storage.extractions.count(ORG, at(20), None) == 3
    assert await storage.extractions.count(OTHER, None, None) == 1


async def test_run_fields_round_trip(storage: Storage) -> None:
    full = run(
        5,
        user_id="u1",
        source_url="https://shop.example/p/1",
        provider="openai",
        model="gpt-4o-mini",
        input_tokens=812,
        output_tokens=24,
        status="error",
        error_code="EXTRACTION_FAILED",
        mode="byok",
        cached=True,
    )
    await storage.extractions.append(full)
    assert await storage.extractions.page(ORG, None, None, offset=0, limit=1) == [full]


async def test_totals_split_modes_and_providers(storage: Storage) -> None:
    await storage.extractions.append(run(10))
    await storage.extractions.append(run(20, cached=True, cost_microcents=0))
    await storage.extractions.append(
        run(30, mode="byok", provider="openai", input_tokens=100, output_tokens=10)
    )
    await storage.extractions.append(
        run(40, mode="server", provider="groq", input_tokens=50, output_tokens=5)
    )
    await storage.extractions.append(run(50, mode="byok", provider="openai", input_tokens=1))
    await storage.extractions.append(run(500))  # outside the window
    totals = await storage.extractions.totals(ORG, at(0), at(100))
    assert (totals.requests, totals.cost_microcents, totals.cached) == (5, 10_000, 1)
    assert (totals.llm, totals.algorithmic) == (3, 2)
    assert (totals.input_tokens, totals.output_tokens) == (151, 15)
    assert totals.by_provider == (
        ProviderTotals("groq", 1, 50, 5),
        ProviderTotals("openai", 2, 101, 10),
    )


async def test_totals_of_an_empty_window_are_zero(storage: Storage) -> None:
    totals = await storage.extractions.totals(ORG, at(0), at(100))
    assert (totals.requests, totals.cost_microcents, totals.llm, totals.by_provider) == (
        0,
        0,
        0,
        (),
    )
