"""Repository of knowledge-base articles and their votes.

Two implementations: ``storage.memory.kb`` and ``storage.sql.kb``; the contract suite in
tests/contract/test_kb_notifications_storage.py checks that they agree.
"""

from __future__ import annotations

from typing import Protocol

from scrapegate.domain.kb_records import KbArticle, KbSearchHit, KbVote, VoteCounts


class KbRepository(Protocol):
    async def create(self, article: KbArticle) -> KbArticle:
        """Raises Conflict when the slug is taken."""
        ...

    async def get(self, article_id: str) -> KbArticle | None: ...

    async def get_by_slug(self, slug: str) -> KbArticle | None: ...

    async def save(self, article: KbArticle) -> KbArticle:
        """Overwrite an existing article; Conflict when its new slug is taken, NotFound when
        the article is gone."""
        ...

    async def delete(self, article_id: str) -> bool:
        """Remove the article and its votes; False when it did not exist."""
        ...

    async def page(self, limit: int, offset: int) -> tuple[list[KbArticle], int]:
        """Every article (published or not), newest first, plus the total."""
        ...

    async def published(self) -> list[KbArticle]:
        """Every published article, ordered by slug."""
        ...

    async def search(self, query: str, limit: int) -> tuple[list[KbSearchHit], int]:
        """The best ``limit`` published articles holding any word of ``query`` (title matches
        weigh x3 a body match), best first, and how many published articles match in all.

        ``query`` is user text: it is split into words and never read as search syntax; a query
        without words matches nothing. Orders may differ between backends (each ranks with its
        own engine), scores are only comparable within one answer.
        """
        ...

    async def vote(self, vote: KbVote) -> VoteCounts:
        """Store the visitor's vote, replacing an earlier one; the article's counts after it."""
        ...

    async def counts(self, article_ids: list[str]) -> dict[str, VoteCounts]:
        """Vote counts per article; articles without votes are absent."""
        ...
