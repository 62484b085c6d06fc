"""What the blog services answer: plain data, shaped for HTTP by ``api/blog_models.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scrapegate.domain.blog_records import BlogComment, CommentStatus, ReactionType
from scrapegate.platform.blog.render import render_comment


@dataclass(frozen=True)
class SubmittedComment:
    """The answer to #6, the same whether the comment was stored or caught by the honeypot."""

    id: str
    post_id: str
    parent_id: str | None
    status: CommentStatus
    created_at: datetime
    message: str


@dataclass(frozen=True)
class ThreadComment:
    """An approved comment as the public sees it: rendered, with its depth, no e-mail."""

    id: str
    parent_id: str | None
    depth: int
    author_name: str | None
    author_website: str | None
    content_html: str
    created_at: datetime

    @classmethod
    def of(cls, comment: BlogComment, depth: int) -> ThreadComment:
        return cls(
            id=comment.id,
            parent_id=comment.parent_id,
            depth=depth,
            author_name=comment.author_name,
            author_website=comment.author_website,
            content_html=render_comment(comment.content),
            created_at=comment.created_at,
        )


@dataclass(frozen=True)
class CommentThread:
    slug: str
    post_id: str
    comments: list[ThreadComment]

    @property
    def total(self) -> int:
        return len(self.comments)


@dataclass(frozen=True)
class ModeratedComment:
    """A stored comment as moderators see it: every field plus the rendered content."""

    id: str
    post_slug: str
    parent_id: str | None
    author_name: str | None
    author_email: str | None
    author_website: str | None
    content: str
    content_html: str
    status: CommentStatus
    ip_hash: str | None
    created_at: datetime
    moderated_at: datetime | None

    @classmethod
    def of(cls, comment: BlogComment) -> ModeratedComment:
        return cls(
            id=comment.id,
            post_slug=comment.post_slug,
            parent_id=comment.parent_id,
            author_name=comment.author_name,
            author_email=comment.author_email,
            author_website=comment.author_website,
            content=comment.content,
            content_html=render_comment(comment.content),
            status=comment.status,
            ip_hash=comment.ip_hash,
            created_at=comment.created_at,
            moderated_at=comment.moderated_at,
        )


@dataclass(frozen=True)
class ModerationPage:
    comments: list[ModeratedComment]
    total: int
    limit: int
    offset: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.comments) < self.total


@dataclass(frozen=True)
class ReactionCounts:
    """Counts of every reaction type of a post (zero included), in the order of the types."""

    slug: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class ReactionRecorded(ReactionCounts):
    """#8: the reaction just given (or already given within 24 h) and the new counts."""

    reaction: ReactionType


@dataclass(frozen=True)
class ReactionSummary(ReactionCounts):
    """#9: the counts plus the types this visitor gave within the last 24 hours."""

    my_reactions: list[str]
