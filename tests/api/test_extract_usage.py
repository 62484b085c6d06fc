"""GET /api/v1/extract/estimate, /extract/usage and /extract/usage/summary, and the request log."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from scrapegate.domain.records import UsageRow
from tests.api.conftest import new_key
from tests.live_server import LiveServer

HTML = "<html><head><title>Lamp</title></head><body><h1>Lamp</h1><p>Bright.</p></body></html>"


@pytest.fixture(scope="module")
def org(server: LiveServer) -> Iterator[httpx.Client]:
    """One organization with three extract calls: fresh, served from cache, failed (no run)."""
    key = new_key(server, "extract-usage")
    with httpx.Client(base_url=server.url, headers={"X-API-Key": key}, timeout=60) as client:
        first = client.post(
            "/api/v1/extract",
            json={
                "content": HTML,
                "extraction_profile": "article",
                "source_url": "https://shop.example.com/lamp",
            },
        )
        assert first.status_code == 200, first.text
        cached = client.post(
            "/api/v1/extract",
            json={
                "content": HTML,
                "extraction_profile": "article",
                "source_url": "https://shop.example.com/lamp",
            },
        )
        assert cached.json()["cache_hit"] is True
        plain = client.post(
            "/api/v1/extract", json={"content": "plain words", "content_type": "text"}
        )
        assert plain.status_code == 200
        refused = client.post("/api/v1/extract", json={"content": ""})  # validation: not logged
        assert refused.status_code == 400
        yield client


def test_estimate_without_and_with_a_prompt(api: httpx.Client) -> None:
    plain = api.get("/api/v1/extract/estimate", params={"content_length": 50_000}).json()
    assert plain["estimated_cost_microcents"] == 2_500
    assert plain["estimated_cost_usd"] == 0.0025
    assert plain["breakdown"]["base_fee_microcents"] == 2_500
    assert plain["breakdown"]["llm_invocation"] is False
    assert plain["breakdown"]["estimated_input_tokens"] == 0
    llm = api.get(
        "/api/v1/extract/estimate",
        params={"content_length": 50_000, "has_extraction_prompt": "true"},
    ).json()
    assert llm["breakdown"]["llm_invocation"] is True
    assert llm["breakdown"]["estimated_input_tokens"] == 12_500
    assert llm["breakdown"]["estimated_output_tokens"] == 1_000
    assert llm["breakdown"]["note"] == "LLM tokens are billed by your provider to your own key."


@pytest.mark.parametrize("length", [None, 0, 5_000_001])
def test_estimate_refuses_lengths_out_of_range(api: httpx.Client, length: int | None) -> None:
    params = {} if length is None else {"content_length": length}
    response = api.get("/api/v1/extract/estimate", params=params)
    assert response.status_code == 400
    assert response.json()["detail"] == "content_length must be between 1 and 5000000"


def test_usage_lists_calls_newest_first(org: httpx.Client) -> None:
    body = org.get("/api/v1/extract/usage").json()
    assert (body["total"], body["page"], body["page_size"], body["has_more"]) == (3, 1, 50, False)
    newest, hit, first = body["items"]
    assert (newest["content_type"], newest["source_url"]) == ("text", None)
    assert (hit["cached"], hit["cost_microcents"]) == (True, 0)
    assert (first["cached"], first["cost_microcents"]) == (False, 2_500)
    assert first["source_url"] == "https://shop.example.com/lamp"
    assert first["content_size_chars"] == len(HTML)
    assert (first["source"], first["mode"], first["status"]) == (
        "extract",
        "algorithmic",
        "success",
    )
    assert (first["provider"], first["model"], first["input_tokens"]) == (None, None, None)
    assert first["error_code"] is None
    assert first["created_at"].endswith("Z")


def test_usage_pages_and_day_filters(org: httpx.Client) -> None:
    second = org.get("/api/v1/extract/usage", params={"page": 2, "page_size": 2}).json()
    assert (len(second["items"]), second["total"], second["has_more"]) == (1, 3, False)
    first = org.get("/api/v1/extract/usage", params={"page": 1, "page_size": 2}).json()
    assert first["has_more"] is True
    days = sorted(
        item["created_at"][:10] for item in org.get("/api/v1/extract/usage").json()["items"]
    )
    window = {"date_from": days[0], "date_to": days[-1]}
    assert org.get("/api/v1/extract/usage", params=window).json()["total"] == 3
    after = org.get("/api/v1/extract/usage", params={"date_from": "2999-01-01"}).json()
    assert after["total"] == 0
    before = org.get("/api/v1/extract/usage", params={"date_to": "2000-01-01"}).json()
    assert (before["total"], before["items"]) == (0, [])
    clamped = org.get("/api/v1/extract/usage", params={"page_size": 1_000}).json()
    assert clamped["page_size"] == 200


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"page": 0}, "page must be at least 1"),
        ({"page_size": 0}, "page_size must be between 1 and 200"),
        ({"date_from": "yesterday"}, "date_from must be a date (YYYY-MM-DD)"),
        (
            {"date_from": "2026-03-02", "date_to": "2026-03-01"},
            "date_from must not be after date_to",
        ),
    ],
)
def test_usage_refuses_bad_parameters(
    org: httpx.Client, params: dict[str, str | int], detail: str
) -> None:
    response = org.get("/api/v1/extract/usage", params=params)
    assert (response.status_code, response.json()["detail"]) == (400, detail)


def test_summary_totals(org: httpx.Client) -> None:
    body = org.get("/api/v1/extract/usage/summary").json()
    assert (body["total_requests"], body["total_cost_microcents"]) == (3, 5_000)
    assert (body["cached_requests"], body["llm_requests"], body["algorithmic_requests"]) == (
        1,
        0,
        3,
    )
    assert (body["total_input_tokens"], body["total_output_tokens"], body["by_provider"]) == (
        0,
        0,
        [],
    )
    assert body["period_start"] < body["period_end"]
    hourly = org.get("/api/v1/extract/usage/summary", params={"hours": 1}).json()
    assert hourly["total_requests"] == 3


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"hours": 1, "days": 1}, "Provide hours or days, not both"),
        ({"hours": 8_761}, "hours must be between 1 and 8760"),
        ({"days": 0}, "days must be between 1 and 365"),
    ],
)
def test_summary_refuses_bad_windows(
    org: httpx.Client, params: dict[str, str | int], detail: str
) -> None:
    response = org.get("/api/v1/extract/usage/summary", params=params)
    assert (response.status_code, response.json()["detail"]) == (400, detail)


def test_other_organizations_see_none_of_it(server: LiveServer, org: httpx.Client) -> None:
    stranger = {"X-API-Key": new_key(server, "extract-usage-stranger")}
    body = org.get("/api/v1/extract/usage", headers=stranger).json()
    assert (body["total"], body["items"]) == (0, [])


def test_calls_are_in_the_request_log(server: LiveServer, org: httpx.Client) -> None:
    org_id = org.get("/api/v1/extract/usage").json()["items"][0]["id"]  # any run id

    async def rows() -> list[UsageRow]:
        await server.services.usage_log.flush()
        found = await server.services.storage.usage.list_for_org(await _org_of_run(server, org_id))
        return [row for row in found if row.endpoint_type == "extract"]

    # Another API process (the distributed leg's balancer) writes its rows when its log flushes.
    deadline = time.monotonic() + 60
    logged: list[UsageRow] = server.call(rows())  # type: ignore[assignment]
    while len(logged) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
        logged = server.call(rows())  # type: ignore[assignment]
    assert len(logged) == 3
    assert {row.route for row in logged} == {"/api/v1/extract"}
    assert sorted(row.credits for row in logged) == [0, 2_500, 2_500]
    assert sum(row.cache_hit for row in logged) == 1
    assert {row.status for row in logged} == {"completed"}
    assert {row.domain for row in logged} == {"example.com", None}


async def _org_of_run(server: LiveServer, run_id: str) -> str:
    storage = server.services.storage
    for org in await storage.organizations.list_all():
        runs = await storage.extractions.page(org.id, None, None, offset=0, limit=10)
        if any(run.id == run_id for run in runs):
            return org.id
    raise AssertionError("no organization holds the run")
