"""Per-request plumbing: trailing slashes, request ids, common headers, the request log."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scrapegate import __version__
from scrapegate.api.services import Services
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import UsageRow, new_id

# Our access log replaces uvicorn's, which would write ``?api_key=…`` of SSE/WebSocket URLs.
access_log = logging.getLogger("scrapegate.access")
_SECRET_PARAM = re.compile(r"(?i)\b(api_key|token|access_token)=[^&]*")


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


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return f"{client[0]}:{client[1]}" if client else "-"


def _logged_target(scope: Scope) -> str:
    """The path and query as logged: ``api_key`` values (streaming routes) are never written."""
    query = scope.get("query_string", b"").decode("latin-1")
    if not query:
        return str(scope["path"])
    redacted = _SECRET_PARAM.sub(r"\1=***", query)
    return f"{scope['path']}?{redacted}"


class RedactSecrets(logging.Filter):
    """For uvicorn's own loggers: the WebSocket handshake line carries ``?api_key=…`` too."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SECRET_PARAM.sub(r"\1=***", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def redact_server_logs() -> None:
    for name in ("uvicorn.error", "uvicorn.access"):
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in target.filters):
            target.addFilter(RedactSecrets())


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
        if access_log.isEnabledFor(logging.INFO):  # its arguments cost more than the call
            access_log.info(
                "%s %s %s %d",
                _client(scope),
                scope["method"],
                _logged_target(scope),
                status_holder["status"],
            )
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
