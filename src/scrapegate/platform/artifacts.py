"""Signed, expiring links to stored artifacts."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from scrapegate.domain.records import utcnow
from scrapegate.fetchers.base import Artifact
from scrapegate.storage.artifacts import ArtifactStore, StoredArtifact


class ArtifactLinks:
    def __init__(self, store: ArtifactStore, signing_key: bytes, base_url: str, ttl_s: int) -> None:
        self.store = store
        self._key = signing_key
        self._base_url = base_url.rstrip("/")
        self._ttl_s = ttl_s

    def signature(self, artifact_id: str, exp: int) -> str:
        return hmac.new(self._key, f"{artifact_id}.{exp}".encode(), hashlib.sha256).hexdigest()

    def url_for(self, meta: StoredArtifact) -> str:
        exp = int(meta.expires_at.timestamp())
        return (
            f"{self._base_url}/api/v1/artifacts/{meta.id}"
            f"?exp={exp}&sig={self.signature(meta.id, exp)}"
        )

    def signature_valid(self, artifact_id: str, exp: int, sig: str, now: datetime) -> bool:
        if exp < int(now.timestamp()):
            return False
        return hmac.compare_digest(self.signature(artifact_id, exp), sig)

    async def save(self, org_id: str, artifact: Artifact) -> str:
        now = utcnow()
        meta = await self.store.put(
            org_id, artifact.content_type, artifact.data, now, now + timedelta(seconds=self._ttl_s)
        )
        return self.url_for(meta)
