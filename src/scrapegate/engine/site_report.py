"""A server-computed site report from what one scrape observed: the
scrape response (or the error of a failed one), plus the robots.txt verdict."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypedDict
from urllib.parse import urlsplit

from scrapegate.domain.pricing import PriceTable
from scrapegate.domain.records import Report, new_id, utcnow
from scrapegate.engine.classify import looks_like_js_shell
from scrapegate.engine.site_pages import (
    ApiEndpoint,
    Pagination,
    detect_api_endpoints,
    detect_cookie_gate,
    detect_login_wall,
    detect_pagination,
    parse_page,
)
from scrapegate.engine.site_score import (
    BROWSER_TIERS,
    CreditEstimate,
    Signal,
    SiteFacts,
    estimated_credits,
    grade_for,
    recommended_tier,
    score_of,
    signals_for,
)
from scrapegate.engine.site_signals import (
    AntiBotEntry,
    AttemptView,
    PageView,
    detect_anti_bot,
    detect_tech_stack,
)
from scrapegate.storage.protocols import ReportRepository

REPORT_RETENTION = timedelta(days=180)
_HTTP_STATUS = re.compile(r"\(HTTP (\d{3})\)")
_ERROR_OUTCOMES = {
    "CHALLENGE_DETECTED": "challenge",
    "BLOCKED_BY_ANTIBOT": "block",
    "JS_SHELL": "js_shell",
    "RATE_LIMITED": "rate_limited",
    "UPSTREAM_UNAVAILABLE": "unavailable",
}


@dataclass(frozen=True)
class ScrapeEvidence:
    """Everything the analysis reads, whatever way the scrape ended."""

    page: PageView
    attempts: tuple[AttemptView, ...]
    tier_that_worked: str | None
    response_time_ms: int | None = None
    title: str | None = None


class AttemptSummary(TypedDict):
    tier: str
    outcome: str
    http_status: int | None


class ReportMeta(TypedDict):
    """A report's ``meta``: how the analysed scrape went, stored and sent as is."""

    status_code: int | None
    tier_that_worked: str | None
    js_required: bool
    robots_allows: bool | None
    response_time_ms: int | None
    attempts: list[AttemptSummary]


@dataclass(frozen=True)
class SiteAnalysis:
    """The analysed fields of a server report (all but id, source, org and creation time)."""

    domain: str
    url: str
    title: str | None
    score: int
    grade: str
    signals: list[Signal]
    anti_bot_stack: list[AntiBotEntry]
    tech_stack: dict[str, list[str]]
    pagination: Pagination
    api_endpoints: list[ApiEndpoint]
    meta: ReportMeta
    cookie_count: int
    has_login_wall: bool
    has_cookie_gate: bool
    estimated_credits: CreditEstimate


def _status_in(error: str | None) -> int | None:
    match = _HTTP_STATUS.search(error or "")
    return int(match.group(1)) if match else None


def _escalation_attempt(row: Mapping[str, Any], final_status: int | None) -> AttemptView:
    error = row.get("error")
    won = row.get("result") == "success"
    code = str(error).split(":", 1)[0] if error else ""
    return AttemptView(
        tier=str(row.get("tier")),
        outcome="success" if won else _ERROR_OUTCOMES.get(code, "failed"),
        http_status=final_status if won else _status_in(error),
        error=error,
        duration_ms=row.get("duration_ms"),
    )


def evidence_from_result(result: Mapping[str, Any]) -> ScrapeEvidence:
    """From a finished scrape response that asked for ``include_raw_html``."""
    billing = result.get("billing") or {}
    status = result.get("status_code")
    rows = [r for r in billing.get("escalations") or [] if r.get("result") != "skipped"]
    page = PageView(
        url=str(result.get("url")),
        final_url=str(result.get("final_url") or result.get("url")),
        status_code=status,
        headers=dict(result.get("headers") or {}),
        html=result.get("raw_html"),
        redirect_urls=tuple(h["url"] for h in result.get("redirect_chain") or []),
    )
    return ScrapeEvidence(
        page=page,
        attempts=tuple(_escalation_attempt(r, status) for r in rows),
        tier_that_worked=billing.get("tier_used"),
        response_time_ms=result.get("response_time_ms"),
        title=result.get("title"),
    )


def evidence_from_failure(url: str, details: Mapping[str, Any] | None) -> ScrapeEvidence:
    """From the ``details.attempts`` of a scrape that no tier could complete."""
    attempts = tuple(
        AttemptView(
            tier=str(a.get("tier")),
            outcome=str(a.get("outcome")),
            http_status=a.get("http_status"),
            error=a.get("error"),
            duration_ms=a.get("duration_ms"),
        )
        for a in (details or {}).get("attempts") or []
    )
    status = attempts[-1].http_status if attempts else None
    return ScrapeEvidence(PageView(url=url, final_url=url, status_code=status), attempts, None)


def _js_required(evidence: ScrapeEvidence) -> str | None:
    if evidence.tier_that_worked in BROWSER_TIERS:
        return f"content only usable at tier {evidence.tier_that_worked} (browser)"
    shell = next((a for a in evidence.attempts if a.outcome == "js_shell"), None)
    if shell is not None:
        return f"JavaScript shell at tier {shell.tier}"
    page = evidence.page
    if page.html and page.status_code and 200 <= page.status_code < 300:
        return "JavaScript shell" if looks_like_js_shell(page.html) else None
    return None


def _rate_limited(evidence: ScrapeEvidence) -> str | None:
    hit = next((a for a in evidence.attempts if a.http_status == 429), None)
    if hit is not None:
        return f"HTTP 429 at tier {hit.tier}"
    return "HTTP 429 on the final response" if evidence.page.status_code == 429 else None


def _facts(evidence: ScrapeEvidence, robots_allows: bool | None, root: Any) -> SiteFacts:
    page = evidence.page
    path = urlsplit(page.url).path or "/"
    return SiteFacts(
        vendors=detect_anti_bot(page, evidence.attempts),
        js_required=_js_required(evidence),
        login_wall=detect_login_wall(
            root, page.url, page.final_url, page.redirect_urls, page.status_code
        ),
        rate_limited=_rate_limited(evidence),
        robots_disallowed=f"robots.txt disallows {path}" if robots_allows is False else None,
        cookie_gate=detect_cookie_gate(root, page.html),
    )


def _meta(evidence: ScrapeEvidence, robots_allows: bool | None, js: bool) -> ReportMeta:
    return {
        "status_code": evidence.page.status_code,
        "tier_that_worked": evidence.tier_that_worked,
        "js_required": js,
        "robots_allows": robots_allows,
        "response_time_ms": evidence.response_time_ms,
        "attempts": [
            {"tier": a.tier, "outcome": a.outcome, "http_status": a.http_status}
            for a in evidence.attempts
        ],
    }


def analyze(
    evidence: ScrapeEvidence,
    *,
    robots_allows: bool | None,
    prices: PriceTable,
    captcha_solver: bool,
) -> SiteAnalysis:
    """The report's analysed fields (everything but id, source and created_at)."""
    page = evidence.page
    root = parse_page(page.html)
    endpoints = detect_api_endpoints(root, page.final_url)
    facts = _facts(evidence, robots_allows, root)
    signals = signals_for(facts)
    score = score_of(signals)
    grade = grade_for(score)
    tier = recommended_tier(grade, evidence.tier_that_worked, captcha_solver)
    return SiteAnalysis(
        domain=(urlsplit(page.url).hostname or "").lower(),
        url=page.url,
        title=evidence.title,
        score=score,
        grade=grade,
        signals=signals,
        anti_bot_stack=[v.as_json() for v in facts.vendors],
        tech_stack=detect_tech_stack(page.headers, page.html),
        pagination=detect_pagination(root, page.final_url, endpoints),
        api_endpoints=endpoints,
        meta=_meta(evidence, robots_allows, facts.js_required is not None),
        cookie_count=len(page.cookie_names),
        has_login_wall=facts.login_wall is not None,
        has_cookie_gate=facts.cookie_gate is not None,
        estimated_credits=estimated_credits(tier, prices),
    )


def server_report(analysis: SiteAnalysis, org_id: str) -> Report:
    # Report keeps its documents as plain dicts: submitted reports hold free-form JSON there.
    return Report(
        id=new_id(),
        source="server",
        domain=analysis.domain,
        url=analysis.url,
        score=analysis.score,
        grade=analysis.grade,
        title=analysis.title,
        signals=[dict(s) for s in analysis.signals],
        anti_bot_stack=[dict(v) for v in analysis.anti_bot_stack],
        tech_stack=dict(analysis.tech_stack),
        pagination=dict(analysis.pagination),
        api_endpoints=[dict(e) for e in analysis.api_endpoints],
        meta=dict(analysis.meta),
        cookie_count=analysis.cookie_count,
        has_login_wall=analysis.has_login_wall,
        has_cookie_gate=analysis.has_cookie_gate,
        estimated_credits=dict(analysis.estimated_credits),
        org_id=org_id,
        created_at=utcnow(),
    )


def report_purger(reports: ReportRepository) -> Callable[[datetime], Awaitable[int]]:
    """The worker pool's purge hook: reports are kept ``REPORT_RETENTION`` (180 days)."""

    async def purge(now: datetime) -> int:
        return await reports.purge(now - REPORT_RETENTION)

    return purge
