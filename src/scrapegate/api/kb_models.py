"""Response bodies of the knowledge-base routes (api/kb.py)."""

from __future__ import annotations

from scrapegate.api.wire import WireModel, WireTime


class ArticleBody(WireModel):
    id: str
    title: str
    slug: str
    body: str
    category: str | None
    tags: list[str]
    updated_at: WireTime
    helpful_count: int
    not_helpful_count: int


class AdminArticleBody(ArticleBody):
    published: bool
    created_at: WireTime


class ArticlePageBody(WireModel):
    articles: list[AdminArticleBody]
    total: int
    limit: int
    offset: int
    has_more: bool


class SearchResultBody(WireModel):
    id: str
    title: str
    slug: str
    excerpt: str
    category: str | None
    score: float


class SearchResultsBody(WireModel):
    query: str
    results: list[SearchResultBody]
    total: int


class VoteRecordedBody(WireModel):
    slug: str
    helpful: bool
    helpful_count: int
    not_helpful_count: int
