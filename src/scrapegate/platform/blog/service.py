"""The blog module's services, built once by the composition root."""

from __future__ import annotations

from pathlib import Path

from scrapegate.domain.records import utcnow
from scrapegate.platform.blog.comments import CommentService
from scrapegate.platform.blog.feed import FeedDocument, build_feed
from scrapegate.platform.blog.posts import PostIndex
from scrapegate.platform.blog.reactions import ReactionService, visitor_hash
from scrapegate.storage.blog_protocol import BlogRepository

# Label of the key (derived from the master secret) that hashes visitor IPs and user agents.
KEY_LABEL = "blog-visitor"


class BlogService:
    def __init__(
        self, directory: Path, repository: BlogRepository, base_url: str, hash_key: bytes
    ) -> None:
        self.posts = PostIndex(directory)
        self.comments = CommentService(repository, self.posts, hash_key)
        self.reactions = ReactionService(repository, self.posts)
        self._base_url = base_url
        self._hash_key = hash_key

    async def feed(self) -> FeedDocument:
        published = (await self.posts.current()).published(utcnow())
        return build_feed(published, self._base_url)

    def visitor(self, ip: str, user_agent: str, user_id: str | None) -> str:
        return visitor_hash(self._hash_key, ip, user_agent, user_id)
