"""``scrapegate mcp`` over stdio: spawned as an MCP client would, calling a live server's API."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from mcp import Client, StdioServerParameters

from tests.api.conftest import ADMIN_KEY, new_key
from tests.live_server import LiveServer, free_port
from tests.mcp.clients import json_of, text_of
from tests.mcp.test_mcp_http import ARTICLE_SENTENCE, EXPECTED_TOOLS

SCRAPEGATE = Path(sys.executable).parent / "scrapegate"


@asynccontextmanager
async def stdio_client(api_url: str, key: str) -> AsyncIterator[Client]:
    command = StdioServerParameters(
        command=str(SCRAPEGATE),
        args=["mcp", "--api-url", api_url],
        env={"SCRAPEGATE_API_KEY": key},
    )
    async with Client(command, read_timeout_seconds=120) as client:
        yield client


async def test_stdio_lists_tools_and_scrapes_with_the_keys_org(
    server: LiveServer, fixture_site: Any
) -> None:
    key = new_key(server, "mcp-stdio")
    async with stdio_client(server.url, key) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        result = await client.call_tool("alterlab_scrape", {"url": fixture_site.url("/article")})
    assert tools == EXPECTED_TOOLS
    body = json_of(result)
    assert ARTICLE_SENTENCE in body["content"]
    job = httpx.get(f"{server.url}/api/v1/jobs/{body['job_id']}", headers={"X-API-Key": key})
    assert job.status_code == 200 and job.json()["status"] == "completed"


async def test_stdio_reports_a_wrong_key_and_an_unreachable_server(
    server: LiveServer, fixture_site: Any
) -> None:
    url = fixture_site.url("/article")
    async with stdio_client(server.url, "sk_test_" + "W" * 32) as client:
        refused = await client.call_tool("alterlab_scrape", {"url": url})
    async with stdio_client(f"http://127.0.0.1:{free_port()}", ADMIN_KEY) as client:
        unreachable = await client.call_tool("alterlab_check_balance", {})
    assert refused.is_error and "UNAUTHORIZED (HTTP 401)" in text_of(refused)
    assert unreachable.is_error and "SERVICE_UNAVAILABLE" in text_of(unreachable)


def test_stdio_needs_a_key() -> None:
    env = {"PATH": str(SCRAPEGATE.parent)}
    done = subprocess.run(
        [str(SCRAPEGATE), "mcp"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "SCRAPEGATE_API_KEY" in done.stderr
