"""Blog comments and reactions in memory."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import datetime

from scrapegate.domain.blog_records import BlogComment, BlogReaction, CommentPage, CommentStatus
from scrapegate.storage.memory.state import detached


class MemoryBlogRepository:
    def __init__(self) -> None:
        self._comments: dict[str, BlogComment] = {}
        self._reactions: list[BlogReaction] = []

    async def add_comment(self, comment: BlogComment) -> BlogComment:
        self._comments[comment.id] = detached(comment)
        return detached(comment)

    async def get_comment(self, comment_id: str) -> BlogComment | None:
        found = self._comments.get(comment_id)
        return detached(found) if found else None

    async def list_comments(
        self, status: CommentStatus | None, limit: int, offset: int
    ) -> CommentPage:
        matching = [c for c in self._comments.values() if status is None or c.status == status]
        # Newest first, then id descending: the same order as the SQL query.
        matching.sort(key=lambda c: (c.created_at, c.id), reverse=True)
        return CommentPage(detached(matching[offset : offset + limit]), len(matching))

    async def approved_comments(self, post_slug: str) -> list[BlogComment]:
        found = [
            c
            for c in self._comments.values()
            if c.post_slug == post_slug and c.status == "approved"
        ]
        return detached(sorted(found, key=lambda c: (c.created_at, c.id)))

    async def set_comment_status(
        self, comment_id: str, status: CommentStatus, at: datetime
    ) -> BlogComment | None:
        found = self._comments.get(comment_id)
        if found is None:
            return None
        updated = dataclasses.replace(found, status=status, moderated_at=at)
        self._comments[comment_id] = updated
        return detached(updated)

    async def delete_comment(self, comment_id: str) -> bool:
        gone = self._comments.pop(comment_id, None)
        if gone is None:
            return False
        for comment in self._comments.values():
            if comment.parent_id == comment_id:
                comment.parent_id = gone.parent_id
        return True

    async def add_reaction(self, reaction: BlogReaction, window_start: datetime) -> bool:
        # No await between the check and the append: atomic on the event loop.
        for kept in self._reactions:
            same = (kept.post_slug, kept.reaction, kept.visitor_hash) == (
                reaction.post_slug,
                reaction.reaction,
                reaction.visitor_hash,
            )
            if same and kept.created_at >= window_start:
                return False
        self._reactions.append(detached(reaction))
        return True

    async def reaction_counts(self, post_slug: str) -> dict[str, int]:
        return dict(Counter(r.reaction for r in self._reactions if r.post_slug == post_slug))

    async def visitor_reactions(
        self, post_slug: str, visitor_hash: str, since: datetime
    ) -> set[str]:
        return {
            r.reaction
            for r in self._reactions
            if r.post_slug == post_slug and r.visitor_hash == visitor_hash and r.created_at >= since
        }
