"""Blog comments: submission (#6), the public thread of a post and moderation (extended)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from scrapegate.domain.blog_records import BlogComment, CommentStatus
from scrapegate.domain.records import new_id, utcnow
from scrapegate.errors import InvalidRequest, NotFound
from scrapegate.platform.blog.posts import BlogPost, PostIndex
from scrapegate.platform.blog.views import (
    CommentThread,
    ModeratedComment,
    ModerationPage,
    SubmittedComment,
    ThreadComment,
)
from scrapegate.storage.blog_protocol import BlogRepository

MAX_CONTENT = 5_000
MAX_AUTHOR_NAME = 100
MAX_EMAIL = 254
MAX_WEBSITE = 2_048
MAX_POST_KEY = 200
AWAITING_MODERATION = "Your comment is awaiting moderation."
MODERATION_STATUSES: tuple[str, ...] = ("approved", "rejected", "spam")
LIST_FILTERS: tuple[str, ...] = ("pending", "approved", "rejected", "spam", "all")


@dataclass(frozen=True)
class CommentSubmission:
    """A validated #6 body; ``honeypot`` is true when the hidden ``website_url`` was filled."""

    post_key: str
    content: str
    parent_id: str | None
    author_name: str | None
    author_email: str | None
    author_website: str | None
    honeypot: bool


def optional_text(body: dict[str, Any], key: str, limit: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidRequest(f"{key} must be a string of at most {limit} characters", field=key)
    return value.strip() or None


def required_text(body: dict[str, Any], key: str, limit: int) -> str:
    value = optional_text(body, key, limit)
    if value is None:
        raise InvalidRequest(f"{key} is required (1-{limit} characters)", field=key)
    return value


def email_field(body: dict[str, Any]) -> str | None:
    address = optional_text(body, "author_email", MAX_EMAIL)
    if address is None:
        return None
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidRequest(f"author_email is not valid: {exc}", field="author_email") from None


def website_field(body: dict[str, Any]) -> str | None:
    url = optional_text(body, "author_website", MAX_WEBSITE)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InvalidRequest("author_website must be an http(s) URL", field="author_website")
    return url


def parent_field(body: dict[str, Any]) -> str | None:
    value = body.get("parent_id")
    if value is None or value == "":
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise InvalidRequest("parent_id is not a comment of this post", field="parent_id") from None


def parse_submission(body: Any) -> CommentSubmission:
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    honeypot = body.get("website_url")
    return CommentSubmission(
        post_key=required_text(body, "post_id", MAX_POST_KEY),
        content=required_text(body, "content", MAX_CONTENT),
        parent_id=parent_field(body),
        author_name=optional_text(body, "author_name", MAX_AUTHOR_NAME),
        author_email=email_field(body),
        author_website=website_field(body),
        honeypot=bool(honeypot.strip() if isinstance(honeypot, str) else honeypot),
    )


def thread_order(approved: list[BlogComment]) -> list[ThreadComment]:
    """Depth-first conversation order with each comment's depth. A reply whose parent is not
    approved is left out with its own replies: without the parent it has no context."""
    replies: dict[str | None, list[BlogComment]] = defaultdict(list)
    for comment in approved:  # oldest first, so siblings stay in time order
        replies[comment.parent_id].append(comment)
    ordered: list[ThreadComment] = []
    stack = [(comment, 0) for comment in reversed(replies[None])]
    while stack:  # iterative: a long reply chain cannot exhaust the recursion limit
        comment, depth = stack.pop()
        ordered.append(ThreadComment.of(comment, depth))
        stack.extend((reply, depth + 1) for reply in reversed(replies.pop(comment.id, [])))
    return ordered


def moderation_status(body: Any) -> CommentStatus:
    status = body.get("status") if isinstance(body, dict) else None
    if status not in MODERATION_STATUSES:
        allowed = ", ".join(MODERATION_STATUSES)
        raise InvalidRequest(f"status must be one of {allowed}", field="status")
    return cast(CommentStatus, status)


def list_filter(status: str | None) -> CommentStatus | None:
    """The admin list's ``status`` query: pending by default, ``all`` for every status."""
    wanted = status or "pending"
    if wanted not in LIST_FILTERS:
        raise InvalidRequest(f"status must be one of {', '.join(LIST_FILTERS)}", field="status")
    return None if wanted == "all" else cast(CommentStatus, wanted)


class CommentService:
    def __init__(self, repository: BlogRepository, posts: PostIndex, hash_key: bytes) -> None:
        self._repository = repository
        self._posts = posts
        self._hash_key = hash_key

    async def _post(self, key: str) -> BlogPost:
        post = (await self._posts.current()).find(key, utcnow())
        if post is None:
            raise NotFound("Post not found")
        return post

    async def submit(self, body: Any, client_ip: str) -> SubmittedComment:
        """#6: validate, then store as pending; a filled honeypot gets the same answer only."""
        submission = parse_submission(body)
        post = await self._post(submission.post_key)
        if submission.parent_id is not None:
            parent = await self._repository.get_comment(submission.parent_id)
            if parent is None or parent.post_slug != post.slug:
                raise InvalidRequest("parent_id is not a comment of this post", field="parent_id")
        comment = BlogComment(
            id=new_id(),
            post_slug=post.slug,
            content=submission.content,
            parent_id=submission.parent_id,
            author_name=submission.author_name,
            author_email=submission.author_email,
            author_website=submission.author_website,
            ip_hash=hmac.new(self._hash_key, client_ip.encode(), hashlib.sha256).hexdigest(),
        )
        if not submission.honeypot:
            await self._repository.add_comment(comment)
        return SubmittedComment(
            id=comment.id,
            post_id=submission.post_key,
            parent_id=comment.parent_id,
            status=comment.status,
            created_at=comment.created_at,
            message=AWAITING_MODERATION,
        )

    async def thread(self, slug: str) -> CommentThread:
        """The public comments of a post: approved only, in thread order, no e-mail."""
        post = await self._post(slug)
        shown = thread_order(await self._repository.approved_comments(post.slug))
        return CommentThread(slug=post.slug, post_id=post.post_id, comments=shown)

    async def moderation_queue(self, status: str | None, limit: int, offset: int) -> ModerationPage:
        page = await self._repository.list_comments(list_filter(status), limit, offset)
        shown = [ModeratedComment.of(c) for c in page.comments]
        return ModerationPage(comments=shown, total=page.total, limit=limit, offset=offset)

    async def moderate(self, comment_id: str, body: Any) -> ModeratedComment:
        updated = await self._repository.set_comment_status(
            comment_id, moderation_status(body), utcnow()
        )
        if updated is None:
            raise NotFound("Comment not found")
        return ModeratedComment.of(updated)

    async def delete(self, comment_id: str) -> None:
        if not await self._repository.delete_comment(comment_id):
            raise NotFound("Comment not found")
