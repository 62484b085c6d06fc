"""Knowledge-base articles and votes in memory.

Search ranks with BM25 (k1 = 1.2, b = 0.75) per field, the title's part weighted x3, like
SQLite's ``bm25(fts, 3.0, 1.0)``:
``score(doc) = sum over query terms t of idf(t) * (3 * bm25(t, title) + bm25(t, body))`` with
``idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))`` over every stored article (drafts included, as
the SQL indexes do). Fields are split into words by ``kb_records.words`` (the raw markdown, as
the database engines index it).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from scrapegate.domain.kb_records import (
    KbArticle,
    KbSearchHit,
    KbVote,
    VoteCounts,
    search_terms,
    words,
)
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.memory.state import detached

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 3.0


@dataclass(frozen=True)
class IndexedArticle:
    article: KbArticle
    title: Counter[str]
    body: Counter[str]
    title_length: int
    body_length: int


def index_article(article: KbArticle) -> IndexedArticle:
    title, body = words(article.title), words(article.body)
    return IndexedArticle(article, Counter(title), Counter(body), len(title), len(body))


def bm25(frequency: int, length: int, average: float) -> float:
    if frequency == 0:
        return 0.0
    norm = 1 - B + B * (length / average if average else 0.0)
    return frequency * (K1 + 1) / (frequency + K1 * norm)


def idf(documents: int, frequency: int) -> float:
    return math.log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


def rank(articles: list[KbArticle], query_terms: list[str]) -> list[KbSearchHit]:
    """Every published article with a positive score, best first (ties by slug)."""
    index = [index_article(article) for article in articles]
    count = len(index) or 1
    title_avg = sum(doc.title_length for doc in index) / count
    body_avg = sum(doc.body_length for doc in index) / count
    weights = {
        t: idf(count, sum(1 for doc in index if t in doc.title or t in doc.body))
        for t in query_terms
    }
    hits = []
    for doc in index:
        score = sum(
            weight
            * (
                TITLE_WEIGHT * bm25(doc.title[t], doc.title_length, title_avg)
                + bm25(doc.body[t], doc.body_length, body_avg)
            )
            for t, weight in weights.items()
        )
        if score > 0 and doc.article.published:
            hits.append(KbSearchHit(doc.article, score))
    return sorted(hits, key=lambda hit: (-hit.score, hit.article.slug))


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

    async def search(self, query: str, limit: int) -> tuple[list[KbSearchHit], int]:
        hits = rank(list(self._articles.values()), search_terms(query))
        return detached(hits[:limit]), len(hits)

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
