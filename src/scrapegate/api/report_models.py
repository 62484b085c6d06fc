"""Request and response bodies of the site-report routes (api/reports.py).

The lists and objects of a report are stored JSON, free-form for submitted reports.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from scrapegate.api.body_docs import RequestModel
from scrapegate.api.scrape_request_models import AdvancedBody
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.engine.site_submission import (
    LIST_LIMITS,
    MAX_DOMAIN_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
)

FreeObjects = list[dict[str, Any]]


class ReportCreatedBody(WireModel):
    id: str
    url: str  # the report's public page
    created_at: WireTime


class ReportBody(WireModel):
    id: str
    source: str
    domain: str
    url: str
    title: str | None
    score: int
    grade: str
    created_at: WireTime
    signals: list[dict[str, Any]]
    anti_bot_stack: list[dict[str, Any]]
    tech_stack: dict[str, Any]
    pagination: dict[str, Any]
    api_endpoints: list[dict[str, Any]]
    meta: dict[str, Any]
    cookie_count: int
    has_login_wall: bool
    has_cookie_gate: bool
    estimated_credits: dict[str, Any]


class SubmittedReportBody(RequestModel):
    """``POST /api/v1/reports``: a report a client made; checked for shape and limits only."""

    domain: str = Field(max_length=MAX_DOMAIN_CHARS, description="the URL's host")
    url: str = Field(max_length=MAX_URL_CHARS, description="an absolute http(s) URL")
    score: int = Field(ge=0, le=100)
    title: str | None = Field(None, max_length=MAX_TITLE_CHARS)
    signals: FreeObjects | None = Field(None, max_length=LIST_LIMITS["signals"])
    anti_bot_stack: FreeObjects | None = Field(None, max_length=LIST_LIMITS["anti_bot_stack"])
    tech_stack: dict[str, Any] | None = None
    pagination: dict[str, Any] | None = None
    api_endpoints: FreeObjects | None = Field(None, max_length=LIST_LIMITS["api_endpoints"])
    meta: dict[str, Any] | None = None
    cookie_count: int = Field(0, ge=0)
    has_login_wall: bool = False
    has_cookie_gate: bool = False
    estimated_credits: dict[str, Any] | None = None


class AnalyzeRequestBody(RequestModel):
    """``POST /api/v1/reports/analyze``: the URL to scrape and analyse."""

    url: str
    advanced: AdvancedBody | None = Field(None, description="options of the analysis scrape")
