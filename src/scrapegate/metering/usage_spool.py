"""The request log's spool: append-only JSON-lines files under the data directory.

Rows go here when the in-memory queue is full, the database is failing, or the process stops
before they were written; the writer feeds them back into the database and deletes a file only
after every row in it was stored. Each process owns its files through an flock on
``<token>.lock``; a file whose owner's lock can be taken belongs to a process that has gone, and
the next process to start adopts it. Rows keep their ids, so a replay stores each row once.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import IO, get_type_hints

from scrapegate.domain.records import UsageRow

log = logging.getLogger(__name__)
SPOOL_DIRECTORY = "request-log-spool"
_FIELDS = frozenset(f.name for f in fields(UsageRow))
_DATETIME_FIELDS = tuple(
    name for name, hint in get_type_hints(UsageRow).items() if hint in (datetime, datetime | None)
)


def encode_row(row: UsageRow) -> str:
    # Shallow, by field name: the general codec (to_jsonable) costs several times more per row.
    columns = {name: getattr(row, name) for name in _FIELDS}
    return json.dumps(columns, default=_iso, separators=(",", ":"))


def decode_row(line: str) -> UsageRow:
    data = json.loads(line)
    if not isinstance(data, dict):
        raise TypeError(f"a spooled row is a JSON object, not {type(data).__name__}")
    values = {name: value for name, value in data.items() if name in _FIELDS}
    for name in _DATETIME_FIELDS:
        if isinstance(values.get(name), str):
            values[name] = datetime.fromisoformat(values[name])
    return UsageRow(**values)


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot spool a {type(value).__name__}")


@dataclass(frozen=True)
class SpoolChunk:
    """Rows read from a spool file, and the byte offset just after them."""

    rows: list[UsageRow]
    end: int


class UsageSpool:
    """The files of one process; every method is blocking file I/O (run it in a thread)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._files_made = 0
        self._locks: dict[str, IO[bytes]] = {}  # owner token -> its held lock file

    def new_path(self) -> Path:
        """A fresh file name of this process (creating the directory and taking its lock)."""
        if self._token not in self._locks:
            self.directory.mkdir(parents=True, exist_ok=True)
            held = self._try_lock(self._token)
            if held is None:  # cannot happen: the token is this process's own
                raise RuntimeError(f"request-log spool lock {self._token} is taken")
            self._locks[self._token] = held
        self._files_made += 1
        return self.directory / f"{self._token}-{self._files_made:06d}.jsonl"

    def write(self, path: Path, rows: list[UsageRow]) -> None:
        """Append ``rows`` to ``path``, durably (one line per row)."""
        with open(path, "a", encoding="utf-8") as handle:
            handle.writelines(encode_row(row) + "\n" for row in rows)
            handle.flush()
            os.fsync(handle.fileno())

    def adopt_orphans(self) -> list[Path]:
        """Files left by processes that have gone, oldest owner's first; this process locks them."""
        if not self.directory.is_dir():
            return []
        by_owner: dict[str, list[Path]] = {}
        for path in sorted(self.directory.glob("*.jsonl")):
            by_owner.setdefault(path.stem.rsplit("-", 1)[0], []).append(path)
        adopted: list[Path] = []
        for token, paths in sorted(by_owner.items(), key=lambda item: item[1][0].stat().st_mtime):
            if token in self._locks or (held := self._try_lock(token)) is None:
                continue  # this process's own, or its owner is still running
            self._locks[token] = held
            adopted.extend(paths)
        return adopted

    def read(self, path: Path, offset: int, limit: int) -> SpoolChunk:
        """Up to ``limit`` rows from byte ``offset``; a torn or unreadable line is skipped."""
        rows: list[UsageRow] = []
        with open(path, "rb") as handle:
            handle.seek(offset)
            while len(rows) < limit and (line := handle.readline()):
                if not line.endswith(b"\n"):
                    log.error("request-log spool %s ends in a torn line: skipped", path.name)
                    return SpoolChunk(rows, handle.tell())
                try:
                    rows.append(decode_row(line.decode("utf-8")))
                except (ValueError, TypeError) as exc:
                    log.error("request-log spool %s: unreadable line skipped: %r", path.name, exc)
            return SpoolChunk(rows, handle.tell())

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)

    def close(self) -> None:
        """Release every lock; a lock file goes once no file of its owner is left."""
        for token, handle in self._locks.items():
            if not any(self.directory.glob(f"{token}-*.jsonl")):
                (self.directory / f"{token}.lock").unlink(missing_ok=True)
            handle.close()
        self._locks.clear()

    def _try_lock(self, token: str) -> IO[bytes] | None:
        handle = open(self.directory / f"{token}.lock", "a+b")  # noqa: SIM115 - held open
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return None
        return handle
