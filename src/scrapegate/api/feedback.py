"""Scrape feedback: #30 submit, and an extended read of one feedback with its re-check outcome.

``GET /api/v1/feedback/scrape/{feedback_id}`` (key, owner) answers the stored feedback:
``{"feedback_id", "job_id", "issue_type", "description", "expected_content", "url",
"analysis_queued", "analysis_status": "not_queued"|"queued"|"running"|"completed"|"failed",
"analysis": {...}|null, "support_ticket_id", "support_ticket_ref", "created_at", "analyzed_at"}``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import FeedbackDep, ReadPrincipal, WritePrincipal
from scrapegate.api.feedback_models import FeedbackBody, FeedbackReceiptBody, FeedbackRequestBody
from scrapegate.api.params import resource_id
from scrapegate.domain.feedback_records import ScrapeFeedback
from scrapegate.platform.feedback import FeedbackReceipt

router = APIRouter(prefix="/api/v1/feedback", tags=["feedback"])


@router.post(
    "/scrape",
    status_code=201,
    summary="Report a problem with a scrape job",
    response_model=FeedbackReceiptBody,
    openapi_extra={"requestBody": json_body(FeedbackRequestBody)},
)
async def submit_scrape_feedback(
    request: Request, who: WritePrincipal, feedback: FeedbackDep
) -> FeedbackReceipt:
    body = await read_json(request)
    return await feedback.submit(body, user_id=who.user_id, org_id=who.org_id)


@router.get(
    "/scrape/{feedback_id}",
    summary="A feedback and its diagnostic re-check",
    response_model=FeedbackBody,
    response_class=JSONResponse,  # the stored analysis' numbers rendered as before (float repr)
)
async def read_scrape_feedback(
    feedback_id: str, who: ReadPrincipal, feedback: FeedbackDep
) -> ScrapeFeedback:
    return await feedback.view(resource_id(feedback_id, "Feedback"), who.org_id)
