"""Blog routes plus the public comment thread of a post.

Every route of the module, admin ones included (api/blog_admin.py), answers 404 when the operator
switched the module off (``modules.blog``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from scrapegate.api.auth import client_ip
from scrapegate.api.blog_models import (
    CommentRequestBody,
    CommentThreadBody,
    ReactionRecordedBody,
    ReactionRequestBody,
    ReactionSummaryBody,
    SubmittedCommentBody,
)
from scrapegate.api.body import read_json
from scrapegate.api.body_docs import json_body
from scrapegate.api.deps import BlogDep
from scrapegate.api.modules import module_switch
from scrapegate.api.public_rate import per_ip_public_access
from scrapegate.domain.principal import Principal
from scrapegate.platform.blog.feed import FEED_MEDIA_TYPE, http_date, not_modified
from scrapegate.platform.blog.service import BlogService
from scrapegate.platform.blog.views import (
    CommentThread,
    ReactionRecorded,
    ReactionSummary,
    SubmittedComment,
)

COMMENTS_PER_MINUTE = 5
REACTIONS_PER_MINUTE = 30


blog_enabled = module_switch("blog")


router = APIRouter(prefix="/api/v1/blog", tags=["blog"], dependencies=[Depends(blog_enabled)])
reader = per_ip_public_access("blog")


def visitor_of(request: Request, blog: BlogService, who: Principal | None) -> str:
    user_agent = request.headers.get("user-agent", "")
    user_id = who.user_id if who is not None else None
    return blog.visitor(client_ip(request), user_agent, user_id)


@router.post(
    "/comments",
    summary="Submit a comment (held for moderation)",
    status_code=201,
    response_model=SubmittedCommentBody,
    dependencies=[Depends(per_ip_public_access("blog-comments", COMMENTS_PER_MINUTE))],
    openapi_extra={"requestBody": json_body(CommentRequestBody)},
)
async def submit_comment(request: Request, blog: BlogDep) -> SubmittedComment:
    return await blog.comments.submit(await read_json(request), client_ip(request))


@router.get("/feed.xml", summary="RSS 2.0 feed of the newest posts", dependencies=[Depends(reader)])
async def rss_feed(request: Request, blog: BlogDep) -> Response:
    document = await blog.feed()
    headers = {"ETag": document.etag}
    if document.last_modified is not None:
        headers["Last-Modified"] = http_date(document.last_modified)
    conditions = (request.headers.get("if-none-match"), request.headers.get("if-modified-since"))
    if not_modified(document, *conditions):
        return Response(status_code=304, headers=headers)
    return Response(document.body, media_type=FEED_MEDIA_TYPE, headers=headers)


@router.post(
    "/posts/{slug}/react",
    summary="React to a post",
    response_model=ReactionRecordedBody,
    openapi_extra={"requestBody": json_body(ReactionRequestBody, required=False)},
)
async def react_to_post(
    slug: str,
    request: Request,
    blog: BlogDep,
    who: Principal | None = Depends(per_ip_public_access("blog-react", REACTIONS_PER_MINUTE)),
) -> ReactionRecorded:
    # The body is optional: an empty one means the default reaction.
    body = await read_json(request) if await request.body() else None
    return await blog.reactions.react(slug, body, visitor_of(request, blog, who))


@router.get(
    "/posts/{slug}/reactions",
    summary="Reaction counts of a post",
    response_model=ReactionSummaryBody,
)
async def post_reactions(
    slug: str, request: Request, blog: BlogDep, who: Principal | None = Depends(reader)
) -> ReactionSummary:
    return await blog.reactions.summary(slug, visitor_of(request, blog, who))


@router.get(
    "/posts/{slug}/comments",
    summary="Approved comments of a post, in thread order",
    response_model=CommentThreadBody,
    dependencies=[Depends(reader)],
)
async def post_comments(slug: str, blog: BlogDep) -> CommentThread:
    return await blog.comments.thread(slug)
