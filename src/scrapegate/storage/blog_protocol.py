"""Repository protocol of the blog module (comments and reactions); see ``storage.protocols``."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from scrapegate.domain.blog_records import BlogComment, BlogReaction, CommentPage, CommentStatus


class BlogRepository(Protocol):
    async def add_comment(self, comment: BlogComment) -> BlogComment: ...
    async def get_comment(self, comment_id: str) -> BlogComment | None: ...

    async def list_comments(
        self, status: CommentStatus | None, limit: int, offset: int
    ) -> CommentPage:
        """Comments of every post (of one status when given), newest first, then by id."""
        ...

    async def approved_comments(self, post_slug: str) -> list[BlogComment]:
        """The approved comments of one post, oldest first (conversation order), then by id."""
        ...

    async def set_comment_status(
        self, comment_id: str, status: CommentStatus, at: datetime
    ) -> BlogComment | None:
        """The updated comment, or None when it does not exist."""
        ...

    async def delete_comment(self, comment_id: str) -> bool:
        """False when absent. Its direct replies move up to its own parent (same transaction)."""
        ...

    async def add_reaction(self, reaction: BlogReaction, window_start: datetime) -> bool:
        """Insert unless the same visitor already has a reaction of this type on this post
        created at or after ``window_start``. Atomic: concurrent calls insert at most one row."""
        ...

    async def reaction_counts(self, post_slug: str) -> dict[str, int]:
        """Stored reactions of one post per type; types without any are absent."""
        ...

    async def visitor_reactions(
        self, post_slug: str, visitor_hash: str, since: datetime
    ) -> set[str]:
        """The types this visitor reacted with on this post at or after ``since``."""
        ...
