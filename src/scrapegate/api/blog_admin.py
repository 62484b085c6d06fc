"""Comment moderation for administrators (extended routes of the blog module)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from scrapegate.api.auth import require, services_of
from scrapegate.api.blog import blog_enabled
from scrapegate.api.blog_models import ModeratedCommentBody, ModerationPageBody
from scrapegate.api.body import read_json
from scrapegate.api.params import resource_id
from scrapegate.platform.blog.views import ModeratedComment, ModerationPage
from scrapegate.platform.dashboard_window import clamp_limit, non_negative

MAX_LIMIT = 100

router = APIRouter(
    prefix="/api/v1/admin/blog",
    tags=["blog"],
    dependencies=[Depends(blog_enabled), Depends(require("admin"))],
)


@router.get(
    "/comments",
    summary="Comments to moderate (pending by default), newest first",
    response_model=ModerationPageBody,
)
async def list_comments(
    request: Request, status: str | None = None, limit: int = 20, offset: int = 0
) -> ModerationPage:
    size, start = clamp_limit(limit, MAX_LIMIT), non_negative(offset, "offset")
    return await services_of(request).blog.comments.moderation_queue(status, size, start)


@router.patch(
    "/comments/{comment_id}",
    summary="Approve, reject or mark a comment as spam",
    response_model=ModeratedCommentBody,
)
async def moderate_comment(comment_id: str, request: Request) -> ModeratedComment:
    found = resource_id(comment_id, "Comment")
    body = await read_json(request)
    return await services_of(request).blog.comments.moderate(found, body)


@router.delete("/comments/{comment_id}", summary="Delete a comment", status_code=204)
async def delete_comment(comment_id: str, request: Request) -> Response:
    await services_of(request).blog.comments.delete(resource_id(comment_id, "Comment"))
    return Response(status_code=204)
