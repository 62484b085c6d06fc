"""The tools' one way to scrapegate: an HTTP call to its API with the caller's key, so a tool
call is authenticated, rate-limited, billed and logged exactly like the same API call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import httpx
import orjson
from mcp.server.mcpserver.exceptions import ToolError

from scrapegate import __version__
from scrapegate.domain.json_types import JsonObject, JsonValue

USER_AGENT = f"scrapegate-mcp/{__version__}"
# The headers that carry a key on the API: forwarded as the MCP request sent them.
CREDENTIAL_HEADERS = ("x-api-key", "authorization")
UNREACHABLE = "SERVICE_UNAVAILABLE"


@dataclass(frozen=True)
class GatewayConfig:
    """Where the tools' calls go and with which key.

    ``api_key`` set (stdio): every call uses it. ``None`` (the HTTP mount): each call forwards
    the key its MCP request carried, which the mount has already checked.
    """

    base_url: str
    api_key: str | None = None
    transport: httpx.AsyncBaseTransport | None = None  # the app itself, in-process, over HTTP
    timeout_s: float = 330.0  # a synchronous scrape may use its whole 300 s timeout
    poll_interval_s: float = 0.5


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: JsonObject


class ApiCallFailed(ToolError):
    """An API error, as the tool error the model reads: our error code first, then the message."""

    def __init__(self, status: int | None, envelope: JsonObject) -> None:
        code = envelope.get("error") or f"HTTP_{status}"
        message = envelope.get("message") or envelope.get("detail") or "request failed"
        text = f"{code} (HTTP {status}): {message}" if status else f"{code}: {message}"
        details = envelope.get("details")
        if details:
            text += f"\ndetails: {orjson.dumps(details).decode()}"
        super().__init__(text)
        self.status = status
        self.code = str(code)


def _json_object(response: httpx.Response) -> JsonObject:
    try:
        body = orjson.loads(response.content) if response.content else {}
    except orjson.JSONDecodeError:
        return {"message": response.text[:500]}
    return cast(JsonObject, body) if isinstance(body, dict) else {"value": body}


class ApiGateway:
    """One HTTP client for the server's lifetime; ``bound`` gives a caller its credentials."""

    def __init__(self, client: httpx.AsyncClient, config: GatewayConfig) -> None:
        self.client = client
        self.config = config

    def credentials(self, incoming: Mapping[str, str] | None) -> dict[str, str]:
        if self.config.api_key:
            return {"X-API-Key": self.config.api_key}
        if incoming is None:
            return {}
        return {name: incoming[name] for name in CREDENTIAL_HEADERS if name in incoming}

    def bound(self, incoming: Mapping[str, str] | None) -> ApiCaller:
        return ApiCaller(self, self.credentials(incoming))

    async def send(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self.client.send(request)
        except httpx.HTTPError as exc:
            raise ToolError(
                f"{UNREACHABLE}: the scrapegate API at {self.config.base_url} could not be "
                f"reached ({type(exc).__name__}: {exc})"
            ) from exc


@dataclass(frozen=True)
class ApiCaller:
    """The API as one caller sees it: every request carries that caller's key."""

    gateway: ApiGateway
    headers: dict[str, str]

    async def call(
        self,
        method: str,
        path: str,
        body: JsonObject | None = None,
        params: Mapping[str, JsonValue] | None = None,
    ) -> ApiAnswer:
        query = {key: _query_value(value) for key, value in (params or {}).items()}
        request = self.gateway.client.build_request(
            method, path, json=body, params=query, headers=self.headers
        )
        response = await self.gateway.send(request)
        answer = _json_object(response)
        if response.status_code >= 400:
            raise ApiCallFailed(response.status_code, answer)
        return ApiAnswer(response.status_code, answer)

    async def get(self, path: str, params: Mapping[str, JsonValue] | None = None) -> ApiAnswer:
        return await self.call("GET", path, params=params)

    async def post(self, path: str, body: JsonObject) -> ApiAnswer:
        return await self.call("POST", path, body)

    async def delete(self, path: str) -> ApiAnswer:
        return await self.call("DELETE", path)

    async def download(self, url: str) -> bytes:
        """An artifact the API linked to: fetched through the same client, with the same key."""
        parts = urlsplit(url)
        target = f"{parts.path}?{parts.query}" if parts.query else parts.path
        request = self.gateway.client.build_request("GET", target, headers=self.headers)
        response = await self.gateway.send(request)
        if response.status_code >= 400:
            raise ApiCallFailed(response.status_code, _json_object(response))
        return response.content


def _query_value(value: JsonValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
