"""Organizations, users and API keys."""

from __future__ import annotations

from datetime import UTC

import pytest

from scrapegate.domain.records import Organization, User, new_id
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.protocols import Storage
from tests.contract.factories import add_org, add_user, at, make_key

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_organization_roundtrip_and_lookups(storage: Storage) -> None:
    org = Organization(
        id=new_id(), name="Acme Inc", slug="acme", is_personal=True, created_at=at(0)
    )
    await storage.organizations.create(org)

    assert await storage.organizations.get(org.id) == org
    assert await storage.organizations.get_by_slug("acme") == org
    assert await storage.organizations.get("missing") is None
    assert await storage.organizations.get_by_slug("missing") is None


async def test_list_all_is_oldest_first(storage: Storage) -> None:
    first = await add_org(storage, "first")
    second = await add_org(storage, "second")
    listed = [o.id for o in await storage.organizations.list_all()]
    assert listed.index(first.id) < listed.index(second.id)
    assert len(listed) == 2


async def test_organization_slug_is_unique(storage: Storage) -> None:
    await add_org(storage, "acme")
    with pytest.raises(Conflict):
        await add_org(storage, "acme")


async def test_records_carry_utc_aware_timestamps(storage: Storage) -> None:
    org = await add_org(storage)
    stored = await storage.organizations.get(org.id)
    assert stored is not None
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset() == UTC.utcoffset(None)
    assert stored.created_at == org.created_at


async def test_returned_records_are_copies(storage: Storage) -> None:
    org = await add_org(storage)
    fetched = await storage.organizations.get(org.id)
    assert fetched is not None
    fetched.name = "changed without saving"
    again = await storage.organizations.get(org.id)
    assert again is not None and again.name == org.name


async def test_user_roundtrip_and_lookups(storage: Storage) -> None:
    org = await add_org(storage)
    user = User(id=new_id(), name="alice", personal_org_id=org.id, is_admin=True, created_at=at(5))
    await storage.users.create(user)

    assert await storage.users.get(user.id) == user
    assert await storage.users.get_by_name("alice") == user
    assert await storage.users.get("missing") is None
    assert await storage.users.get_by_name("bob") is None


async def test_user_name_is_unique_and_needs_an_organization(storage: Storage) -> None:
    org = await add_org(storage)
    await add_user(storage, org, "alice")
    with pytest.raises(Conflict):
        await add_user(storage, org, "alice")
    with pytest.raises(NotFound):
        await storage.users.create(User(id=new_id(), name="bob", personal_org_id="no-such-org"))


async def test_api_key_roundtrip_and_hash_lookup(storage: Storage) -> None:
    org = await add_org(storage)
    user = await add_user(storage, org)
    key = make_key(
        org,
        user,
        "sg_live_0123456789",
        scopes=("read",),
        rpm_limit=60,
        concurrency_limit=3,
        created_at=at(1),
    )
    await storage.api_keys.create(key)

    assert await storage.api_keys.get(key.id) == key
    by_hash = await storage.api_keys.get_by_hash(key.key_hash)
    assert by_hash == key
    assert by_hash is not None and by_hash.scopes == ("read",) and by_hash.active
    assert await storage.api_keys.get_by_hash("0" * 64) is None
    assert await storage.api_keys.get("missing") is None


async def test_api_key_hash_is_unique(storage: Storage) -> None:
    org = await add_org(storage)
    user = await add_user(storage, org)
    await storage.api_keys.create(make_key(org, user, "same-secret-123"))
    with pytest.raises(Conflict):
        await storage.api_keys.create(make_key(org, user, "same-secret-123"))


async def test_api_key_needs_existing_organization_and_user(storage: Storage) -> None:
    org = await add_org(storage)
    user = await add_user(storage, org)
    with pytest.raises(NotFound):
        await storage.api_keys.create(make_key(org, user, "secret-aaaa", user_id="no-such-user"))
    with pytest.raises(NotFound):
        await storage.api_keys.create(make_key(org, user, "secret-bbbb", org_id="no-such-org"))


async def test_list_for_org_is_newest_first_and_includes_revoked(storage: Storage) -> None:
    org = await add_org(storage)
    other = await add_org(storage, "other")
    user = await add_user(storage, org)
    old = await storage.api_keys.create(make_key(org, user, "secret-old", created_at=at(1)))
    new = await storage.api_keys.create(make_key(org, user, "secret-new", created_at=at(2)))
    await storage.api_keys.create(make_key(other, user, "secret-other", created_at=at(3)))
    assert await storage.api_keys.revoke(old.id, at(10))

    listed = await storage.api_keys.list_for_org(org.id)

    assert [k.id for k in listed] == [new.id, old.id]
    assert listed[1].revoked_at == at(10) and not listed[1].active
    assert await storage.api_keys.list_for_org("nobody") == []


async def test_revoke_only_once(storage: Storage) -> None:
    org = await add_org(storage)
    user = await add_user(storage, org)
    key = await storage.api_keys.create(make_key(org, user, "secret-revoke"))

    assert await storage.api_keys.revoke(key.id, at(1)) is True
    assert await storage.api_keys.revoke(key.id, at(2)) is False
    assert await storage.api_keys.revoke("missing", at(2)) is False
    stored = await storage.api_keys.get(key.id)
    assert stored is not None and stored.revoked_at == at(1)


async def test_touch_records_last_use(storage: Storage) -> None:
    org = await add_org(storage)
    user = await add_user(storage, org)
    key = await storage.api_keys.create(make_key(org, user, "secret-touch"))
    assert key.last_used_at is None

    await storage.api_keys.touch(key.id, at(30))
    await storage.api_keys.touch("missing", at(30))

    stored = await storage.api_keys.get(key.id)
    assert stored is not None and stored.last_used_at == at(30)
