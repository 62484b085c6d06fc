"""MCP clients of the SDK, connected to a live scrapegate server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult, TextContent

from tests.live_server import LiveServer


@asynccontextmanager
async def http_client(
    server: LiveServer, headers: dict[str, str], mode: str = "auto"
) -> AsyncIterator[Client]:
    """The SDK's client over streamable HTTP at ``/mcp``, sending ``headers`` (the key)."""
    async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
        transport = streamable_http_client(f"{server.url}/mcp", http_client=http)
        async with Client(transport, mode=mode, read_timeout_seconds=120) as client:
            yield client


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def json_of(result: CallToolResult) -> Any:
    """The tool's JSON: the text block and the structured content must say the same."""
    assert not result.is_error, text_of(result)
    parsed = json.loads(text_of(result))
    assert parsed == result.structured_content
    return parsed
