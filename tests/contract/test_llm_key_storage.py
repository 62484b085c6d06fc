"""Organizations' own LLM keys on every backend: scoping, one active key per provider, soft
delete, updates."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from scrapegate.domain.llm_key_records import LlmKey
from scrapegate.domain.records import new_id
from scrapegate.errors import Conflict
from scrapegate.storage.protocols import Storage
from tests.contract.factories import at

pytestmark = pytest.mark.asyncio(loop_scope="session")

ORG, OTHER = "org-1", "org-2"


def key(provider: str = "openai", org: str = ORG, seconds: float = 0, **fields: Any) -> LlmKey:
    values: dict[str, Any] = {"user_id": "user-1", "sealed_key": "v1.x.y", "key_hint": "…abcd"}
    values.update(fields)
    return LlmKey(
        id=new_id(),
        org_id=org,
        provider=provider,
        created_at=at(seconds),
        updated_at=at(seconds),
        **values,
    )


async def test_keys_are_scoped_to_their_organization(storage: Storage) -> None:
    mine = await storage.llm_keys.create(key())
    await storage.llm_keys.create(key(org=OTHER))
    assert await storage.llm_keys.get(ORG, mine.id) == mine
    assert await storage.llm_keys.get(OTHER, mine.id) is None
    assert [k.id for k in await storage.llm_keys.list_active(ORG)] == [mine.id]
    assert not await storage.llm_keys.soft_delete(OTHER, mine.id, at(5))
    assert not await storage.llm_keys.save(replace(mine, org_id=OTHER, key_alias="stolen"))
    assert (await storage.llm_keys.get(ORG, mine.id)) == mine


async def test_one_active_key_per_provider_and_base_url(storage: Storage) -> None:
    first = await storage.llm_keys.create(key())
    with pytest.raises(Conflict):
        await storage.llm_keys.create(key())
    local = key("openai_compatible", base_url="http://127.0.0.1:1/v1")
    await storage.llm_keys.create(local)
    await storage.llm_keys.create(key("openai_compatible", base_url="http://127.0.0.1:2/v1"))
    with pytest.raises(Conflict):
        await storage.llm_keys.create(key("openai_compatible", base_url="http://127.0.0.1:1/v1"))
    assert await storage.llm_keys.soft_delete(ORG, first.id, at(9))
    again = await storage.llm_keys.create(key(seconds=10))
    listed = await storage.llm_keys.list_active(ORG)
    assert listed[0].id == again.id and first.id not in {k.id for k in listed}
    assert await storage.llm_keys.get(ORG, first.id) is None


async def test_save_and_mark_used(storage: Storage) -> None:
    stored = await storage.llm_keys.create(key())
    changed = replace(stored, key_alias="work", is_valid=True, updated_at=at(3))
    assert await storage.llm_keys.save(changed)
    await storage.llm_keys.mark_used(stored.id, at(7))
    found = await storage.llm_keys.get(ORG, stored.id)
    assert found == replace(changed, last_used_at=at(7))
