"""Knowledge-base articles and votes on SQL."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import ColumnElement, RowMapping, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.kb_records import KbArticle, KbVote, VoteCounts
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.sql.database import Database, insert_or_replace
from scrapegate.storage.sql.kb_models import KB_ARTICLES, KB_VOTES


def article_of(mapping: RowMapping) -> KbArticle:
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
