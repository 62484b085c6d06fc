"""Knowledge-base articles and votes on SQL.

Search runs on the database engine (objects made by migration 0014): FTS5 ranked with
``bm25(fts, 3.0, 1.0)`` on SQLite, the weighted tsvector GIN index ranked with ``ts_rank`` on
PostgreSQL. The user's text only ever reaches the engine as quoted words joined by OR.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Float,
    FromClause,
    RowMapping,
    Select,
    case,
    column,
    delete,
    desc,
    func,
    insert,
    literal_column,
    select,
    table,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.kb_records import (
    KbArticle,
    KbSearchHit,
    KbVote,
    VoteCounts,
    search_terms,
)
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.sql.database import Database, insert_or_replace
from scrapegate.storage.sql.kb_models import KB_ARTICLES, KB_FTS_TABLE, KB_VOTES

# Must be the text of the index expression in migration 0014, or the planner skips the index.
PG_SEARCH_VECTOR: ColumnClause[Any] = literal_column(
    "(setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'B'))"
)
# ts_rank weights are {D, C, B, A} and at most 1: a title (A) occurrence weighs 3x a body (B) one.
PG_RANK_WEIGHTS: ColumnClause[Any] = literal_column("'{0.1, 0.2, 0.33333334, 1.0}'::float4[]")
PG_CONFIG: ColumnClause[Any] = literal_column("'simple'::regconfig")
FTS = table(KB_FTS_TABLE, column("article_id"))
# FTS5 matches and ranks through the hidden column named after its table.
FTS_ROW: ColumnClause[Any] = literal_column(KB_FTS_TABLE)
SCORE = "score"


def fts5_expression(terms: list[str]) -> str:
    """Each word as an FTS5 string (so no word is read as an operator), joined by OR."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def tsquery_expression(terms: list[str]) -> str:
    """Each word as a quoted tsquery lexeme, joined by | (OR)."""
    quoted = (term.replace("\\", "\\\\").replace("'", "''") for term in terms)
    return " | ".join(f"'{term}'" for term in quoted)


def search_source(
    backend: str, terms: list[str]
) -> tuple[FromClause, ColumnElement[bool], ColumnElement[float]]:
    """(FROM clause, match condition, score column) of a search on ``backend``."""
    if backend == "sqlite":
        source = FTS.join(KB_ARTICLES, KB_ARTICLES.c.id == FTS.c.article_id)
        matches = FTS_ROW.op("MATCH", is_comparison=True)(fts5_expression(terms))
        # bm25() is lower-is-better; negated so that every backend scores higher-is-better.
        score = -func.bm25(FTS_ROW, literal_column("3.0"), literal_column("1.0"), type_=Float)
        return source, matches, score
    query = func.to_tsquery(PG_CONFIG, tsquery_expression(terms))
    matches = PG_SEARCH_VECTOR.op("@@", is_comparison=True)(query)
    return KB_ARTICLES, matches, func.ts_rank(PG_RANK_WEIGHTS, PG_SEARCH_VECTOR, query, type_=Float)


def article_of(mapping: RowMapping | dict[str, Any]) -> KbArticle:
    values = dict(mapping)
    values["tags"] = list(values["tags"] or [])
    return KbArticle(**values)


class SqlKbRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, article: KbArticle) -> KbArticle:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(KB_ARTICLES).values(asdict(article)))

        try:
            await self._db.write(work)
        except IntegrityError:
            raise Conflict(f"An article with slug '{article.slug}' exists") from None
        return article

    async def _one(self, condition: ColumnElement[bool]) -> KbArticle | None:
        async def work(conn: AsyncConnection) -> KbArticle | None:
            row = (await conn.execute(select(KB_ARTICLES).where(condition))).first()
            return article_of(row._mapping) if row else None

        return await self._db.read(work)

    async def get(self, article_id: str) -> KbArticle | None:
        return await self._one(KB_ARTICLES.c.id == article_id)

    async def get_by_slug(self, slug: str) -> KbArticle | None:
        return await self._one(KB_ARTICLES.c.slug == slug)

    async def save(self, article: KbArticle) -> KbArticle:
        values = asdict(article)
        statement = update(KB_ARTICLES).where(KB_ARTICLES.c.id == values.pop("id")).values(values)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        try:
            changed = await self._db.write(work)
        except IntegrityError:
            raise Conflict(f"An article with slug '{article.slug}' exists") from None
        if not changed:
            raise NotFound("Article not found")
        return article

    async def delete(self, article_id: str) -> bool:
        async def work(conn: AsyncConnection) -> bool:
            await conn.execute(delete(KB_VOTES).where(KB_VOTES.c.article_id == article_id))
            gone = await conn.execute(delete(KB_ARTICLES).where(KB_ARTICLES.c.id == article_id))
            return bool(gone.rowcount)

        return await self._db.write(work)

    async def page(self, limit: int, offset: int) -> tuple[list[KbArticle], int]:
        query = (
            select(KB_ARTICLES)
            .order_by(KB_ARTICLES.c.created_at.desc(), KB_ARTICLES.c.id.desc())
            .limit(limit)
            .offset(offset)
        )

        async def work(conn: AsyncConnection) -> tuple[list[KbArticle], int]:
            total = (await conn.execute(select(func.count()).select_from(KB_ARTICLES))).scalar()
            rows = await conn.execute(query)
            return [article_of(row._mapping) for row in rows], int(total or 0)

        return await self._db.read(work)

    async def published(self) -> list[KbArticle]:
        query = select(KB_ARTICLES).where(KB_ARTICLES.c.published).order_by(KB_ARTICLES.c.slug)

        async def work(conn: AsyncConnection) -> list[KbArticle]:
            return [article_of(row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def search(self, query: str, limit: int) -> tuple[list[KbSearchHit], int]:
        terms = search_terms(query)
        if not terms:
            return [], 0
        source, matches, score = search_source(self._db.backend, terms)
        condition = matches & KB_ARTICLES.c.published
        ranked: Select[Any] = (
            select(KB_ARTICLES, score.label(SCORE))
            .select_from(source)
            .where(condition)
            .order_by(desc(SCORE), KB_ARTICLES.c.slug)
            .limit(limit)
        )
        counted = select(func.count()).select_from(source).where(condition)

        async def work(conn: AsyncConnection) -> tuple[list[KbSearchHit], int]:
            total = (await conn.execute(counted)).scalar()
            hits = []
            for row in await conn.execute(ranked):
                values = dict(row._mapping)
                hit_score = float(values.pop(SCORE))
                hits.append(KbSearchHit(article_of(values), hit_score))
            return hits, int(total or 0)

        return await self._db.read(work)

    async def vote(self, vote: KbVote) -> VoteCounts:
        statement = insert_or_replace(self._db.backend, KB_VOTES, asdict(vote))

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        await self._db.write(work)
        return (await self.counts([vote.article_id])).get(vote.article_id, VoteCounts(0, 0))

    async def counts(self, article_ids: list[str]) -> dict[str, VoteCounts]:
        if not article_ids:
            return {}
        helpful = func.sum(case((KB_VOTES.c.helpful, 1), else_=0))
        query = (
            select(KB_VOTES.c.article_id, helpful, func.count())
            .where(KB_VOTES.c.article_id.in_(article_ids))
            .group_by(KB_VOTES.c.article_id)
        )

        async def work(conn: AsyncConnection) -> dict[str, VoteCounts]:
            rows = (await conn.execute(query)).all()
            return {
                str(aid): VoteCounts(helpful=int(yes), not_helpful=int(total) - int(yes))
                for aid, yes, total in rows
            }

        return await self._db.read(work)
