"""Agent routes of the support module: move tickets on and
manage categories. Server admins only."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import SupportDep, admin_access
from scrapegate.api.support import support_enabled
from scrapegate.api.support_models import AdminCategoryBody, AdminCategoryListBody, TicketBody
from scrapegate.api.support_request_models import (
    AgentUpdateRequestBody,
    CategoryChangeRequestBody,
    CategoryRequestBody,
)
from scrapegate.domain.support_records import SupportCategory
from scrapegate.platform.support.fields import parse_agent_update
from scrapegate.platform.support.views import CategoryList, TicketView

router = APIRouter(
    prefix="/api/v1/admin/support",
    tags=["support"],
    dependencies=[Depends(support_enabled), Depends(admin_access)],
)


@router.patch(
    "/tickets/{ticket_id}",
    summary="Set a ticket's status or priority",
    response_model=TicketBody,
    openapi_extra={"requestBody": json_body(AgentUpdateRequestBody)},
)
async def update_ticket(ticket_id: str, request: Request, support: SupportDep) -> TicketView:
    update = parse_agent_update(await read_json(request))
    return await support.tickets.agent_update(ticket_id, update)


@router.get(
    "/categories",
    summary="Every category, inactive ones too",
    response_model=AdminCategoryListBody,
)
async def all_categories(support: SupportDep) -> CategoryList:
    return await support.categories.all()


@router.post(
    "/categories",
    summary="Add a category",
    status_code=201,
    response_model=AdminCategoryBody,
    openapi_extra={"requestBody": json_body(CategoryRequestBody)},
)
async def add_category(request: Request, support: SupportDep) -> SupportCategory:
    return await support.categories.create(await read_json(request))


@router.patch(
    "/categories/{category_id}",
    summary="Change a category",
    response_model=AdminCategoryBody,
    openapi_extra={"requestBody": json_body(CategoryChangeRequestBody)},
)
async def change_category(
    category_id: str, request: Request, support: SupportDep
) -> SupportCategory:
    return await support.categories.update(category_id, await read_json(request))
