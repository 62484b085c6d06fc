"""Firecrawl's error envelope for the core error tree, and the route class that applies it.

The AlterLab handlers in ``api/errors.py`` stay as they are for every other path: Firecrawl
routes use ``FirecrawlRoute``, whose handler catches errors raised by the route *and* by its
dependencies (authentication, rate limits) and renders them as Firecrawl renders its own.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Any, Literal

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.requests import ClientDisconnect

from scrapegate.api.errors import DEPENDENCY_DOWN, status_for
from scrapegate.domain.tiers import Tier
from scrapegate.errors import (
    InternalError,
    InvalidRequest,
    RateLimited,
    ScrapegateError,
    ServiceUnavailable,
)

log = logging.getLogger(__name__)

Operation = Literal["scrape", "map"]
NOT_SUPPORTED_TEXT = "This endpoint is not supported by this server"
# FeatureUnavailable names this layer's own unsupported parts ("firecrawl") or a core feature.
FEATURE_CODES: dict[str, str] = {
    "actions": "SCRAPE_ACTIONS_NOT_SUPPORTED",
    "browser": "SCRAPE_ACTIONS_NOT_SUPPORTED",
    "browser.evaluate": "SCRAPE_ACTIONS_NOT_SUPPORTED",
    "screenshot": "SCRAPE_SCREENSHOT_NOT_SUPPORTED",
    "geo_targeting": "SCRAPE_LOCATION_NOT_SUPPORTED",
    "ocr": "SCRAPE_OCR_NOT_SUPPORTED",
    "pdf": "SCRAPE_UNSUPPORTED_FILE_ERROR",
}
ROUTE_FEATURES: dict[str, tuple[str, str]] = {
    "firecrawl": ("", "NOT_SUPPORTED"),  # the detail is the message
    "search": ("Search is not configured on this server", "SEARCH_NOT_CONFIGURED"),
}
FIXED_TEXTS: dict[str, tuple[str, str | None]] = {
    "LLM_KEY_MISSING": ("No LLM is configured for this request.", "LLM_NOT_CONFIGURED"),
    "UNAUTHORIZED": ("Unauthorized: Invalid token", "UNAUTHORIZED"),
    "INSUFFICIENT_BALANCE": (
        "Insufficient credits to perform this request.",
        "INSUFFICIENT_CREDITS",
    ),
    "SPEND_LIMIT_EXCEEDED": (
        "Spend limit reached for this API key or team.",
        "SPEND_LIMIT_EXCEEDED",
    ),
    "URL_NOT_ALLOWED": ("This website is not allowed on this server.", "URL_NOT_ALLOWED"),
    "ROBOTS_DISALLOWED": ("URL blocked by robots.txt", "ROBOTS_DISALLOWED"),
    "NOT_FOUND": ("Job not found", None),
    "JOB_EXPIRED": ("Job expired", None),
    "PAYLOAD_TOO_LARGE": ("Request body too large", None),
    "SERVICE_UNAVAILABLE": ("Service unavailable", None),
}
# Firecrawl's statuses where ours differ; 502 never: the official client re-sends on 502.
STATUS_OVERRIDES: dict[str, int] = {
    "SPEND_LIMIT_EXCEEDED": 402,
    "BLOCKED_BY_ANTIBOT": 500,
    "CHALLENGE_DETECTED": 500,
    "ALL_TIERS_FAILED": 500,
    "UPSTREAM_ERROR": 500,
    "TIMEOUT": 408,
}
UPSTREAM_CODES: dict[str, tuple[str, str]] = {
    "dns_error": ("Could not resolve the target host", "SCRAPE_DNS_RESOLUTION_ERROR"),
    "tls_error": ("TLS handshake failed", "SCRAPE_SSL_ERROR"),
}


class FirecrawlError:
    """One rendered error: status, the envelope's fields and any extra headers."""

    def __init__(
        self, status: int, text: str, code: str | None, details: Any = None, retry_after: int = 0
    ) -> None:
        self.status, self.text, self.code, self.details = status, text, code, details
        self.retry_after = retry_after

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"success": False, "error": self.text}
        if self.code is not None:
            body["code"] = self.code
        if self.details is not None:
            body["details"] = self.details
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after else None
        return JSONResponse(body, status_code=self.status, headers=headers)


def not_supported() -> JSONResponse:
    return FirecrawlError(501, NOT_SUPPORTED_TEXT, "NOT_SUPPORTED").response()


def validation_details(error: ScrapegateError) -> list[dict[str, Any]]:
    """The zod-like issue list: the core's dotted field becomes a path (indices as numbers)."""
    field = (error.details or {}).get("field")
    parts = str(field).split(".") if field else []
    path: list[str | int] = [int(p) if p.isdigit() else p for p in parts]
    return [{"code": "custom", "path": path, "message": error.detail}]


def firecrawl_error(
    error: ScrapegateError, operation: Operation, request_id: str | None = None
) -> FirecrawlError:
    code = error.code
    status = STATUS_OVERRIDES.get(code, status_for(error))
    if code in ("INVALID_REQUEST", "INVALID_URL"):
        return FirecrawlError(400, "Bad Request", None, validation_details(error))
    if code == "FEATURE_UNAVAILABLE":
        return _feature_error(error)
    if code in FIXED_TEXTS:
        text, fixed_code = FIXED_TEXTS[code]
        return FirecrawlError(status, text, fixed_code, retry_after=_retry_after(error))
    if isinstance(error, RateLimited):
        return _rate_error(error)
    if code == "TIMEOUT":
        upper = operation.upper()
        return FirecrawlError(408, f"{operation.capitalize()} timed out", f"{upper}_TIMEOUT")
    if code in ("BLOCKED_BY_ANTIBOT", "CHALLENGE_DETECTED", "ALL_TIERS_FAILED"):
        return FirecrawlError(
            500, _engines_text(error), f"SCRAPE_{_scrape_code(code)}", _attempts(error)
        )
    if code == "UPSTREAM_ERROR":
        return _upstream_error(error)
    if code == "UNSUPPORTED_CONTENT_TYPE":
        kind = (error.details or {}).get("content_type") or "unknown"
        return FirecrawlError(
            415, f"Unsupported file type: {kind}", "SCRAPE_UNSUPPORTED_FILE_ERROR"
        )
    if code == "INTERNAL_ERROR":
        suffix = f" Request id: {request_id}" if request_id else ""
        return FirecrawlError(500, f"An unexpected error occurred.{suffix}", "INTERNAL_ERROR")
    return FirecrawlError(status, error.detail, code)


def _retry_after(error: ScrapegateError) -> int:
    return 5 if isinstance(error, ServiceUnavailable) else 0


def _feature_error(error: ScrapegateError) -> FirecrawlError:
    feature = str((error.details or {}).get("feature", ""))
    if feature in ROUTE_FEATURES:
        text, code = ROUTE_FEATURES[feature]
        return FirecrawlError(501, text or error.detail, code)
    return FirecrawlError(400, error.detail, FEATURE_CODES.get(feature, "NOT_SUPPORTED"))


def _rate_error(error: RateLimited) -> FirecrawlError:
    wait = max(int(error.retry_after), 1)
    consumed = (error.details or {}).get("limit", "?")
    text = (
        f"Rate limit exceeded. Consumed (req/min): {consumed}, Remaining (req/min): 0. "
        f"Please retry after {wait}s."
    )
    code = "CONCURRENCY_LIMIT_EXCEEDED" if error.code == "CONCURRENCY_LIMITED" else None
    return FirecrawlError(429, text, code or "RATE_LIMIT_EXCEEDED", retry_after=wait)


def _scrape_code(code: str) -> str:
    return "ALL_ENGINES_FAILED" if code == "ALL_TIERS_FAILED" else code


def _last_attempt(error: ScrapegateError) -> dict[str, Any]:
    attempts = (error.details or {}).get("attempts") or [{}]
    last = attempts[-1]
    return last if isinstance(last, dict) else {}


def _engines_text(error: ScrapegateError) -> str:
    cause = str(_last_attempt(error).get("error") or error.detail)
    code, _, rest = cause.partition(": ")
    if rest and code.isupper():  # an attempt's error starts with its core code
        cause = rest
    if error.code == "BLOCKED_BY_ANTIBOT":
        cause = f"blocked by anti-bot protection ({cause})"
    elif error.code == "CHALLENGE_DETECTED":
        cause = f"challenge could not be passed ({cause})"
    return f"All scraping engines failed! -- {cause}"


def _engine_name(tier: object) -> str:
    try:
        return f"tier{tier}-{Tier(str(tier)).label}"
    except ValueError:
        return str(tier)


def _attempts(error: ScrapegateError) -> dict[str, Any]:
    details = error.details or {}
    attempts = [
        {
            "engine": _engine_name(a.get("tier")),
            "error": a.get("error"),
            "httpStatus": a.get("http_status"),
            "durationMs": a.get("duration_ms"),
        }
        for a in details.get("attempts") or []
        if isinstance(a, dict)
    ]
    return {"attempts": attempts, "stoppedBy": details.get("stopped_by")}


def _upstream_error(error: ScrapegateError) -> FirecrawlError:
    cause = str((error.details or {}).get("cause", ""))
    text, code = UPSTREAM_CODES.get(cause, (error.detail, "SCRAPE_SITE_ERROR"))
    return FirecrawlError(500, text, code, _attempts(error))


def request_id_of(request: Request) -> str | None:
    raw = request.headers.get("x-request-id")
    try:
        return str(uuid.UUID(raw)) if raw else None
    except ValueError:
        return None


def operation_of(path: str) -> Operation:
    return "map" if path.rstrip("/").endswith("/map") else "scrape"


class FirecrawlRoute(APIRoute):
    """An APIRoute whose errors, from dependencies too, leave in Firecrawl's envelope."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        operation = operation_of(self.path)

        async def firecrawl_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except ClientDisconnect:
                raise
            except Exception as exc:  # every failure gets the envelope
                error = as_scrapegate_error(request, exc)
                request.state.error_code = error.code
                return firecrawl_error(error, operation, request_id_of(request)).response()

        return firecrawl_handler


def as_scrapegate_error(request: Request, exc: Exception) -> ScrapegateError:
    if isinstance(exc, ScrapegateError):
        return exc
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        return InvalidRequest(str(first.get("msg", "invalid value")), ".".join(loc) or None)
    if isinstance(exc, DEPENDENCY_DOWN):
        log.warning("dependency unavailable on %s %s: %r", request.method, request.url.path, exc)
        return ServiceUnavailable("A backing service is unavailable; retry shortly.")
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return InternalError("Internal server error")


def reason_phrase(status: int) -> str | None:
    """The target's HTTP error as Firecrawl reports it in ``metadata.error``."""
    if status < 400:
        return None
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"
