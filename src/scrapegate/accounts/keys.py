"""API keys: minting, hashing, authenticating; organizations and users they belong to."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from scrapegate.domain.principal import Principal
from scrapegate.domain.records import ApiKey, Organization, User, new_id, utcnow
from scrapegate.errors import Conflict, InvalidRequest, NotFound, Unauthorized
from scrapegate.secret_keys import BASE62
from scrapegate.storage.protocols import Storage

KEY_PREFIX = "sk_live_"
VALID_SCOPES = ("read", "write", "admin")
_SLUG_RE = re.compile(r"[^a-z0-9]+")


def generate_key() -> str:
    return KEY_PREFIX + "".join(secrets.choice(BASE62) for _ in range(32))


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def slugify(name: str) -> str:
    return _SLUG_RE.sub("-", name.lower()).strip("-") or "org"


def parse_scopes(text: str | None) -> tuple[str, ...]:
    if not text:
        return ("read", "write")
    scopes = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    unknown = [s for s in scopes if s not in VALID_SCOPES]
    if unknown or not scopes:
        raise InvalidRequest(f"scopes must be a subset of: {', '.join(VALID_SCOPES)}", "scopes")
    return scopes


@dataclass(frozen=True)
class MintedKey:
    raw: str
    key: ApiKey
    org: Organization


# A key whose TTL lapsed this recently is still served while it is read again.
STALE_GRACE_S = 30.0


class KeyService:
    def __init__(
        self, storage: Storage, default_balance: int, principal_ttl_s: float = 5.0
    ) -> None:
        self._storage = storage
        self._default_balance = default_balance
        # Authenticated keys are remembered briefly: two reads saved on every request. A
        # revocation here takes effect at once; one made by another process after the TTL and
        # the one request that starts the key's reload.
        self._principal_ttl_s = principal_ttl_s
        self._principals: dict[str, tuple[float, Principal]] = {}
        # One load per key at a time: when the TTL lapses under load, every request in flight
        # would otherwise read the key and its organization at the same moment.
        self._loading: dict[str, asyncio.Task[Principal]] = {}

    async def ensure_org(self, name: str) -> Organization:
        """The organization with this name's slug, created (with its owner user and the default
        balance) when missing."""
        slug = slugify(name)
        org = await self._storage.organizations.get_by_slug(slug)
        if org is not None:
            return org
        org = Organization(id=new_id(), name=name, slug=slug, is_personal=True)
        try:
            org = await self._storage.organizations.create(org)
        except Conflict:
            found = await self._storage.organizations.get_by_slug(slug)
            if found is None:
                raise
            return found
        await self._storage.users.create(User(id=new_id(), name=slug, personal_org_id=org.id))
        if self._default_balance:
            await self._storage.ledger.apply(
                org.id,
                self._default_balance,
                "deposit",
                idempotency_key=f"welcome:{org.id}",
                note="initial balance",
            )
        return org

    async def create_key(
        self,
        *,
        org_name: str,
        name: str,
        scopes: tuple[str, ...] = ("read", "write"),
        raw: str | None = None,
        rpm_limit: int | None = None,
    ) -> MintedKey:
        org = await self.ensure_org(org_name)
        user = await self._storage.users.get_by_name(org.slug)
        raw = raw or generate_key()
        key = ApiKey(
            id=new_id(),
            org_id=org.id,
            user_id=user.id if user else org.id,
            name=name,
            key_hash=hash_key(raw),
            key_prefix=raw[:12],
            scopes=scopes,
            rpm_limit=rpm_limit,
        )
        await self._storage.api_keys.create(key)
        return MintedKey(raw=raw, key=key, org=org)

    async def authenticate(self, raw: str | None) -> Principal:
        if not raw:
            raise Unauthorized("Missing API key", {"reason": "missing"})
        digest = hash_key(raw)
        remembered = self._principals.get(digest)
        now = time.monotonic()
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        if remembered is not None and remembered[0] + STALE_GRACE_S > now:
            self._loaded(digest)  # refreshed in the background; this request does not wait
            return remembered[1]
        return await asyncio.shield(self._loaded(digest))

    def _loaded(self, digest: str) -> asyncio.Task[Principal]:
        task = self._loading.get(digest)
        if task is None:
            task = asyncio.create_task(self._load_and_remember(digest))
            self._loading[digest] = task
            task.add_done_callback(lambda done: self._settled(digest, done))
        return task

    def _settled(self, digest: str, task: asyncio.Task[Principal]) -> None:
        self._loading.pop(digest, None)
        if not task.cancelled():
            task.exception()  # a background refresh's failure is seen by the next request

    async def _load_and_remember(self, digest: str) -> Principal:
        try:
            principal = await self._load_principal(digest)
        except Unauthorized:
            self._principals.pop(digest, None)  # revoked or suspended: the next request is told
            raise
        if len(self._principals) > 10_000:
            self._principals.clear()
        self._principals[digest] = (time.monotonic() + self._principal_ttl_s, principal)
        return principal

    async def _load_principal(self, digest: str) -> Principal:
        key = await self._storage.api_keys.get_by_hash(digest)
        if key is None:
            raise Unauthorized("Invalid API key", {"reason": "invalid"})
        if not key.active:
            raise Unauthorized("API key is disabled", {"reason": "disabled"})
        org = await self._storage.organizations.get(key.org_id)
        if org is None or org.suspended:
            raise Unauthorized("Organization is suspended", {"reason": "organization_suspended"})
        return Principal(key=key, org=org)

    async def revoke(self, key_id: str) -> None:
        if not await self._storage.api_keys.revoke(key_id, utcnow()):
            raise NotFound("API key not found")
        self._principals = {h: p for h, p in self._principals.items() if p[1].key.id != key_id}
