"""MCP over streamable HTTP at /mcp of a live server, through the SDK's own client: the tools,
their calls as the caller's API calls, progress of a waited-for crawl, errors, authentication."""

from __future__ import annotations

import base64
import shutil
import time
from typing import Any

import httpx
import pytest
from mcp.shared.exceptions import MCPError
from mcp_types import ImageContent

from tests.api.conftest import ADMIN_KEY, new_key
from tests.live_server import LiveServer
from tests.mcp.clients import http_client, json_of, text_of

ARTICLE_SENTENCE = "The quick brown fox of scrapegate"
EXPECTED_TOOLS = {
    "alterlab_scrape",
    "alterlab_extract",
    "alterlab_screenshot",
    "alterlab_estimate_cost",
    "alterlab_check_balance",
    "alterlab_get_usage",
    "alterlab_crawl",
    "alterlab_crawl_status",
    "alterlab_crawl_cancel",
    "alterlab_search",
    "alterlab_map",
    "alterlab_batch_scrape",
    "alterlab_batch_status",
}
ADMIN = {"X-API-Key": ADMIN_KEY}
# "auto" negotiates the newest protocol; "legacy" is the initialize handshake older clients use.
MODES = ("auto", "legacy")
needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed"
)


@pytest.mark.parametrize("mode", MODES)
async def test_lists_the_alterlab_tools_with_described_arguments(
    server: LiveServer, mode: str
) -> None:
    async with http_client(server, ADMIN, mode) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == EXPECTED_TOOLS
    for tool in tools.values():
        assert tool.description, tool.name
        properties = tool.input_schema["properties"]
        assert all(spec.get("description") for spec in properties.values()), tool.name
    scrape = tools["alterlab_scrape"].input_schema
    assert scrape["required"] == ["url"]
    assert "markdown" in scrape["properties"]["formats"]["items"]["enum"]
    assert tools["alterlab_crawl_status"].input_schema["required"] == ["crawl_id"]


@pytest.mark.parametrize("mode", MODES)
async def test_scrape_is_the_callers_own_api_call(
    server: LiveServer, fixture_site: Any, mode: str
) -> None:
    key, other = new_key(server, f"mcp-scrape-{mode}"), new_key(server, f"mcp-other-{mode}")
    async with http_client(server, {"Authorization": f"Bearer {key}"}, mode) as client:
        result = await client.call_tool("alterlab_scrape", {"url": fixture_site.url("/article")})
    body = json_of(result)
    assert ARTICLE_SENTENCE in body["content"]
    assert body["credits_used"] == 200
    job = f"{server.url}/api/v1/jobs/{body['job_id']}"
    # The job belongs to the caller's organization, as if the caller had scraped directly.
    assert httpx.get(job, headers={"X-API-Key": key}).status_code == 200
    assert httpx.get(job, headers={"X-API-Key": other}).status_code == 404
    usage = httpx.get(f"{server.url}/api/v1/usage", headers={"X-API-Key": key}).json()
    assert usage["credits_used"] == 200


async def test_extract_with_a_profile_and_with_a_schema(
    server: LiveServer, fixture_site: Any
) -> None:
    url = fixture_site.url("/extraction/product")
    schema = {"name": "string", "price": "number", "in_stock": "boolean"}
    async with http_client(server, ADMIN) as client:
        by_profile = json_of(
            await client.call_tool(
                "alterlab_extract", {"url": url, "extraction_profile": "product"}
            )
        )
        by_schema = json_of(
            await client.call_tool("alterlab_extract", {"url": url, "extraction_schema": schema})
        )
    product = by_profile["extraction_result"]
    assert (product["name"], product["price"], product["currency"]) == (
        "Summit 40 Backpack",
        1299.0,
        "USD",
    )
    assert by_profile["extraction_method"] == "algorithmic"
    assert "content" not in by_profile  # the extraction, not the page
    assert by_schema["extraction_result"] == {
        "name": "Summit 40 Backpack",
        "price": 1299.0,
        "in_stock": True,
    }


async def test_map_lists_the_sites_urls(server: LiveServer, fixture_site: Any) -> None:
    async with http_client(server, ADMIN) as client:
        body = json_of(await client.call_tool("alterlab_map", {"url": fixture_site.url("/")}))
    found = {entry["url"] for entry in body["urls"]}
    assert {fixture_site.url("/article"), fixture_site.url("/tree/a")} <= found
    assert body["sitemap_found"] is True


@pytest.mark.parametrize("mode", MODES)
async def test_a_waited_for_crawl_reports_progress(
    server: LiveServer, fixture_site: Any, mode: str
) -> None:
    updates: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        updates.append((progress, total, message))

    arguments = {
        "url": fixture_site.url("/gen/slow/"),
        "sitemap": "skip",
        "max_concurrency": 2,
        "wait": True,
    }
    async with http_client(server, ADMIN, mode) as client:
        result = await client.call_tool("alterlab_crawl", arguments, progress_callback=on_progress)
    status = json_of(result)
    assert (status["status"], status["completed"], status["total"]) == ("completed", 9, 9)
    assert updates, "no progress notification arrived"
    progress = [value for value, _, _ in updates]
    assert progress == sorted(set(progress))  # strictly increasing, as MCP requires
    assert updates[-1][:2] == (9, 9)
    assert updates[-1][2] == "completed: 9 of 9 pages done"


async def test_crawl_status_and_cancel_of_a_started_crawl(
    server: LiveServer, fixture_site: Any
) -> None:
    start = {"url": fixture_site.url("/tree"), "sitemap": "skip", "max_depth": 1}
    async with http_client(server, ADMIN) as client:
        started = json_of(await client.call_tool("alterlab_crawl", start))
        crawl_id = started["crawl_id"]
        status = json_of(await client.call_tool("alterlab_crawl_status", {"crawl_id": crawl_id}))
        cancelled = json_of(await client.call_tool("alterlab_crawl_cancel", {"crawl_id": crawl_id}))
    assert started["status"] in ("discovering", "running")
    assert status["crawl_id"] == crawl_id and status["url"] == fixture_site.url("/tree")
    assert cancelled["crawl_id"] == crawl_id


async def test_batch_scrape_and_its_status(server: LiveServer, fixture_site: Any) -> None:
    urls = [fixture_site.url("/article"), {"url": fixture_site.url("/thin"), "formats": ["text"]}]
    async with http_client(server, ADMIN) as client:
        accepted = json_of(await client.call_tool("alterlab_batch_scrape", {"urls": urls}))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            batch = json_of(
                await client.call_tool("alterlab_batch_status", {"batch_id": accepted["batch_id"]})
            )
            if batch["pending"] == batch["running"] == 0:
                break
    assert accepted["total_urls"] == 2
    assert (batch["completed"], batch["failed"]) == (2, 0)
    assert ARTICLE_SENTENCE in batch["items"][0]["result"]["content"]


async def test_estimate_balance_and_usage(server: LiveServer, fixture_site: Any) -> None:
    async with http_client(server, ADMIN) as client:
        estimate = json_of(
            await client.call_tool("alterlab_estimate_cost", {"url": fixture_site.url("/article")})
        )
        balance = json_of(await client.call_tool("alterlab_check_balance", {}))
        usage = json_of(await client.call_tool("alterlab_get_usage", {}))
    assert estimate["estimated_tier"] == "1" and estimate["estimated_credits"] == 200
    assert balance == {
        "credits_available": None,  # billing is off on the test server
        "balance_display": None,
        "billing_enabled": False,
        "subscription_tier": "custom",
    }
    assert usage["billing_enabled"] is False and usage["requests_count"] >= 1


async def test_api_errors_are_tool_errors_with_our_code(server: LiveServer) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    async with http_client(server, ADMIN) as client:
        bad_url = await client.call_tool("alterlab_scrape", {"url": "ftp://example.org/file"})
        missing = await client.call_tool("alterlab_crawl_status", {"crawl_id": unknown})
        escape = await client.call_tool("alterlab_crawl_status", {"crawl_id": "../usage"})
        search = await client.call_tool("alterlab_search", {"query": "rivers"})
    assert bad_url.is_error
    assert "INVALID_URL (HTTP 400): url must be an absolute http(s) URL" in text_of(bad_url)
    assert missing.is_error and "NOT_FOUND (HTTP 404)" in text_of(missing)
    assert escape.is_error and "NOT_FOUND (HTTP 404)" in text_of(escape)
    assert search.is_error and "FEATURE_UNAVAILABLE (HTTP 501)" in text_of(search)


def test_refused_without_a_valid_key(server: LiveServer) -> None:
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    accept = {"Accept": "application/json, text/event-stream"}
    for headers in ({}, {"X-API-Key": "sk_test_" + "Z" * 32}, {"Authorization": "Bearer nope"}):
        response = httpx.post(f"{server.url}/mcp", json=initialize, headers=accept | headers)
        assert response.status_code == 401, response.text
        assert response.json()["error"] == "UNAUTHORIZED"
        assert set(response.json()) == {"detail", "error", "message", "details"}


async def test_the_sdk_client_cannot_connect_without_a_key(server: LiveServer) -> None:
    with pytest.raises(BaseExceptionGroup) as refused:
        async with http_client(server, {}) as client:
            await client.list_tools()
    assert refused.value.subgroup(MCPError) is not None, refused.value


@needs_chromium
async def test_screenshot_is_an_image(server: LiveServer, fixture_site: Any) -> None:
    async with http_client(server, ADMIN) as client:
        result = await client.call_tool(
            "alterlab_screenshot", {"url": fixture_site.url("/article")}
        )
    assert not result.is_error, text_of(result)
    image = next(block for block in result.content if isinstance(block, ImageContent))
    assert base64.b64decode(image.data).startswith(b"\x89PNG")
    assert image.mime_type == "image/png"
    assert "/api/v1/artifacts/" in text_of(result)
