"""Admin registry of OAuth clients: list, register, delete."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.api.oauth_models import ClientListBody, RegisteredClientBody
from scrapegate.api.params import resource_id
from scrapegate.platform.oauth import ClientList, RegisteredClient

router = APIRouter(
    prefix="/api/v1/admin/oauth-clients",
    tags=["oauth"],
    dependencies=[Depends(require("admin"))],
)


@router.get(
    "",
    summary="Registered OAuth clients (secrets are never shown)",
    response_model=ClientListBody,
)
async def list_oauth_clients(request: Request) -> ClientList:
    return await services_of(request).oauth.list_clients()


@router.post(
    "",
    status_code=201,
    summary="Register an OAuth client; its secret is shown once",
    response_model=RegisteredClientBody,
)
async def register_oauth_client(request: Request) -> RegisteredClient:
    body = await read_json(request)
    return await services_of(request).oauth.register_client(body)


@router.delete("/{client_id}", status_code=204, summary="Delete an OAuth client")
async def delete_oauth_client(client_id: str, request: Request) -> Response:
    await services_of(request).oauth.delete_client(resource_id(client_id, "OAuth client"))
    return Response(status_code=204)
