"""Organizations, users and API keys on SQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import ColumnElement, RowMapping, Table, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from scrapegate.domain.records import ApiKey, Organization, User
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.sql.database import Database
from scrapegate.storage.sql.models import API_KEYS, ORGANIZATIONS, USERS


async def row_exists(conn: AsyncConnection, table: Table, row_id: str) -> bool:
    return bool(await conn.scalar(select(exists().where(table.c.id == row_id))))


async def require_organization(conn: AsyncConnection, org_id: str) -> None:
    if not await row_exists(conn, ORGANIZATIONS, org_id):
        raise NotFound(f"organization {org_id} does not exist")


class SqlOrganizationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, org: Organization) -> Organization:
        async def work(conn: AsyncConnection) -> None:
            await conn.execute(insert(ORGANIZATIONS).values(asdict(org)))

        try:
            await self._db.write(work)
        except IntegrityError:
            raise Conflict(f"organization slug {org.slug!r} or id already exists") from None
        return org

    async def get(self, org_id: str) -> Organization | None:
        return await self._one(ORGANIZATIONS.c.id == org_id)

    async def get_by_slug(self, slug: str) -> Organization | None:
        return await self._one(ORGANIZATIONS.c.slug == slug)

    async def list_all(self) -> list[Organization]:
        async def work(conn: AsyncConnection) -> list[Organization]:
            query = select(ORGANIZATIONS).order_by(ORGANIZATIONS.c.created_at, ORGANIZATIONS.c.id)
            return [Organization(**row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def _one(self, condition: ColumnElement[bool]) -> Organization | None:
        async def work(conn: AsyncConnection) -> Organization | None:
            row = (await conn.execute(select(ORGANIZATIONS).where(condition))).first()
            return None if row is None else Organization(**row._mapping)

        return await self._db.read(work)


class SqlUserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, user: User) -> User:
        async def work(conn: AsyncConnection) -> None:
            await require_organization(conn, user.personal_org_id)
            await conn.execute(insert(USERS).values(asdict(user)))

        try:
            await self._db.write(work)
        except IntegrityError:
            raise Conflict(f"user name {user.name!r} or id already exists") from None
        return user

    async def get(self, user_id: str) -> User | None:
        return await self._one(USERS.c.id == user_id)

    async def get_by_name(self, name: str) -> User | None:
        return await self._one(USERS.c.name == name)

    async def _one(self, condition: ColumnElement[bool]) -> User | None:
        async def work(conn: AsyncConnection) -> User | None:
            row = (await conn.execute(select(USERS).where(condition))).first()
            return None if row is None else User(**row._mapping)

        return await self._db.read(work)


def _api_key(mapping: RowMapping) -> ApiKey:
    values = dict(mapping)
    values["scopes"] = tuple(values["scopes"])
    return ApiKey(**values)


class SqlApiKeyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(self, key: ApiKey) -> ApiKey:
        values = asdict(key)
        values["scopes"] = list(key.scopes)

        async def work(conn: AsyncConnection) -> None:
            await require_organization(conn, key.org_id)
            if not await row_exists(conn, USERS, key.user_id):
                raise NotFound(f"user {key.user_id} does not exist")
            await conn.execute(insert(API_KEYS).values(values))

        try:
            await self._db.write(work)
        except IntegrityError:
            raise Conflict("an API key with this id or hash already exists") from None
        return key

    async def get(self, key_id: str) -> ApiKey | None:
        return await self._one(API_KEYS.c.id == key_id)

    async def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return await self._one(API_KEYS.c.key_hash == key_hash)

    async def list_for_org(self, org_id: str) -> list[ApiKey]:
        query = (
            select(API_KEYS)
            .where(API_KEYS.c.org_id == org_id)
            .order_by(API_KEYS.c.created_at.desc(), API_KEYS.c.id.desc())
        )

        async def work(conn: AsyncConnection) -> list[ApiKey]:
            return [_api_key(row._mapping) for row in await conn.execute(query)]

        return await self._db.read(work)

    async def revoke(self, key_id: str, at: datetime) -> bool:
        statement = (
            update(API_KEYS)
            .where(API_KEYS.c.id == key_id, API_KEYS.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

        async def work(conn: AsyncConnection) -> bool:
            return (await conn.execute(statement)).rowcount == 1

        return await self._db.write(work)

    async def touch(self, key_id: str, at: datetime) -> None:
        statement = update(API_KEYS).where(API_KEYS.c.id == key_id).values(last_used_at=at)

        async def work(conn: AsyncConnection) -> None:
            await conn.execute(statement)

        await self._db.write(work)

    async def _one(self, condition: ColumnElement[bool]) -> ApiKey | None:
        async def work(conn: AsyncConnection) -> ApiKey | None:
            row = (await conn.execute(select(API_KEYS).where(condition))).first()
            return None if row is None else _api_key(row._mapping)

        return await self._db.read(work)
