"""POST /api/v1/extract, its estimate and usage routes, and extraction templates."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic_core import to_json

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import ExtractServiceDep, ReadPrincipal, ValidationDep, WritePrincipal
from scrapegate.api.extract_models import (
    ExtractEstimateResponse,
    ExtractionUsageResponse,
    ExtractionUsageSummaryResponse,
    ExtractRequestBody,
    ExtractResponse,
    TemplateBody,
    TemplateListResponse,
    TemplateResponse,
)
from scrapegate.domain.extract_request import parse_extract_request
from scrapegate.jobs.extract_templates import (
    TemplateList,
    TemplateView,
    parse_new_template,
)
from scrapegate.jobs.extract_usage import ExtractEstimate, UsagePage, UsageSummary, estimate

router = APIRouter(prefix="/api/v1", tags=["extract"])

EXTRACT_BODY_LIMIT = 10 * 1024 * 1024
TEMPLATES = "/extract/templates"


@router.post(
    "/extract",
    summary="Extract structured data from supplied content",
    response_class=JSONResponse,
    responses={200: {"model": ExtractResponse, "description": "The extraction"}},
    openapi_extra={"requestBody": json_body(ExtractRequestBody)},
)
async def extract(
    request: Request, who: WritePrincipal, extracts: ExtractServiceDep, validation: ValidationDep
) -> Response:
    req = parse_extract_request(await read_json(request, EXTRACT_BODY_LIMIT), validation)
    source = request.headers.get("x-alterlab-source") or request.headers.get("user-agent")
    document = await extracts.extract(who, req, source)
    # Sent as built: the formats are free-form documents a response model would only copy.
    return Response(to_json(document), media_type="application/json")


@router.get(
    "/extract/estimate",
    summary="Estimate the cost of an extract call",
    response_model=ExtractEstimateResponse,
)
async def estimate_extract(
    who: ReadPrincipal,
    extracts: ExtractServiceDep,
    content_length: int | None = None,
    has_extraction_prompt: bool = False,
) -> ExtractEstimate:
    return estimate(extracts.price, content_length, has_extraction_prompt)


@router.get(
    "/extract/usage",
    summary="Extraction history, newest first",
    response_model=ExtractionUsageResponse,
)
async def extraction_usage(
    who: ReadPrincipal,
    extracts: ExtractServiceDep,
    page: int = 1,
    page_size: int = 50,
    date_from: str | None = None,
    date_to: str | None = None,
) -> UsagePage:
    return await extracts.usage.history(who.org_id, page, page_size, date_from, date_to)


@router.get(
    "/extract/usage/summary",
    summary="Extraction totals over a period",
    response_model=ExtractionUsageSummaryResponse,
)
async def extraction_usage_summary(
    who: ReadPrincipal,
    extracts: ExtractServiceDep,
    hours: int | None = None,
    days: int | None = None,
) -> UsageSummary:
    return await extracts.usage.summary(who.org_id, hours, days)


@router.get(TEMPLATES, summary="Built-in and saved templates", response_model=TemplateListResponse)
async def list_templates(who: ReadPrincipal, extracts: ExtractServiceDep) -> TemplateList:
    return await extracts.templates.list_templates(who.org_id)


@router.post(
    TEMPLATES,
    summary="Save a template",
    status_code=201,
    response_model=TemplateResponse,
    openapi_extra={"requestBody": json_body(TemplateBody)},
)
async def save_template(
    request: Request, response: Response, who: WritePrincipal, extracts: ExtractServiceDep
) -> TemplateView:
    new = parse_new_template(await read_json(request))
    saved = await extracts.templates.create(who.org_id, new)
    response.headers["Location"] = f"/api/v1{TEMPLATES}/{saved.id}"
    return saved


@router.get(
    TEMPLATES + "/{template_id}",
    summary="A saved template (by id) or a built-in one (by slug)",
    response_model=TemplateResponse,
)
async def get_template(
    template_id: str, who: ReadPrincipal, extracts: ExtractServiceDep
) -> TemplateView:
    return await extracts.templates.get(who.org_id, template_id)


@router.delete(TEMPLATES + "/{template_id}", summary="Delete a saved template", status_code=204)
async def delete_template(
    template_id: str, who: WritePrincipal, extracts: ExtractServiceDep
) -> Response:
    await extracts.templates.delete(who.org_id, template_id)
    return Response(status_code=204)
