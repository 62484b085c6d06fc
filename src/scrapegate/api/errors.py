"""The one table from error codes to HTTP statuses, and the handlers that emit the envelope."""

from __future__ import annotations

import logging

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from scrapegate.errors import (
    InternalError,
    InvalidRequest,
    MethodNotAllowed,
    NotFound,
    RateLimited,
    ScrapegateError,
    ServiceUnavailable,
)

log = logging.getLogger(__name__)

STATUS_BY_CODE: dict[str, int] = {
    "INVALID_REQUEST": 400,
    "INVALID_URL": 400,
    "LLM_KEY_MISSING": 400,
    "UNAUTHORIZED": 401,
    "INSUFFICIENT_BALANCE": 402,
    "FORBIDDEN": 403,
    "URL_NOT_ALLOWED": 403,
    "ROBOTS_DISALLOWED": 403,
    "BLOCKED_BY_ANTIBOT": 403,
    "CHALLENGE_DETECTED": 403,
    "QUOTA_EXCEEDED": 403,
    "NOT_FOUND": 404,
    "JOB_EXPIRED": 404,
    "CACHE_MISS": 404,
    "METHOD_NOT_ALLOWED": 405,
    "CONFLICT": 409,
    "SESSION_INVALID": 409,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_CONTENT_TYPE": 415,
    "ALL_TIERS_FAILED": 422,
    "EXTRACTION_FAILED": 422,
    "RATE_LIMITED": 429,
    "CONCURRENCY_LIMITED": 429,
    "SPEND_LIMIT_EXCEEDED": 429,
    "INTERNAL_ERROR": 500,
    "FEATURE_UNAVAILABLE": 501,
    "UPSTREAM_ERROR": 502,
    "SERVICE_UNAVAILABLE": 503,
    "TIMEOUT": 504,
}


def status_for(error: ScrapegateError) -> int:
    return STATUS_BY_CODE.get(error.code, 500)


def error_response(error: ScrapegateError) -> JSONResponse:
    headers: dict[str, str] = {}
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(max(int(error.retry_after), 1))
    elif isinstance(error, ServiceUnavailable):
        headers["Retry-After"] = "5"
    return JSONResponse(error.to_dict(), status_code=status_for(error), headers=headers)


async def _on_scrapegate_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ScrapegateError)
    request.state.error_code = exc.code
    return error_response(exc)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    field = ".".join(loc) or None
    error = InvalidRequest(f"{field or 'request'}: {first.get('msg', 'invalid value')}", field)
    return await _on_scrapegate_error(request, error)


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    error: ScrapegateError
    if exc.status_code == 404:
        error = NotFound("Not found")
    elif exc.status_code == 405:
        error = MethodNotAllowed("Method not allowed")
    else:
        error = InvalidRequest(str(exc.detail))
    return await _on_scrapegate_error(request, error)


# A database or Redis that cannot be reached: the client should retry, not give up (503).
DEPENDENCY_DOWN: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    ConnectionError,
)


async def _on_client_gone(request: Request, exc: Exception) -> JSONResponse:
    # The client went away mid-request: nobody reads this answer, and it is no server fault.
    return JSONResponse({}, status_code=499)


async def _on_dependency_down(request: Request, exc: Exception) -> JSONResponse:
    log.warning("dependency unavailable on %s %s: %r", request.method, request.url.path, exc)
    down = ServiceUnavailable("A backing service is unavailable; retry shortly.")
    return await _on_scrapegate_error(request, down)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return await _on_scrapegate_error(request, InternalError("Internal server error"))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ScrapegateError, _on_scrapegate_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    # Handlers of specific classes answer and keep the connection; the catch-all for Exception
    # runs in Starlette's outermost middleware, which re-raises and so drops the connection.
    app.add_exception_handler(ClientDisconnect, _on_client_gone)
    for outage in DEPENDENCY_DOWN:
        app.add_exception_handler(outage, _on_dependency_down)
    app.add_exception_handler(Exception, _on_unexpected)
