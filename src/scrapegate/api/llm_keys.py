"""The organization's own LLM keys (BYOK): /api/v1/user/llm-keys and its sub-routes."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import LlmKeysDep, ReadPrincipal, WritePrincipal
from scrapegate.api.llm_key_models import (
    LlmKeyBody,
    LlmKeyChangesRequestBody,
    LlmModelBody,
    NewLlmKeyRequestBody,
    parse_llm_key_changes,
    parse_new_llm_key,
)
from scrapegate.domain.llm_key_records import LlmKey
from scrapegate.errors import FeatureUnavailable
from scrapegate.extract.llm import ModelInfo

router = APIRouter(prefix="/api/v1/user/llm-keys", tags=["llm keys"])


@router.get("", summary="The organization's LLM keys", response_model=list[LlmKeyBody])
async def list_keys(who: ReadPrincipal, keys: LlmKeysDep) -> list[LlmKey]:
    return await keys.list_keys(who.org_id)


@router.post(
    "",
    summary="Register an LLM key (validated with the provider at once)",
    status_code=201,
    response_model=LlmKeyBody,
    openapi_extra={"requestBody": json_body(NewLlmKeyRequestBody)},
)
async def add_key(request: Request, who: WritePrincipal, keys: LlmKeysDep) -> LlmKey:
    new = parse_new_llm_key(await read_json(request))
    return await keys.add(who.org_id, who.user_id, new)


@router.post(
    "/openrouter/exchange",
    summary="Exchange an OpenRouter OAuth code for a key",
    status_code=201,
    response_model=LlmKeyBody,
)
async def openrouter_exchange(who: WritePrincipal) -> LlmKey:
    raise FeatureUnavailable("OpenRouter OAuth is not available on this server", "openrouter_oauth")


@router.put(
    "/{key_id}",
    summary="Change a key's alias, model or the key itself",
    response_model=LlmKeyBody,
    openapi_extra={"requestBody": json_body(LlmKeyChangesRequestBody)},
)
async def update_key(
    key_id: str, request: Request, who: WritePrincipal, keys: LlmKeysDep
) -> LlmKey:
    changes = parse_llm_key_changes(await read_json(request))
    return await keys.update(who.org_id, key_id, changes)


@router.delete("/{key_id}", summary="Delete a key", status_code=204)
async def delete_key(key_id: str, who: WritePrincipal, keys: LlmKeysDep) -> Response:
    await keys.delete(who.org_id, key_id)
    return Response(status_code=204)


@router.post("/{key_id}/validate", summary="Validate a key again", response_model=LlmKeyBody)
async def validate_key(key_id: str, who: WritePrincipal, keys: LlmKeysDep) -> LlmKey:
    return await keys.validate(who.org_id, key_id)


@router.get(
    "/{key_id}/models", summary="The provider's models for a key", response_model=list[LlmModelBody]
)
async def list_models(key_id: str, who: ReadPrincipal, keys: LlmKeysDep) -> list[ModelInfo]:
    return await keys.models(who.org_id, key_id)
