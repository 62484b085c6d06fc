"""Admin registry of OAuth clients: list, register, delete."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import OAuthDep, admin_access
from scrapegate.api.oauth_models import ClientListBody, ClientRequestBody, RegisteredClientBody
from scrapegate.api.params import resource_id
from scrapegate.platform.oauth import ClientList, RegisteredClient

router = APIRouter(
    prefix="/api/v1/admin/oauth-clients",
    tags=["oauth"],
    dependencies=[Depends(admin_access)],
)


@router.get(
    "",
    summary="Registered OAuth clients (secrets are never shown)",
    response_model=ClientListBody,
)
async def list_oauth_clients(oauth: OAuthDep) -> ClientList:
    return await oauth.list_clients()


@router.post(
    "",
    status_code=201,
    summary="Register an OAuth client; its secret is shown once",
    response_model=RegisteredClientBody,
    openapi_extra={"requestBody": json_body(ClientRequestBody)},
)
async def register_oauth_client(request: Request, oauth: OAuthDep) -> RegisteredClient:
    body = await read_json(request)
    return await oauth.register_client(body)


@router.delete("/{client_id}", status_code=204, summary="Delete an OAuth client")
async def delete_oauth_client(client_id: str, oauth: OAuthDep) -> Response:
    await oauth.delete_client(resource_id(client_id, "OAuth client"))
    return Response(status_code=204)
