"""An aiosqlite-shaped SQLite driver whose calls run on the caller's thread, to completion.

SQLAlchemy's aiosqlite dialect drives it unchanged. aiosqlite hands every call (cursor, execute,
fetch, close) to a thread of its own and waits for the answer: a dozen thread round trips per
transaction, which cost more CPU than the SQL itself. A local SQLite statement takes microseconds,
so running it inline is cheaper; and since nothing here ever suspends, a transaction can no longer
be interleaved with another one of the same event loop.

Waiting for a lock another *process* holds does block the loop, for at most the busy timeout; the
repositories' write retry (``Database.write``) then backs off asynchronously.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

Row = tuple[Any, ...]


class _CallQueue:
    """Stands in for aiosqlite's queue to its thread: SQLAlchemy's isolation-level setter puts a
    ``(future, function)`` pair on it; the function runs now and settles the future."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # handed to whoever awaits the future, as aiosqlite does
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class Cursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    def __aiter__(self) -> AsyncIterator[Row]:
        return self._rows()

    async def _rows(self) -> AsyncIterator[Row]:
        for row in self._cursor:
            yield row

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor:
        self._cursor.execute(sql, () if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Cursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Row | None:
        row: Row | None = self._cursor.fetchone()
        return row

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Row]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *_sizes: object) -> None:
        return None

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class Connection:
    """The parts of ``aiosqlite.Connection`` SQLAlchemy uses (``_conn``, ``_connection`` and
    ``_tx`` included: its adapter reaches for them)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._tx = _CallQueue()

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> Cursor:
        return Cursor(self._conn.cursor())

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """aiosqlite's forced close (SQLAlchemy's terminate): the same as closing here."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


async def connect(database: str) -> Connection:
    # The pool may close a connection from another thread (garbage collection, disposal).
    return Connection(sqlite3.connect(database, check_same_thread=False))
