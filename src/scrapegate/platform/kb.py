"""The knowledge base: public search, read and votes and the
admin routes that write articles."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.kb_records import KbArticle, KbVote, VoteCounts
from scrapegate.domain.records import new_id, utcnow
from scrapegate.errors import InvalidRequest, NotFound
from scrapegate.platform.kb_search import body_excerpt
from scrapegate.storage.kb_protocol import KbRepository

MAX_QUERY = 200
DEFAULT_RESULTS = 3
MAX_RESULTS = 20
# Significant digits, not decimals: FTS5 scores a word found in most articles near 1e-6.
SCORE_DIGITS = 6
MAX_TITLE = 200
MAX_SLUG = 100
MAX_BODY = 200_000
MAX_TAGS = 20
MAX_TAG = 50
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NO_VOTES = VoteCounts(0, 0)
ARTICLE_FIELDS = ("title", "slug", "body", "category", "tags", "published")


def slug_from(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:MAX_SLUG].strip("-")


def slug_field(value: Any, field: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_SLUG or not SLUG.match(value):
        raise InvalidRequest(f"{field} must be a lower-case slug (a-z, 0-9, '-')", field=field)
    return value


def text_field(body: JsonObject, field: str, limit: int) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidRequest(f"{field} must be 1-{limit} characters", field=field)
    return value.strip()


def tags_field(value: Any) -> list[str]:
    valid = isinstance(value, list) and len(value) <= MAX_TAGS
    if not valid or not all(isinstance(t, str) and 0 < len(t) <= MAX_TAG for t in value):
        raise InvalidRequest(f"tags must be at most {MAX_TAGS} strings of 1-{MAX_TAG}", "tags")
    return list(dict.fromkeys(t.strip() for t in value))


def apply_fields(article: KbArticle, body: JsonObject) -> KbArticle:
    """The article with every field the admin body names changed (validated)."""
    changes: dict[str, Any] = {}
    if "title" in body:
        changes["title"] = text_field(body, "title", MAX_TITLE)
    if "body" in body:
        changes["body"] = text_field(body, "body", MAX_BODY)
    if "slug" in body:
        changes["slug"] = slug_field(body["slug"], "slug")
    if "category" in body:
        value = body["category"]
        changes["category"] = None if value is None else slug_field(value, "category")
    if "tags" in body:
        changes["tags"] = tags_field(body["tags"])
    if "published" in body:
        if not isinstance(body["published"], bool):
            raise InvalidRequest("published must be a boolean", field="published")
        changes["published"] = body["published"]
    return dataclasses.replace(article, **changes)


def object_body(body: Any) -> JsonObject:
    """The request body as sent, once known to be an object; fields are checked one by one."""
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    return body


@dataclass(frozen=True)
class ArticleView:
    """An article with its vote counts; readers see all but ``published`` and ``created_at``."""

    id: str
    title: str
    slug: str
    body: str
    category: str | None
    tags: list[str]
    updated_at: datetime
    helpful_count: int
    not_helpful_count: int
    published: bool
    created_at: datetime


def article_view(article: KbArticle, votes: VoteCounts) -> ArticleView:
    return ArticleView(
        id=article.id,
        title=article.title,
        slug=article.slug,
        body=article.body,
        category=article.category,
        tags=list(article.tags),
        updated_at=article.updated_at,
        helpful_count=votes.helpful,
        not_helpful_count=votes.not_helpful,
        published=article.published,
        created_at=article.created_at,
    )


@dataclass(frozen=True)
class SearchResult:
    id: str
    title: str
    slug: str
    excerpt: str
    category: str | None
    score: float


@dataclass(frozen=True)
class SearchResults:
    query: str
    results: list[SearchResult]
    total: int


@dataclass(frozen=True)
class VoteRecorded:
    slug: str
    helpful: bool
    helpful_count: int
    not_helpful_count: int


@dataclass(frozen=True)
class ArticlePage:
    articles: list[ArticleView]
    total: int
    limit: int
    offset: int
    has_more: bool


def voter_id(secret: bytes, *, user_id: str | None, ip: str, user_agent: str) -> str:
    """One identity per visitor: the user when a valid key was sent, else IP + user agent
    (keyed with the server secret, so the stored value reveals neither)."""
    source = f"user:{user_id}" if user_id else f"anon:{ip}\n{user_agent}"
    return hmac.new(secret, source.encode(), hashlib.sha256).hexdigest()


class KbService:
    def __init__(self, repository: KbRepository, vote_secret: bytes) -> None:
        self._repository = repository
        self._vote_secret = vote_secret

    async def search(self, query: str | None, limit: int | None) -> SearchResults:
        text = (query or "").strip()
        if not 1 <= len(text) <= MAX_QUERY:
            raise InvalidRequest(f"q must be 1-{MAX_QUERY} characters", field="q")
        wanted = DEFAULT_RESULTS if limit is None else limit
        if wanted < 1:
            raise InvalidRequest("limit must be at least 1", field="limit")
        hits, total = await self._repository.search(text, min(wanted, MAX_RESULTS))
        results = [
            SearchResult(
                id=hit.article.id,
                title=hit.article.title,
                slug=hit.article.slug,
                excerpt=body_excerpt(hit.article.body, text),
                category=hit.article.category,
                score=float(f"{hit.score:.{SCORE_DIGITS}g}"),
            )
            for hit in hits
        ]
        return SearchResults(query=text, results=results, total=total)

    async def _published(self, slug: str) -> KbArticle:
        article = await self._repository.get_by_slug(slug)
        if article is None or not article.published:
            raise NotFound("Article not found")
        return article

    async def _votes(self, article_id: str) -> VoteCounts:
        return (await self._repository.counts([article_id])).get(article_id, NO_VOTES)

    async def article(self, slug: str) -> ArticleView:
        article = await self._published(slug)
        return article_view(article, await self._votes(article.id))

    async def vote(self, slug: str, body: Any, voter: tuple[str | None, str, str]) -> VoteRecorded:
        """``voter``: (user id when authenticated, client IP, user agent)."""
        helpful = object_body(body).get("helpful")
        if not isinstance(helpful, bool):
            raise InvalidRequest("helpful must be a boolean", field="helpful")
        article = await self._published(slug)
        user_id, ip, agent = voter
        identity = voter_id(self._vote_secret, user_id=user_id, ip=ip, user_agent=agent)
        counts = await self._repository.vote(KbVote(article.id, identity, helpful, utcnow()))
        return VoteRecorded(
            slug=article.slug,
            helpful=helpful,
            helpful_count=counts.helpful,
            not_helpful_count=counts.not_helpful,
        )

    async def admin_list(self, limit: int, offset: int) -> ArticlePage:
        articles, total = await self._repository.page(limit, offset)
        counts = await self._repository.counts([a.id for a in articles])
        return ArticlePage(
            articles=[article_view(a, counts.get(a.id, NO_VOTES)) for a in articles],
            total=total,
            limit=limit,
            offset=offset,
            has_more=offset + len(articles) < total,
        )

    async def create(self, body: Any) -> ArticleView:
        fields = object_body(body)
        title = text_field(fields, "title", MAX_TITLE)
        text_field(fields, "body", MAX_BODY)
        now = utcnow()
        draft = KbArticle(id=new_id(), title=title, slug="", body="", created_at=now)
        article = apply_fields(draft, {"slug": slug_from(title), **fields})
        article.updated_at = now
        return article_view(await self._repository.create(article), NO_VOTES)

    async def _existing(self, article_id: str) -> KbArticle:
        try:
            canonical = str(uuid.UUID(article_id)) == article_id
        except ValueError:
            canonical = False
        article = await self._repository.get(article_id) if canonical else None
        if article is None:
            raise NotFound("Article not found")
        return article

    async def update(self, article_id: str, body: Any) -> ArticleView:
        article = apply_fields(await self._existing(article_id), object_body(body))
        article.updated_at = utcnow()
        saved = await self._repository.save(article)
        return article_view(saved, await self._votes(saved.id))

    async def delete(self, article_id: str) -> None:
        await self._existing(article_id)
        if not await self._repository.delete(article_id):
            raise NotFound("Article not found")
