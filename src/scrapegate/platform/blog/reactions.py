"""Blog reactions (#8 react, #9 read): one per visitor, post and type per 24 hours."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from scrapegate.domain.blog_records import REACTION_TYPES, BlogReaction, ReactionType
from scrapegate.domain.records import new_id, utcnow
from scrapegate.errors import InvalidRequest, NotFound
from scrapegate.platform.blog.posts import BlogPost, PostIndex
from scrapegate.platform.blog.views import ReactionRecorded, ReactionSummary
from scrapegate.storage.blog_protocol import BlogRepository

REACTION_WINDOW = timedelta(hours=24)
DEFAULT_REACTION: ReactionType = "like"


def visitor_hash(key: bytes, ip: str, user_agent: str, user_id: str | None) -> str:
    """A keyed hash naming the visitor: the user when signed in, else IP plus user agent.
    Keyed (HMAC) so the stored value cannot be reversed by hashing every IPv4 address."""
    who = f"user:{user_id}" if user_id is not None else f"anonymous:{ip}\n{user_agent}"
    return hmac.new(key, who.encode(), hashlib.sha256).hexdigest()


def reaction_field(body: Any) -> ReactionType:
    """The optional #8 body: absent, ``{}`` or ``{"reaction": null}`` mean ``like``."""
    if body is None:
        return DEFAULT_REACTION
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    value = body.get("reaction")
    if value is None:
        return DEFAULT_REACTION
    if value not in REACTION_TYPES:
        allowed = ", ".join(REACTION_TYPES)
        raise InvalidRequest(f"reaction must be one of {allowed}", field="reaction")
    return cast(ReactionType, value)


def all_counts(stored: dict[str, int]) -> dict[str, int]:
    """Every reaction type, zero when nobody used it."""
    return {kind: stored.get(kind, 0) for kind in REACTION_TYPES}


class ReactionService:
    def __init__(
        self,
        repository: BlogRepository,
        posts: PostIndex,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._repository = repository
        self._posts = posts
        self._clock = clock

    async def _post(self, slug: str, now: datetime) -> BlogPost:
        post = (await self._posts.current()).find(slug, now)
        if post is None:
            raise NotFound("Post not found")
        return post

    async def react(self, slug: str, body: Any, visitor: str) -> ReactionRecorded:
        """#8: record the reaction unless this visitor already gave it within 24 h."""
        kind = reaction_field(body)
        now = self._clock()
        post = await self._post(slug, now)
        reaction = BlogReaction(
            id=new_id(), post_slug=post.slug, reaction=kind, visitor_hash=visitor, created_at=now
        )
        await self._repository.add_reaction(reaction, now - REACTION_WINDOW)
        counts = all_counts(await self._repository.reaction_counts(post.slug))
        return ReactionRecorded(slug=post.slug, counts=counts, reaction=kind)

    async def summary(self, slug: str, visitor: str) -> ReactionSummary:
        """#9: counts of every type and the types this visitor gave within the last 24 h."""
        now = self._clock()
        post = await self._post(slug, now)
        counts = all_counts(await self._repository.reaction_counts(post.slug))
        mine = await self._repository.visitor_reactions(post.slug, visitor, now - REACTION_WINDOW)
        given = [kind for kind in REACTION_TYPES if kind in mine]
        return ReactionSummary(slug=post.slug, counts=counts, my_reactions=given)
