"""``/mcp`` on the API app: MCP's streamable HTTP transport behind the API's own key check.

The tools reach the API in-process (``httpx.ASGITransport`` on this very app) with the key the
MCP request carried, so a tool call passes the same authentication, rate limits, billing and
request log as the API call it makes. The transport is stateless: any API process (``serve
--workers N``) can answer any MCP request, and progress notifications still ride the response
stream of the request they belong to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, cast

import httpx
from fastapi import FastAPI
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from scrapegate.api.auth import authenticate
from scrapegate.api.errors import error_response
from scrapegate.api.mcp.gateway import GatewayConfig
from scrapegate.api.mcp.server import build_server
from scrapegate.errors import ScrapegateError

MCP_PATH = "/mcp"
# Calls never leave the process: the host only names the app in its own request log.
IN_PROCESS_URL = "http://scrapegate.internal"
# Callers prove themselves with an API key, not with cookies: a rebinding check adds nothing
# and would refuse every Host but localhost.
NO_HOST_CHECK = TransportSecuritySettings(enable_dns_rebinding_protection=False)


class McpEndpoint:
    """Checks the API key (``X-API-Key`` or ``Authorization: Bearer``) of every MCP request as
    every API route does, then hands the request to the SDK's session manager."""

    def __init__(self, manager: StreamableHTTPSessionManager) -> None:
        self.manager = manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            await authenticate(request)
        except ScrapegateError as error:
            request.state.error_code = error.code
            await error_response(error)(scope, receive, send)
            return
        await self.manager.handle_request(scope, receive, send)


def _running_with(app_lifespan: Any, manager: StreamableHTTPSessionManager) -> Any:
    """The app's lifespan with the MCP session manager's task group inside it: MCP starts
    after the services and, on shutdown, stops (cancelling calls in flight) before them."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[Any]:
        services = cast(AbstractAsyncContextManager[Any], app_lifespan(app))
        async with services as state, manager.run():
            yield state

    return lifespan


def mount_mcp(app: FastAPI) -> None:
    """Serve MCP over streamable HTTP at ``/mcp`` of ``app``."""
    in_process = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    server = build_server(GatewayConfig(base_url=IN_PROCESS_URL, transport=in_process))
    # Builds the session manager (the Starlette app it returns is not used: we route to it).
    server.streamable_http_app(stateless_http=True, transport_security=NO_HOST_CHECK)
    manager = server.session_manager
    endpoint = cast(Any, McpEndpoint(manager))  # Starlette routes to an ASGI app as is
    app.router.add_route(MCP_PATH, endpoint, include_in_schema=False)
    app.router.lifespan_context = _running_with(app.router.lifespan_context, manager)
