"""Per-request plumbing: trailing slashes, request ids, common headers, the request log."""

from __future__ import annotations

import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scrapegate import __version__
from scrapegate.accounts.keys import Principal
from scrapegate.api.services import Services
from scrapegate.domain.records import UsageRow, new_id


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            try:
                return str(uuid.UUID(value.decode()))
            except ValueError:
                break
    return str(uuid.uuid4())


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode(errors="replace"))
    return None


class RequestPlumbing:
    """Pure ASGI middleware (cheaper than BaseHTTPMiddleware on the hot path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/"}
        request_id = _request_id(scope)
        state: dict[str, Any] = scope.setdefault("state", {})
        started = time.monotonic()
        status_holder = {"status": 500}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-Id"] = request_id
                headers["X-Scrapegate-Version"] = __version__
                for name, value in state.get("extra_headers", {}).items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
        services: Services | None = getattr(scope.get("app"), "state", None) and getattr(
            scope["app"].state, "services", None
        )
        if services is not None and scope["path"].startswith("/api/"):
            _log_request(services, scope, state, status_holder["status"], started)


def _log_request(
    services: Services, scope: Scope, state: dict[str, Any], status: int, started: float
) -> None:
    who: Principal | None = state.get("principal")
    services.usage_log.append(
        UsageRow(
            id=new_id(),
            org_id=who.org_id if who else None,
            key_id=who.key.id if who else None,
            route=scope["path"],
            method=scope["method"],
            status_code=status,
            latency_ms=int((time.monotonic() - started) * 1000),
            kind="request",
            error_code=state.get("error_code"),
            source="api",
            status="completed" if status < 400 else "failed",
            source_client=_header(scope, b"x-alterlab-source") or _header(scope, b"user-agent"),
        )
    )
