"""Artifact storage (screenshots, generated PDFs, snapshots): a protocol, a local directory
implementation and an in-memory one."""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from scrapegate.domain.records import new_id


@dataclass(frozen=True)
class StoredArtifact:
    id: str
    org_id: str
    content_type: str
    size: int
    created_at: datetime
    expires_at: datetime


class ArtifactStore(Protocol):
    async def put(
        self,
        org_id: str,
        content_type: str,
        data: bytes,
        created_at: datetime,
        expires_at: datetime,
    ) -> StoredArtifact: ...

    async def get(self, artifact_id: str, now: datetime) -> tuple[StoredArtifact, bytes] | None:
        """The artifact and its bytes while it has not expired."""
        ...

    async def purge(self, now: datetime) -> int: ...


class MemoryArtifactStore:
    def __init__(self) -> None:
        self._items: dict[str, tuple[StoredArtifact, bytes]] = {}

    async def put(
        self,
        org_id: str,
        content_type: str,
        data: bytes,
        created_at: datetime,
        expires_at: datetime,
    ) -> StoredArtifact:
        meta = StoredArtifact(new_id(), org_id, content_type, len(data), created_at, expires_at)
        self._items[meta.id] = (meta, data)
        return meta

    async def get(self, artifact_id: str, now: datetime) -> tuple[StoredArtifact, bytes] | None:
        item = self._items.get(artifact_id)
        return item if item is not None and item[0].expires_at > now else None

    async def purge(self, now: datetime) -> int:
        gone = [k for k, (meta, _) in self._items.items() if meta.expires_at <= now]
        for key in gone:
            del self._items[key]
        return len(gone)


class LocalArtifactStore:
    """One file per artifact plus a JSON sidecar, under ``root`` (``DATA_DIR/artifacts``)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def _paths(self, artifact_id: str) -> tuple[Path, Path]:
        return self._root / f"{artifact_id}.bin", self._root / f"{artifact_id}.json"

    async def put(
        self,
        org_id: str,
        content_type: str,
        data: bytes,
        created_at: datetime,
        expires_at: datetime,
    ) -> StoredArtifact:
        meta = StoredArtifact(new_id(), org_id, content_type, len(data), created_at, expires_at)
        await asyncio.to_thread(self._write, meta, data)
        return meta

    def _write(self, meta: StoredArtifact, data: bytes) -> None:
        self._root.mkdir(parents=True, exist_ok=True)
        blob, sidecar = self._paths(meta.id)
        blob.write_bytes(data)
        sidecar.write_text(
            json.dumps(
                {
                    "id": meta.id,
                    "org_id": meta.org_id,
                    "content_type": meta.content_type,
                    "size": meta.size,
                    "created_at": meta.created_at.isoformat(),
                    "expires_at": meta.expires_at.isoformat(),
                }
            )
        )

    async def get(self, artifact_id: str, now: datetime) -> tuple[StoredArtifact, bytes] | None:
        return await asyncio.to_thread(self._read, artifact_id, now)

    def _read(self, artifact_id: str, now: datetime) -> tuple[StoredArtifact, bytes] | None:
        blob, sidecar = self._paths(artifact_id)
        if not artifact_id.replace("-", "").isalnum() or not sidecar.exists():
            return None
        meta = _load_meta(sidecar)
        if meta.expires_at <= now or not blob.exists():
            return None
        return meta, blob.read_bytes()

    async def purge(self, now: datetime) -> int:
        return await asyncio.to_thread(self._purge, now)

    def _purge(self, now: datetime) -> int:
        if not self._root.exists():
            return 0
        removed = 0
        for sidecar in self._root.glob("*.json"):
            if _load_meta(sidecar).expires_at <= now:
                blob = sidecar.with_suffix(".bin")
                for path in (blob, sidecar):
                    if path.exists():
                        os.remove(path)
                removed += 1
        return removed


def _load_meta(sidecar: Path) -> StoredArtifact:
    raw = json.loads(sidecar.read_text())
    return StoredArtifact(
        raw["id"],
        raw["org_id"],
        raw["content_type"],
        int(raw["size"]),
        datetime.fromisoformat(raw["created_at"]),
        datetime.fromisoformat(raw["expires_at"]),
    )
