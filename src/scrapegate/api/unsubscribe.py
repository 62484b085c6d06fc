"""POST /api/v1/unsubscribe: public; the signed token authorises."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from scrapegate.api.body import read_json
from scrapegate.api.body_docs import RequestModel, json_body, one_of
from scrapegate.api.deps import UnsubscribesDep
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.api.wire import WireModel
from scrapegate.platform.unsubscribe import EMAIL_TYPES, MAX_UID, Unsubscribed

router = APIRouter(prefix="/api/v1", tags=["unsubscribe"])


class UnsubscribeRequestBody(RequestModel):
    """The fields of an e-mail's unsubscribe link."""

    uid: str = Field(max_length=MAX_UID)
    type: Annotated[str, one_of(EMAIL_TYPES)]
    token: str = Field(description="the link's signature")
    expires: int | None = Field(None, description="Unix seconds, when the link expires")


class UnsubscribedBody(WireModel):
    ok: bool
    message: str


@router.post(
    "/unsubscribe",
    summary="Unsubscribe from an e-mail type",
    response_model=UnsubscribedBody,
    dependencies=[Depends(per_ip_public_access("unsubscribe"))],
    openapi_extra={"requestBody": json_body(UnsubscribeRequestBody)},
)
async def unsubscribe(request: Request, unsubscribes: UnsubscribesDep) -> Unsubscribed:
    body = await read_json(request)
    return await unsubscribes.unsubscribe(body)
