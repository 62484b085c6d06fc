"""Comment moderation for administrators (extended routes of the blog module)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from scrapegate.api.blog import blog_enabled
from scrapegate.api.blog_models import (
    ModeratedCommentBody,
    ModerationPageBody,
    ModerationRequestBody,
)
from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import BlogDep, admin_access
from scrapegate.api.params import resource_id
from scrapegate.platform.blog.views import ModeratedComment, ModerationPage
from scrapegate.platform.dashboard_window import clamp_limit, non_negative

MAX_LIMIT = 100

router = APIRouter(
    prefix="/api/v1/admin/blog",
    tags=["blog"],
    dependencies=[Depends(blog_enabled), Depends(admin_access)],
)


@router.get(
    "/comments",
    summary="Comments to moderate (pending by default), newest first",
    response_model=ModerationPageBody,
)
async def list_comments(
    blog: BlogDep, status: str | None = None, limit: int = 20, offset: int = 0
) -> ModerationPage:
    size, start = clamp_limit(limit, MAX_LIMIT), non_negative(offset, "offset")
    return await blog.comments.moderation_queue(status, size, start)


@router.patch(
    "/comments/{comment_id}",
    summary="Approve, reject or mark a comment as spam",
    response_model=ModeratedCommentBody,
    openapi_extra={"requestBody": json_body(ModerationRequestBody)},
)
async def moderate_comment(comment_id: str, request: Request, blog: BlogDep) -> ModeratedComment:
    found = resource_id(comment_id, "Comment")
    body = await read_json(request)
    return await blog.comments.moderate(found, body)


@router.delete("/comments/{comment_id}", summary="Delete a comment", status_code=204)
async def delete_comment(comment_id: str, blog: BlogDep) -> Response:
    await blog.comments.delete(resource_id(comment_id, "Comment"))
    return Response(status_code=204)
