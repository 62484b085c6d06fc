"""Bytes of support attachments on disk, under ``<data_dir>/support``.

Not the artifact store's directory: ``LocalArtifactStore.purge`` deletes everything in its root
once ``artifacts.ttl_s`` passes and has no per-file delete, while attachments live until their
ticket is erased and GDPR erasure must remove single files.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from scrapegate.domain.records import new_id


class SupportFileStore:
    def __init__(self, root: Path) -> None:
        self._root = root

    @property
    def root(self) -> Path:
        return self._root

    def _path(self, attachment_id: str) -> Path | None:
        # Ids are uuids; anything else could step outside the root.
        if not attachment_id.replace("-", "").isalnum():
            return None
        return self._root / f"{attachment_id}.bin"

    def new_upload(self) -> tuple[Path, int]:
        """A fresh temporary file in the store's directory (same filesystem: rename is atomic)."""
        self._root.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"upload-{new_id()}-", suffix=".part", dir=self._root)
        return Path(name), fd

    async def commit(self, temporary: Path, attachment_id: str) -> None:
        target = self._path(attachment_id)
        if target is None:
            raise ValueError("attachment ids are uuids")
        await asyncio.to_thread(os.replace, temporary, target)

    def path_of(self, attachment_id: str) -> Path | None:
        """The file of an attachment when it exists."""
        path = self._path(attachment_id)
        return path if path is not None and path.is_file() else None

    async def delete(self, attachment_id: str) -> bool:
        path = self._path(attachment_id)
        if path is None:
            return False
        return await asyncio.to_thread(_remove, path)

    async def discard(self, temporary: Path) -> None:
        await asyncio.to_thread(_remove, temporary)


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
