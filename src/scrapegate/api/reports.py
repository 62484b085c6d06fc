"""Site-analysis reports: submit (#41), read (#42), analyse (extended)."""

from __future__ import annotations

import logging
import uuid
from typing import NotRequired, TypedDict

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from scrapegate.api.auth import client_ip
from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import (
    EngineDep,
    RateLimiterDep,
    ScrapeServiceDep,
    SettingsDep,
    StorageDep,
    ValidationDep,
    WritePrincipal,
)
from scrapegate.api.modules import module_switch
from scrapegate.api.report_models import (
    AnalyzeRequestBody,
    ReportBody,
    ReportCreatedBody,
    SubmittedReportBody,
)
from scrapegate.domain.json_types import JsonValue
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import Report
from scrapegate.domain.scrape_request import ScrapeRequest, parse_scrape_request
from scrapegate.domain.tiers import Tier
from scrapegate.engine.engine import ScrapeEngine
from scrapegate.engine.robots import fetch_robots
from scrapegate.engine.site_report import (
    ScrapeEvidence,
    analyze,
    evidence_from_failure,
    evidence_from_result,
    server_report,
)
from scrapegate.engine.site_submission import MAX_BODY_BYTES, parse_submitted_report
from scrapegate.errors import (
    AllTiersFailed,
    BlockedByAntibot,
    ChallengeDetected,
    InvalidRequest,
    NotFound,
    RateLimited,
    ScrapegateError,
    Timeout,
    error_from_code,
)
from scrapegate.jobs.scrape_service import ScrapeService

log = logging.getLogger(__name__)
router = APIRouter(
    prefix="/api/v1", tags=["reports"], dependencies=[Depends(module_switch("reports"))]
)

SUBMISSIONS_PER_MINUTE = 10
ANALYSIS_TIMEOUT_S = 90  # the scrape's own timeout; escalation to the browser tier fits in it
# Failures that still describe the site: the anti-bot wall is the finding.
_DESCRIPTIVE_FAILURES = (ChallengeDetected, BlockedByAntibot, AllTiersFailed)


# JSONResponse renders the free-form parts' numbers as before (Python's float repr).
@router.post(
    "/reports",
    summary="Submit a site report",
    status_code=201,
    response_model=ReportCreatedBody,
    response_class=JSONResponse,
    openapi_extra={"requestBody": json_body(SubmittedReportBody)},
)
async def submit_report(
    request: Request, limiter: RateLimiterDep, storage: StorageDep, settings: SettingsDep
) -> ReportCreatedBody:
    decision = await limiter.hit(f"ip:{client_ip(request)}:reports", SUBMISSIONS_PER_MINUTE, 1)
    if not decision.allowed:
        raise RateLimited(
            "Too many reports from this address; slow down.",
            decision.retry_after,
            {"retry_after": decision.retry_after, "limit": decision.limit},
        )
    report = parse_submitted_report(await read_json(request, MAX_BODY_BYTES))
    await storage.reports.create(report)
    page = f"{settings.public_base_url.rstrip('/')}/reports/{report.id}"
    return ReportCreatedBody(id=report.id, url=page, created_at=report.created_at)


@router.get(
    "/reports/{report_id}",
    summary="Read a site report",
    response_model=ReportBody,
    response_class=JSONResponse,
)
async def get_report(report_id: str, storage: StorageDep) -> Report:
    try:
        uuid.UUID(report_id)
    except ValueError:
        raise NotFound("Report not found") from None
    report = await storage.reports.get(report_id)
    if report is None:
        raise NotFound("Report not found")
    return report


class AnalysisScrape(TypedDict):
    """The scrape an analysis runs, as a ``POST /scrape`` body for the scrape rules."""

    url: JsonValue  # the client's, checked by the scrape rules
    include_raw_html: bool
    sync: bool
    timeout: int
    sync_wait_seconds: int
    advanced: NotRequired[JsonValue]


def _analysis_scrape(body: JsonValue) -> AnalysisScrape:
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    scrape = AnalysisScrape(
        url=body.get("url"),
        include_raw_html=True,
        sync=True,
        timeout=ANALYSIS_TIMEOUT_S,
        sync_wait_seconds=ANALYSIS_TIMEOUT_S,
    )
    if body.get("advanced") is not None:
        scrape["advanced"] = body["advanced"]
    return scrape


async def _finished_evidence(scrapes: ScrapeService, who: Principal, job_id: str) -> ScrapeEvidence:
    """A scrape that outlived the sync budget: wait for it like a poller would."""
    job = await scrapes.job_for(who.org_id, job_id)
    finished = await scrapes.wait(job, ANALYSIS_TIMEOUT_S)
    if not finished.terminal:
        raise Timeout("The analysis scrape did not finish in time.", {"job_id": job_id})
    if finished.status == "failed" or finished.result is None:
        code = finished.error_code or "INTERNAL_ERROR"
        raise error_from_code(code, finished.error or "Job failed", finished.error_details)
    return evidence_from_result(finished.result)


async def _scrape_evidence(
    scrapes: ScrapeService, who: Principal, req: ScrapeRequest
) -> ScrapeEvidence:
    try:
        answer = await scrapes.scrape(who, req, "site-report")
        if answer.result is None and answer.accepted is not None:
            return await _finished_evidence(scrapes, who, answer.accepted.job_id)
    except _DESCRIPTIVE_FAILURES as exc:
        return evidence_from_failure(req.url, exc.details)
    if answer.result is None:
        raise Timeout("The analysis scrape gave no result.")
    return evidence_from_result(answer.result)


async def _robots_allows(engine: ScrapeEngine, url: str) -> bool | None:
    fetcher = engine.fetchers.get(Tier.CURL)
    if fetcher is None:
        return None
    try:
        rules = await fetch_robots(fetcher, url, engine.policy)
    except ScrapegateError:
        return None
    return rules.allowed(url)


@router.post(
    "/reports/analyze",
    summary="Analyse a URL and store the report",
    status_code=201,
    response_model=ReportBody,
    response_class=JSONResponse,
    openapi_extra={"requestBody": json_body(AnalyzeRequestBody)},
)
async def analyze_url(
    request: Request,
    who: WritePrincipal,
    scrapes: ScrapeServiceDep,
    validation: ValidationDep,
    engine: EngineDep,
    storage: StorageDep,
) -> Report:
    req = parse_scrape_request(_analysis_scrape(await read_json(request)), validation)
    evidence = await _scrape_evidence(scrapes, who, req)
    fields = analyze(
        evidence,
        robots_allows=await _robots_allows(engine, req.url),
        prices=engine.prices,
        captcha_solver=Tier.CAPTCHA in engine.fetchers,
    )
    report = server_report(fields, who.org_id)
    await storage.reports.create(report)
    log.info("site report %s for %s: score %s", report.id, report.domain, report.score)
    return report
