"""Agent routes of the support module (platform-api A.12, extended): move tickets on and
manage categories. Server admins only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from scrapegate.api.auth import require
from scrapegate.api.body import read_json
from scrapegate.api.support import support_enabled, support_of
from scrapegate.platform.support.fields import parse_agent_update

router = APIRouter(
    prefix="/api/v1/admin/support",
    tags=["support"],
    dependencies=[Depends(support_enabled), Depends(require("admin"))],
)


@router.patch("/tickets/{ticket_id}", summary="Set a ticket's status or priority")
async def update_ticket(ticket_id: str, request: Request) -> dict[str, Any]:
    update = parse_agent_update(await read_json(request))
    return await support_of(request).tickets.agent_update(ticket_id, update)


@router.get("/categories", summary="Every category, inactive ones too")
async def all_categories(request: Request) -> dict[str, Any]:
    return await support_of(request).categories.all()


@router.post("/categories", summary="Add a category", status_code=201)
async def add_category(request: Request) -> JSONResponse:
    body = await support_of(request).categories.create(await read_json(request))
    return JSONResponse(body, status_code=201)


@router.patch("/categories/{category_id}", summary="Change a category")
async def change_category(category_id: str, request: Request) -> dict[str, Any]:
    return await support_of(request).categories.update(category_id, await read_json(request))
