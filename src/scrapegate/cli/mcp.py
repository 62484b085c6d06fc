"""``scrapegate mcp``: the MCP server over stdio, for Claude Desktop and other MCP clients.

Every tool call is a call to a running scrapegate server's API with the given key, so it is
billed and logged exactly like that API call.
"""

from __future__ import annotations

import anyio
import click

DEFAULT_API_URL = "http://127.0.0.1:8080"


@click.command("mcp")
@click.option(
    "--api-key",
    envvar="SCRAPEGATE_API_KEY",
    help="The API key every tool call uses (default: SCRAPEGATE_API_KEY).",
)
@click.option(
    "--api-url",
    envvar="SCRAPEGATE_API_URL",
    default=DEFAULT_API_URL,
    show_default=True,
    help="The scrapegate server to call (or SCRAPEGATE_API_URL).",
)
def mcp_command(api_key: str | None, api_url: str) -> None:
    """Serve AlterLab's MCP tools over stdio, calling the scrapegate API at --api-url."""
    if not api_key:
        raise click.UsageError("an API key is needed: --api-key or SCRAPEGATE_API_KEY")
    # Lazy: the MCP SDK is only loaded by this command.
    from scrapegate.api.mcp.gateway import GatewayConfig
    from scrapegate.api.mcp.server import build_server

    server = build_server(GatewayConfig(base_url=api_url.rstrip("/"), api_key=api_key))
    anyio.run(server.run_stdio_async)
