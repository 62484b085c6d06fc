"""Request and response bodies of the knowledge-base routes (api/kb.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import MISSING, Field

from scrapegate.api.body_docs import RequestModel
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.platform.kb import MAX_BODY, MAX_SLUG, MAX_TAG, MAX_TAGS, MAX_TITLE, SLUG

Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
Text = Annotated[str, Field(min_length=1, max_length=MAX_BODY)]
Slug = Annotated[str, Field(max_length=MAX_SLUG, pattern=SLUG.pattern)]
Tags = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=MAX_TAG)]], Field(max_length=MAX_TAGS)
]


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


class VoteRequestBody(RequestModel):
    """``POST /api/v1/support/kb/{slug}/helpful``."""

    helpful: bool


class ArticleRequestBody(RequestModel):
    """``POST /api/v1/admin/kb/articles``; the slug defaults to one made from the title."""

    title: Title
    body: Text
    slug: Slug | MISSING = MISSING
    category: Slug | None = None
    tags: Tags | MISSING = MISSING
    published: bool = False


class ArticleChangeRequestBody(RequestModel):
    """``PATCH /api/v1/admin/kb/articles/{article_id}``: the fields to change."""

    title: Title | MISSING = MISSING
    body: Text | MISSING = MISSING
    slug: Slug | MISSING = MISSING
    category: Slug | MISSING | None = MISSING
    tags: Tags | MISSING = MISSING
    published: bool | MISSING = MISSING
