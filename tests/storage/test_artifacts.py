"""Artifact stores (local directory and in-memory) and signed links."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scrapegate.domain.records import utcnow
from scrapegate.fetchers.base import Artifact
from scrapegate.platform.artifacts import ArtifactLinks
from scrapegate.storage.artifacts import ArtifactStore, LocalArtifactStore, MemoryArtifactStore


@pytest.fixture(params=["local", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    return LocalArtifactStore(tmp_path / "a") if request.param == "local" else MemoryArtifactStore()


async def test_roundtrip_until_expiry_then_purged(store: ArtifactStore) -> None:
    now = utcnow()
    meta = await store.put("org", "image/png", b"\x89PNG...", now, now + timedelta(seconds=60))
    found = await store.get(meta.id, now)
    assert found is not None and found[1] == b"\x89PNG..." and found[0].content_type == "image/png"
    assert await store.get(meta.id, now + timedelta(seconds=61)) is None
    assert await store.get("missing", now) is None
    assert await store.purge(now + timedelta(seconds=61)) == 1
    assert await store.get(meta.id, now) is None


async def test_signed_links_verify_and_expire() -> None:
    links = ArtifactLinks(MemoryArtifactStore(), b"k" * 32, "http://h:1/", 60)
    url = await links.save("org", Artifact("screenshot", "image/png", b"x"))
    assert url.startswith("http://h:1/api/v1/artifacts/")
    artifact_id = url.split("/artifacts/")[1].split("?")[0]
    query = dict(p.split("=") for p in url.split("?")[1].split("&"))
    exp, sig = int(query["exp"]), query["sig"]
    assert links.signature_valid(artifact_id, exp, sig, utcnow())
    assert not links.signature_valid(artifact_id, exp, "0" * 64, utcnow())
    assert not links.signature_valid(artifact_id, exp, sig, utcnow() + timedelta(seconds=120))
