"""Response bodies of the site-report routes (api/reports.py).

The lists and objects of a report are stored JSON, free-form for submitted reports.
"""

from __future__ import annotations

from typing import Any

from scrapegate.api.wire import WireModel, WireTime


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
