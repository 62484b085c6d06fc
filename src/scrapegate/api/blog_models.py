"""Request and response bodies of the blog routes (api/blog.py, api/blog_admin.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from scrapegate.api.body_docs import RequestModel, one_of
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.domain.blog_records import ReactionType
from scrapegate.platform.blog.comments import (
    MAX_AUTHOR_NAME,
    MAX_CONTENT,
    MAX_EMAIL,
    MAX_POST_KEY,
    MAX_WEBSITE,
    MODERATION_STATUSES,
)
from scrapegate.platform.blog.reactions import DEFAULT_REACTION


class SubmittedCommentBody(WireModel):
    id: str
    post_id: str
    parent_id: str | None
    status: str
    created_at: WireTime
    message: str


class ThreadCommentBody(WireModel):
    id: str
    parent_id: str | None
    depth: int
    author_name: str | None
    author_website: str | None
    content_html: str
    created_at: WireTime


class CommentThreadBody(WireModel):
    slug: str
    post_id: str
    comments: list[ThreadCommentBody]
    total: int


class ModeratedCommentBody(WireModel):
    id: str
    post_slug: str
    parent_id: str | None
    author_name: str | None
    author_email: str | None
    author_website: str | None
    content: str
    content_html: str
    status: str
    ip_hash: str | None
    created_at: WireTime
    moderated_at: WireTime | None


class ModerationPageBody(WireModel):
    comments: list[ModeratedCommentBody]
    total: int
    limit: int
    offset: int
    has_more: bool


class ReactionRecordedBody(WireModel):
    slug: str
    reaction: str
    counts: dict[str, int]
    total: int


class ReactionSummaryBody(WireModel):
    slug: str
    counts: dict[str, int]
    total: int
    my_reactions: list[str]


class CommentRequestBody(RequestModel):
    """``POST /api/v1/blog/comments``: held for moderation."""

    post_id: str = Field(max_length=MAX_POST_KEY, description="the post's id or slug")
    content: str = Field(max_length=MAX_CONTENT)
    parent_id: str | None = Field(None, description="the comment this one answers")
    author_name: str | None = Field(None, max_length=MAX_AUTHOR_NAME)
    author_email: str | None = Field(None, max_length=MAX_EMAIL)
    author_website: str | None = Field(None, max_length=MAX_WEBSITE)
    website_url: str | None = Field(None, description="a honeypot: leave it empty")


class ReactionRequestBody(RequestModel):
    """``POST /api/v1/blog/posts/{slug}/react``: optional; no body means ``like``."""

    reaction: ReactionType | None = DEFAULT_REACTION


class ModerationRequestBody(RequestModel):
    """``PATCH /api/v1/admin/blog/comments/{comment_id}``."""

    status: Annotated[str, one_of(MODERATION_STATUSES)]
