"""Stored records of the blog module: comments and reactions.

Posts are not stored: they are markdown files read by ``platform.blog.posts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

from scrapegate.domain.records import utcnow

CommentStatus = Literal["pending", "approved", "rejected", "spam"]
ReactionType = Literal["like", "love", "insightful", "celebrate"]

COMMENT_STATUSES: tuple[str, ...] = get_args(CommentStatus)
REACTION_TYPES: tuple[str, ...] = get_args(ReactionType)


@dataclass
class BlogComment:
    """A visitor's comment, kept raw (markdown); rendering happens on the way out."""

    id: str
    post_slug: str
    content: str
    parent_id: str | None = None
    author_name: str | None = None
    author_email: str | None = None  # shown to moderators only
    author_website: str | None = None
    status: CommentStatus = "pending"
    ip_hash: str | None = None  # keyed hash of the sender's IP, to spot floods without the IP
    created_at: datetime = field(default_factory=utcnow)
    moderated_at: datetime | None = None


@dataclass
class BlogReaction:
    """One reaction of one visitor (keyed hash of IP + user agent, or of the user id)."""

    id: str
    post_slug: str
    reaction: ReactionType
    visitor_hash: str
    created_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class CommentPage:
    """One page of a filtered comment list plus the exact total of the filter."""

    comments: list[BlogComment]
    total: int
