"""Blog comments and reactions on SQL."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.blog_records import BlogComment, BlogReaction, CommentPage, CommentStatus
from scrapegate.storage.sql.blog_models import BLOG_COMMENTS, BLOG_REACTIONS
from scrapegate.storage.sql.database import Database


def reaction_lock_key(reaction: BlogReaction) -> int:
    """A signed 64-bit advisory-lock key for one (post, type, visitor) triple."""
    material = "\0".join(("blog-reaction", reaction.post_slug, reaction.reaction))
    digest = hashlib.sha256(f"{material}\0{reaction.visitor_hash}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SqlBlogRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_comment(self, comment: BlogComment) -> BlogComment:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(BLOG_COMMENTS).values(asdict(comment)))

        await self._db.write(work)
        return comment

    async def get_comment(self, comment_id: str) -> BlogComment | None:
        query = select(BLOG_COMMENTS).where(BLOG_COMMENTS.c.id == comment_id)

        async def work(conn: AsyncConnection) -> BlogComment | None:
            row = (await conn.execute(query)).first()
            return BlogComment(**row._mapping) if row else None

        return await self._db.read(work)

    async def list_comments(
        self, status: CommentStatus | None, limit: int, offset: int
    ) -> CommentPage:
        table = BLOG_COMMENTS
        where = [table.c.status == status] if status is not None else []
        page = (
            select(table)
            .where(*where)
            .order_by(table.c.created_at.desc(), table.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        count = select(func.count()).select_from(table).where(*where)

        async def work(conn: AsyncConnection) -> CommentPage:
            rows = [BlogComment(**row._mapping) for row in await conn.execute(page)]
            return CommentPage(rows, int((await conn.execute(count)).scalar_one()))

        return await self._db.read(work)

    async def approved_comments(self, post_slug: str) -> list[BlogComment]:
        table = BLOG_COMMENTS
        query = (
            select(table)
            .where(table.c.post_slug == post_slug, table.c.status == "approved")
            .order_by(table.c.created_at, table.c.id)
        )

        async def work(conn: AsyncConnection) -> list[BlogComment]:
            return [BlogComment(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def set_comment_status(
        self, comment_id: str, status: CommentStatus, at: datetime
    ) -> BlogComment | None:
        table = BLOG_COMMENTS
        statement = (
            update(table)
            .where(table.c.id == comment_id)
            .values(status=status, moderated_at=at)
            .returning(*table.c)
        )

        async def work(conn: AsyncConnection) -> BlogComment | None:
            row = (await conn.execute(statement)).first()
            return BlogComment(**row._mapping) if row else None

        return await self._db.write(work)

    async def delete_comment(self, comment_id: str) -> bool:
        table = BLOG_COMMENTS

        async def work(conn: AsyncConnection) -> bool:
            parent = select(table.c.parent_id).where(table.c.id == comment_id)
            row = (await conn.execute(parent)).first()
            if row is None:
                return False
            await conn.execute(
                update(table).where(table.c.parent_id == comment_id).values(parent_id=row[0])
            )
            await conn.execute(delete(table).where(table.c.id == comment_id))
            return True

        return await self._db.write(work)

    async def add_reaction(self, reaction: BlogReaction, window_start: datetime) -> bool:
        table = BLOG_REACTIONS
        recent = (
            select(table.c.id)
            .where(
                table.c.post_slug == reaction.post_slug,
                table.c.visitor_hash == reaction.visitor_hash,
                table.c.reaction == reaction.reaction,
                table.c.created_at >= window_start,
            )
            .limit(1)
        )

        async def work(conn: AsyncConnection) -> bool:
            # SQLite writers already hold the database write lock (BEGIN IMMEDIATE); PostgreSQL
            # writers serialise on a transaction lock of this (post, type, visitor) triple, so
            # no second writer can pass the check before the first one's row is committed.
            if self._db.backend == "postgresql":
                lock = text("SELECT pg_advisory_xact_lock(:key)")
                await conn.execute(lock, {"key": reaction_lock_key(reaction)})
            if (await conn.execute(recent)).first() is not None:
                return False
            await conn.execute(insert(table).values(asdict(reaction)))
            return True

        return await self._db.write(work)

    async def reaction_counts(self, post_slug: str) -> dict[str, int]:
        table = BLOG_REACTIONS
        query = (
            select(table.c.reaction, func.count())
            .where(table.c.post_slug == post_slug)
            .group_by(table.c.reaction)
        )

        async def work(conn: AsyncConnection) -> dict[str, int]:
            return {str(kind): int(n) for kind, n in await conn.execute(query)}

        return await self._db.read(work)

    async def visitor_reactions(
        self, post_slug: str, visitor_hash: str, since: datetime
    ) -> set[str]:
        table = BLOG_REACTIONS
        query = (
            select(table.c.reaction)
            .where(
                table.c.post_slug == post_slug,
                table.c.visitor_hash == visitor_hash,
                table.c.created_at >= since,
            )
            .distinct()
        )

        async def work(conn: AsyncConnection) -> set[str]:
            return {str(kind) for kind in (await conn.execute(query)).scalars()}

        return await self._db.read(work)
