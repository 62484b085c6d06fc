"""Support e-mail preferences of the calling user; 404 while
``modules.support`` is off."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from scrapegate.api.auth import require, services_of
from scrapegate.api.body import read_json
from scrapegate.api.kb import support_module_on
from scrapegate.api.support_models import SupportPreferencesBody
from scrapegate.domain.principal import Principal
from scrapegate.platform.support_preferences import PreferencesView

router = APIRouter(prefix="/api/v1", tags=["support"], dependencies=[Depends(support_module_on)])


@router.get(
    "/support/preferences",
    summary="Support e-mail preferences",
    response_model=SupportPreferencesBody,
)
async def read_preferences(
    request: Request, who: Principal = Depends(require("read"))
) -> PreferencesView:
    return await services_of(request).support_preferences.get(who.user_id)


@router.patch(
    "/support/preferences",
    summary="Change support e-mail preferences",
    response_model=SupportPreferencesBody,
)
async def change_preferences(
    request: Request, who: Principal = Depends(require("write"))
) -> PreferencesView:
    body = await read_json(request)
    return await services_of(request).support_preferences.update(who.user_id, body)
