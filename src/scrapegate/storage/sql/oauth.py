"""OAuth clients, authorization codes and grants on SQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.oauth_records import OAuthClient, OAuthCode, OAuthGrant
from scrapegate.errors import Conflict
from scrapegate.storage.sql.database import Database, insert_or_replace
from scrapegate.storage.sql.oauth_models import OAUTH_CLIENTS, OAUTH_CODES, OAUTH_GRANTS


class SqlOAuthRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create_client(self, client: OAuthClient) -> OAuthClient:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(OAUTH_CLIENTS).values(asdict(client)))

        try:
            await self._db.write(work)
        except IntegrityError:
            raise Conflict(f"OAuth client {client.id!r} already exists") from None
        return client

    async def get_client(self, client_id: str) -> OAuthClient | None:
        query = select(OAUTH_CLIENTS).where(OAUTH_CLIENTS.c.id == client_id)

        async def work(conn: AsyncConnection) -> OAuthClient | None:
            row = (await conn.execute(query)).first()
            return OAuthClient(**row._mapping) if row else None

        return await self._db.read(work)

    async def list_clients(self) -> list[OAuthClient]:
        query = select(OAUTH_CLIENTS).order_by(OAUTH_CLIENTS.c.created_at, OAUTH_CLIENTS.c.id)

        async def work(conn: AsyncConnection) -> list[OAuthClient]:
            return [OAuthClient(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def delete_client(self, client_id: str) -> bool:
        statement = delete(OAUTH_CLIENTS).where(OAUTH_CLIENTS.c.id == client_id)

        async def work(conn: AsyncConnection) -> bool:
            return bool((await conn.execute(statement)).rowcount)

        return await self._db.write(work)

    async def create_code(self, code: OAuthCode) -> None:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(OAUTH_CODES).values(asdict(code)))

        try:
            await self._db.write(work)
        except IntegrityError:
            raise Conflict("authorization code already exists") from None

    async def get_code(self, code_hash: str) -> OAuthCode | None:
        query = select(OAUTH_CODES).where(OAUTH_CODES.c.code_hash == code_hash)

        async def work(conn: AsyncConnection) -> OAuthCode | None:
            row = (await conn.execute(query)).first()
            return OAuthCode(**row._mapping) if row else None

        return await self._db.read(work)

    async def consume_code(self, code_hash: str, at: datetime) -> bool:
        # The conditional UPDATE is the single-use guarantee: one writer sees rowcount 1.
        statement = (
            update(OAUTH_CODES)
            .where(OAUTH_CODES.c.code_hash == code_hash, OAUTH_CODES.c.used_at.is_(None))
            .values(used_at=at)
        )

        async def work(conn: AsyncConnection) -> bool:
            return (await conn.execute(statement)).rowcount == 1

        return await self._db.write(work)

    async def attach_key(self, code_hash: str, api_key_id: str) -> None:
        statement = (
            update(OAUTH_CODES)
            .where(OAUTH_CODES.c.code_hash == code_hash)
            .values(api_key_id=api_key_id)
        )

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        await self._db.write(work)

    async def replace_grant(self, grant: OAuthGrant) -> str | None:
        query = (
            select(OAUTH_GRANTS.c.api_key_id)
            .where(
                OAUTH_GRANTS.c.client_id == grant.client_id,
                OAUTH_GRANTS.c.user_id == grant.user_id,
            )
            .with_for_update()
        )
        upsert = insert_or_replace(self._db.backend, OAUTH_GRANTS, asdict(grant))

        async def work(conn: AsyncConnection) -> str | None:
            previous = (await conn.execute(query)).scalar()
            await conn.execute(upsert)
            return str(previous) if previous is not None else None

        return await self._db.write(work)

    async def purge_codes(self, expired_before: datetime) -> int:
        statement = delete(OAUTH_CODES).where(OAUTH_CODES.c.expires_at < expired_before)

        async def work(conn: AsyncConnection) -> int:
            return (await conn.execute(statement)).rowcount

        return await self._db.write(work)
