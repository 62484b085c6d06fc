"""Support tickets and replies; files are in support_files."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from scrapegate.api.auth import client_ip
from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import ReadPrincipal, SupportDep, SupportLinksDep, WritePrincipal
from scrapegate.api.modules import module_switch
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.api.support_models import (
    CategoryListBody,
    ContactReceiptBody,
    MuteBody,
    ReplyBody,
    ReplyPageBody,
    TicketBody,
    TicketDetailBody,
    TicketErasedBody,
    TicketPageBody,
)
from scrapegate.api.support_request_models import (
    ContactRequestBody,
    MuteRequestBody,
    NewTicketRequestBody,
    ReplyRequestBody,
    SatisfactionRequestBody,
)
from scrapegate.domain.principal import Principal
from scrapegate.platform.support.access import SupportActor
from scrapegate.platform.support.fields import (
    page_params,
    parse_contact_form,
    parse_mute,
    parse_new_ticket,
    parse_reply,
    parse_satisfaction,
)
from scrapegate.platform.support.tickets import TicketFilters
from scrapegate.platform.support.views import (
    CategoryList,
    ContactReceipt,
    MuteChange,
    TicketErased,
    TicketPage,
    TicketView,
)

MAX_TICKET_PAGE = 100
MAX_REPLY_PAGE = 200


support_enabled = module_switch("support")


router = APIRouter(prefix="/api/v1", tags=["support"], dependencies=[Depends(support_enabled)])


def actor_of(who: Principal) -> SupportActor:
    return SupportActor(user_id=who.user_id, org_id=who.org_id, is_admin=who.is_admin)


@router.get(
    "/support/categories",
    summary="Active ticket categories",
    response_model=CategoryListBody,
    dependencies=[Depends(per_ip_public_access("support-categories"))],
)
async def list_categories(support: SupportDep) -> CategoryList:
    return await support.categories.public()


@router.post(
    "/support/tickets",
    summary="Open a ticket",
    status_code=201,
    response_model=TicketBody,
    openapi_extra={"requestBody": json_body(NewTicketRequestBody)},
)
async def create_ticket(request: Request, who: WritePrincipal, support: SupportDep) -> JSONResponse:
    new = parse_new_ticket(await read_json(request))
    ticket = await support.intake.create(actor_of(who), new)
    # json.dumps, as this route always did: metadata floats keep Python's spelling (1e-07).
    body = TicketBody.model_validate(ticket).model_dump(mode="json")
    return JSONResponse(body, status_code=201)


@router.get(
    "/support/tickets", summary="The caller's tickets (agents: all)", response_model=TicketPageBody
)
async def list_tickets(
    who: ReadPrincipal,
    support: SupportDep,
    status: str | None = Query(None),
    priority: str | None = Query(None),
    category: str | None = Query(None),
    search: str | None = Query(None),
    page: int = Query(1),
    page_size: int = Query(20),
) -> TicketPage:
    page, page_size = page_params(page, page_size, MAX_TICKET_PAGE)
    filters = TicketFilters(status, priority, category, search)
    return await support.tickets.page(actor_of(who), filters, page, page_size)


@router.post(
    "/support/tickets/public",
    summary="The public contact form",
    status_code=202,
    response_model=ContactReceiptBody,
    dependencies=[Depends(per_ip_public_access("support-contact"))],
    openapi_extra={"requestBody": json_body(ContactRequestBody)},
)
async def contact_form(request: Request, support: SupportDep) -> ContactReceipt:
    form = parse_contact_form(await read_json(request))
    return await support.intake.contact(form, client_ip(request))


@router.get(
    "/support/tickets/{ticket_id}",
    summary="A ticket with its latest replies",
    response_model=TicketDetailBody,
)
async def get_ticket(
    ticket_id: str, who: ReadPrincipal, support: SupportDep, links: SupportLinksDep
) -> TicketDetailBody:
    detail = await support.tickets.detail(actor_of(who), ticket_id)
    return TicketDetailBody.model_validate(detail, context=links)


@router.post(
    "/support/tickets/{ticket_id}/close", summary="Close a ticket", response_model=TicketBody
)
async def close_ticket(ticket_id: str, who: WritePrincipal, support: SupportDep) -> TicketView:
    return await support.tickets.close(actor_of(who), ticket_id)


@router.delete(
    "/support/tickets/{ticket_id}/gdpr",
    summary="Erase a ticket for good",
    response_model=TicketErasedBody,
)
async def erase_ticket(ticket_id: str, who: WritePrincipal, support: SupportDep) -> TicketErased:
    return await support.tickets.erase(actor_of(who), ticket_id)


@router.patch(
    "/support/tickets/{ticket_id}/mute",
    summary="Mute or unmute notifications",
    response_model=MuteBody,
    openapi_extra={"requestBody": json_body(MuteRequestBody)},
)
async def mute_ticket(
    ticket_id: str, request: Request, who: WritePrincipal, support: SupportDep
) -> MuteChange:
    muted = parse_mute(await read_json(request))
    return await support.tickets.mute(actor_of(who), ticket_id, muted)


@router.post(
    "/support/tickets/{ticket_id}/reopen",
    summary="Reopen a finished ticket",
    response_model=TicketBody,
)
async def reopen_ticket(ticket_id: str, who: WritePrincipal, support: SupportDep) -> TicketView:
    return await support.tickets.reopen(actor_of(who), ticket_id)


@router.post(
    "/support/tickets/{ticket_id}/replies",
    summary="Reply to a ticket",
    status_code=201,
    response_model=ReplyBody,
    openapi_extra={"requestBody": json_body(ReplyRequestBody)},
)
async def add_reply(
    ticket_id: str,
    request: Request,
    who: WritePrincipal,
    support: SupportDep,
    links: SupportLinksDep,
) -> ReplyBody:
    new = parse_reply(await read_json(request))
    reply = await support.replies.add(actor_of(who), ticket_id, new)
    return ReplyBody.model_validate(reply, context=links)


@router.get(
    "/support/tickets/{ticket_id}/replies",
    summary="The conversation, oldest first",
    response_model=ReplyPageBody,
)
async def list_replies(
    ticket_id: str,
    who: ReadPrincipal,
    support: SupportDep,
    links: SupportLinksDep,
    page: int = Query(1),
    page_size: int = Query(50),
) -> ReplyPageBody:
    page, page_size = page_params(page, page_size, MAX_REPLY_PAGE)
    found = await support.replies.page(actor_of(who), ticket_id, page, page_size)
    return ReplyPageBody.model_validate(found, context=links)


@router.post(
    "/support/tickets/{ticket_id}/satisfaction",
    summary="Rate the support received",
    response_model=TicketBody,
    openapi_extra={"requestBody": json_body(SatisfactionRequestBody)},
)
async def rate_ticket(
    ticket_id: str, request: Request, who: WritePrincipal, support: SupportDep
) -> TicketView:
    rating, comment = parse_satisfaction(await read_json(request))
    return await support.tickets.rate(actor_of(who), ticket_id, rating, comment)
