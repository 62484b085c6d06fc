"""Response bodies of the blog routes (api/blog.py, api/blog_admin.py)."""

from __future__ import annotations

from scrapegate.api.wire import WireModel, WireTime


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
