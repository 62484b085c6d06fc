"""Core errors rendered in Firecrawl's envelope, with Firecrawl's statuses and codes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scrapegate.api.firecrawl.errors import firecrawl_error
from scrapegate.errors import (
    BlockedByAntibot,
    FeatureUnavailable,
    InternalError,
    InvalidRequest,
    JobExpired,
    NotFound,
    RateLimited,
    ScrapegateError,
    SpendLimitExceeded,
    Timeout,
    Unauthorized,
    UpstreamError,
)


def rendered(error: ScrapegateError, operation: Any = "scrape") -> tuple[int, dict[str, Any]]:
    response = firecrawl_error(error, operation, "0d4a5b6c-7e8f-4f7b-9c3e-6b1f0c5e2a8d").response()
    return response.status_code, json.loads(bytes(response.body))


def test_validation_errors_list_the_path() -> None:
    status, body = rendered(InvalidRequest("wrong selector", "advanced.actions.3.selector"))
    assert status == 400
    assert body == {
        "success": False,
        "error": "Bad Request",
        "details": [
            {
                "code": "custom",
                "path": ["advanced", "actions", 3, "selector"],
                "message": "wrong selector",
            }
        ],
    }


@pytest.mark.parametrize(
    ("error", "status", "text", "code"),
    [
        (Unauthorized("no key"), 401, "Unauthorized: Invalid token", "UNAUTHORIZED"),
        (
            SpendLimitExceeded("limit"),
            402,
            "Spend limit reached for this API key or team.",
            "SPEND_LIMIT_EXCEEDED",
        ),
        (NotFound("x"), 404, "Job not found", None),
        (JobExpired("x"), 404, "Job expired", None),
        (FeatureUnavailable("No cloud agent", "firecrawl"), 501, "No cloud agent", "NOT_SUPPORTED"),
        (FeatureUnavailable("Geo", "geo_targeting"), 400, "Geo", "SCRAPE_LOCATION_NOT_SUPPORTED"),
        (
            FeatureUnavailable("No search", "search"),
            501,
            "Search is not configured on this server",
            "SEARCH_NOT_CONFIGURED",
        ),
        (
            UpstreamError("no DNS", "dns_error"),
            500,
            "Could not resolve the target host",
            "SCRAPE_DNS_RESOLUTION_ERROR",
        ),
        (UpstreamError("refused", "connection_refused"), 500, "refused", "SCRAPE_SITE_ERROR"),
        (
            InternalError("boom"),
            500,
            "An unexpected error occurred. Request id: 0d4a5b6c-7e8f-4f7b-9c3e-6b1f0c5e2a8d",
            "INTERNAL_ERROR",
        ),
    ],
)
def test_core_codes_map_to_firecrawl(
    error: ScrapegateError, status: int, text: str, code: str | None
) -> None:
    got_status, body = rendered(error)
    assert got_status == status and body["error"] == text and body.get("code") == code
    assert body["success"] is False


def test_timeouts_are_408_never_504() -> None:
    assert rendered(Timeout("late"))[1]["code"] == "SCRAPE_TIMEOUT"
    status, body = rendered(Timeout("late"), "map")
    assert status == 408 and body == {
        "success": False,
        "error": "Map timed out",
        "code": "MAP_TIMEOUT",
    }


def test_rate_limits_carry_retry_after() -> None:
    response = firecrawl_error(RateLimited("slow", 7, {"limit": 60}), "scrape").response()
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    body = json.loads(bytes(response.body))
    assert body["code"] == "RATE_LIMIT_EXCEEDED"
    assert body["error"].startswith("Rate limit exceeded. Consumed (req/min): 60")


def test_engine_failures_show_their_attempts() -> None:
    attempt = {
        "tier": "3",
        "engine": "curl_cffi",
        "outcome": "block",
        "http_status": 403,
        "error": 'BLOCKED_BY_ANTIBOT: Block page: "access denied" (HTTP 403)',
        "duration_ms": 1533,
    }
    error = BlockedByAntibot("blocked", {"attempts": [attempt], "stopped_by": "max_tier"})
    status, body = rendered(error)
    assert status == 500 and body["code"] == "SCRAPE_BLOCKED_BY_ANTIBOT"
    assert body["error"] == (
        "All scraping engines failed! -- blocked by anti-bot protection "
        '(Block page: "access denied" (HTTP 403))'
    )
    assert body["details"] == {
        "attempts": [
            {
                "engine": "tier3-stealth",
                "error": attempt["error"],
                "httpStatus": 403,
                "durationMs": 1533,
            }
        ],
        "stoppedBy": "max_tier",
    }
