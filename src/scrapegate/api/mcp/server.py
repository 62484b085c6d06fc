"""The MCP server of scrapegate: the tools, and the HTTP client they share for its lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from mcp.server.mcpserver import MCPServer

from scrapegate import __version__
from scrapegate.api.mcp.gateway import USER_AGENT, ApiGateway, GatewayConfig
from scrapegate.api.mcp.site_tools import SITE_TOOLS
from scrapegate.api.mcp.tools import TOOLS

SERVER_NAME = "scrapegate"
INSTRUCTIONS = (
    "Web scraping through a scrapegate server (AlterLab's API). alterlab_scrape reads one page "
    "(markdown by default), alterlab_extract turns a page into JSON, alterlab_map lists a "
    "site's URLs and alterlab_crawl scrapes a whole site. Every call is billed like the same "
    "API call; alterlab_estimate_cost is free."
)


def build_server(config: GatewayConfig) -> MCPServer[ApiGateway]:
    """The server; its lifespan opens the one HTTP client every tool call goes through."""

    @asynccontextmanager
    async def open_gateway(_: MCPServer[ApiGateway]) -> AsyncIterator[ApiGateway]:
        client = httpx.AsyncClient(
            base_url=config.base_url,
            transport=config.transport,
            timeout=config.timeout_s,
            headers={"User-Agent": USER_AGENT},
        )
        async with client:
            yield ApiGateway(client, config)

    # WARNING: the SDK sets up root logging at this level, and the API process keeps its own.
    server: MCPServer[ApiGateway] = MCPServer(
        SERVER_NAME,
        version=__version__,
        instructions=INSTRUCTIONS,
        lifespan=open_gateway,
        log_level="WARNING",
    )
    for tool in (*TOOLS, *SITE_TOOLS):
        server.add_tool(tool)
    return server
