"""Support attachments over HTTP."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile
from starlette.types import Message

from scrapegate.api.body_docs import MULTIPART, request_body
from scrapegate.api.deps import (
    ReadPrincipal,
    SettingsDep,
    SupportDep,
    SupportLinksDep,
    WritePrincipal,
    admin_access,
)
from scrapegate.api.support import actor_of, support_enabled
from scrapegate.api.support_models import AttachmentBody
from scrapegate.api.support_request_models import UploadFormBody
from scrapegate.errors import InvalidRequest, PayloadTooLarge
from scrapegate.platform.support.attachments import Upload

# Multipart framing around the file: boundaries, part headers and the ticket_id field.
MULTIPART_OVERHEAD = 64 * 1024

router = APIRouter(prefix="/api/v1", tags=["support"], dependencies=[Depends(support_enabled)])


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and, for other names, RFC 5987 ``filename*``."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in filename)
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"Files are limited to {limit} bytes.", {"limit_bytes": limit})


def bounded_request(request: Request, limit: int) -> Request:
    """The request with a body cap: chunked uploads without Content-Length stop at the cap too,
    before the multipart parser spools them to disk."""
    cap = limit + MULTIPART_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _too_large(limit)
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > cap:
            raise _too_large(limit)
        return message

    return Request(request.scope, receive)


@router.post(
    "/support/upload",
    summary="Upload a file for a ticket",
    status_code=201,
    response_model=AttachmentBody,
    openapi_extra={"requestBody": request_body(UploadFormBody, (MULTIPART,))},
)
async def upload_file(
    request: Request,
    who: WritePrincipal,
    support: SupportDep,
    links: SupportLinksDep,
    settings: SettingsDep,
) -> AttachmentBody:
    limit = settings.support.upload_max_bytes
    # Starlette spools file parts to disk past 1 MiB, so memory stays bounded.
    form = await bounded_request(request, limit).form(max_files=1, max_fields=5)
    try:
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise InvalidRequest("multipart field 'file' is required", field="file")
        ticket_id = form.get("ticket_id")
        if ticket_id is not None and not isinstance(ticket_id, str):
            raise InvalidRequest("ticket_id must be a text field", field="ticket_id")
        upload = Upload(source=part, filename=part.filename or "upload")
        attachment = await support.attachments.upload(actor_of(who), upload, ticket_id or None)
    finally:
        await form.close()
    return AttachmentBody.model_validate(attachment, context=links)


@router.get("/support/attachments/{attachment_id}", summary="Download an attachment")
async def download_attachment(
    attachment_id: str, who: ReadPrincipal, support: SupportDep
) -> FileResponse:
    attachment, path = await support.attachments.download(actor_of(who), attachment_id)
    return FileResponse(
        path,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": content_disposition(attachment.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        },
    )


@router.delete(
    "/support/attachments/{attachment_id}",
    summary="Delete an attachment (agents)",
    status_code=204,
    dependencies=[Depends(admin_access)],
)
async def delete_attachment(attachment_id: str, support: SupportDep) -> Response:
    await support.attachments.delete(attachment_id)
    return Response(status_code=204)
