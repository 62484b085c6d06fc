"""Throw-away PostgreSQL databases on the loopback server of ``scripts/pg.sh``."""

from __future__ import annotations

import asyncpg
from sqlalchemy.engine import make_url


async def pg_admin(pg_url: str, sql: str) -> None:
    """Run ``sql`` (CREATE/DROP DATABASE) on the server's ``postgres`` database."""
    url = make_url(pg_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, database="postgres"
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
