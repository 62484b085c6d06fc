"""Knowledge-base articles and votes in memory."""

from __future__ import annotations

from scrapegate.domain.kb_records import KbArticle, KbVote, VoteCounts
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.memory.state import detached


class MemoryKbRepository:
    def __init__(self) -> None:
        self._articles: dict[str, KbArticle] = {}
        self._votes: dict[tuple[str, str], KbVote] = {}

    def _slug_taken(self, slug: str, article_id: str) -> bool:
        return any(a.slug == slug and a.id != article_id for a in self._articles.values())

    async def create(self, article: KbArticle) -> KbArticle:
        if self._slug_taken(article.slug, article.id) or article.id in self._articles:
            raise Conflict(f"An article with slug '{article.slug}' exists")
        self._articles[article.id] = detached(article)
        return detached(article)

    async def get(self, article_id: str) -> KbArticle | None:
        return detached(self._articles.get(article_id))

    async def get_by_slug(self, slug: str) -> KbArticle | None:
        found = next((a for a in self._articles.values() if a.slug == slug), None)
        return detached(found)

    async def save(self, article: KbArticle) -> KbArticle:
        if article.id not in self._articles:
            raise NotFound("Article not found")
        if self._slug_taken(article.slug, article.id):
            raise Conflict(f"An article with slug '{article.slug}' exists")
        self._articles[article.id] = detached(article)
        return detached(article)

    async def delete(self, article_id: str) -> bool:
        if self._articles.pop(article_id, None) is None:
            return False
        self._votes = {k: v for k, v in self._votes.items() if k[0] != article_id}
        return True

    async def page(self, limit: int, offset: int) -> tuple[list[KbArticle], int]:
        ordered = sorted(self._articles.values(), key=lambda a: (a.created_at, a.id), reverse=True)
        return detached(ordered[offset : offset + limit]), len(ordered)

    async def published(self) -> list[KbArticle]:
        found = [a for a in self._articles.values() if a.published]
        return detached(sorted(found, key=lambda a: a.slug))

    async def vote(self, vote: KbVote) -> VoteCounts:
        self._votes[(vote.article_id, vote.voter)] = detached(vote)
        return (await self.counts([vote.article_id])).get(vote.article_id, VoteCounts(0, 0))

    async def counts(self, article_ids: list[str]) -> dict[str, VoteCounts]:
        tally: dict[str, list[int]] = {}
        wanted = set(article_ids)
        for (article_id, _), vote in self._votes.items():
            if article_id in wanted:
                pair = tally.setdefault(article_id, [0, 0])
                pair[0 if vote.helpful else 1] += 1
        return {k: VoteCounts(helpful=v[0], not_helpful=v[1]) for k, v in tally.items()}
