"""Support e-mail preferences of the calling user; 404 while
``modules.support`` is off."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import ReadPrincipal, SupportPreferencesDep, WritePrincipal
from scrapegate.api.kb import support_module_on
from scrapegate.api.support_models import SupportPreferencesBody
from scrapegate.api.support_request_models import PreferencesRequestBody
from scrapegate.platform.support_preferences import PreferencesView

router = APIRouter(prefix="/api/v1", tags=["support"], dependencies=[Depends(support_module_on)])


@router.get(
    "/support/preferences",
    summary="Support e-mail preferences",
    response_model=SupportPreferencesBody,
)
async def read_preferences(
    who: ReadPrincipal, preferences: SupportPreferencesDep
) -> PreferencesView:
    return await preferences.get(who.user_id)


@router.patch(
    "/support/preferences",
    summary="Change support e-mail preferences",
    response_model=SupportPreferencesBody,
    openapi_extra={"requestBody": json_body(PreferencesRequestBody)},
)
async def change_preferences(
    request: Request, who: WritePrincipal, preferences: SupportPreferencesDep
) -> PreferencesView:
    body = await read_json(request)
    return await preferences.update(who.user_id, body)
