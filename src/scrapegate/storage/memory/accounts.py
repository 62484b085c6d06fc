"""Organizations, users and API keys in memory."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from scrapegate.domain.records import ApiKey, Organization, User
from scrapegate.errors import Conflict, NotFound
from scrapegate.storage.memory.state import MemoryState, detached


class MemoryOrganizationRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def create(self, org: Organization) -> Organization:
        orgs = self._state.organizations
        if org.id in orgs or any(o.slug == org.slug for o in orgs.values()):
            raise Conflict(f"organization slug {org.slug!r} or id already exists")
        orgs[org.id] = detached(org)
        return org

    async def get(self, org_id: str) -> Organization | None:
        return detached(self._state.organizations.get(org_id))

    async def get_by_slug(self, slug: str) -> Organization | None:
        found = (o for o in self._state.organizations.values() if o.slug == slug)
        return detached(next(found, None))

    async def list_all(self) -> list[Organization]:
        orgs = sorted(self._state.organizations.values(), key=lambda o: (o.created_at, o.id))
        return [detached(org) for org in orgs]


class MemoryUserRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def create(self, user: User) -> User:
        self._state.require_organization(user.personal_org_id)
        users = self._state.users
        if user.id in users or any(u.name == user.name for u in users.values()):
            raise Conflict(f"user name {user.name!r} or id already exists")
        users[user.id] = detached(user)
        return user

    async def get(self, user_id: str) -> User | None:
        return detached(self._state.users.get(user_id))

    async def get_by_name(self, name: str) -> User | None:
        found = (u for u in self._state.users.values() if u.name == name)
        return detached(next(found, None))


class MemoryApiKeyRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def create(self, key: ApiKey) -> ApiKey:
        self._state.require_organization(key.org_id)
        if key.user_id not in self._state.users:
            raise NotFound(f"user {key.user_id} does not exist")
        keys = self._state.api_keys
        if key.id in keys or any(k.key_hash == key.key_hash for k in keys.values()):
            raise Conflict("an API key with this id or hash already exists")
        keys[key.id] = detached(replace(key, scopes=tuple(key.scopes)))
        return key

    async def get(self, key_id: str) -> ApiKey | None:
        return detached(self._state.api_keys.get(key_id))

    async def get_by_hash(self, key_hash: str) -> ApiKey | None:
        found = (k for k in self._state.api_keys.values() if k.key_hash == key_hash)
        return detached(next(found, None))

    async def list_for_org(self, org_id: str) -> list[ApiKey]:
        keys = [k for k in self._state.api_keys.values() if k.org_id == org_id]
        keys.sort(key=lambda k: (k.created_at, k.id), reverse=True)
        return detached(keys)

    async def revoke(self, key_id: str, at: datetime) -> bool:
        key = self._state.api_keys.get(key_id)
        if key is None or key.revoked_at is not None:
            return False
        key.revoked_at = at
        return True

    async def touch(self, key_id: str, at: datetime) -> None:
        key = self._state.api_keys.get(key_id)
        if key is not None:
            key.last_used_at = at
