"""OAuth clients, codes and grants in memory."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from scrapegate.domain.oauth_records import OAuthClient, OAuthCode, OAuthGrant
from scrapegate.errors import Conflict
from scrapegate.storage.memory.state import detached


class MemoryOAuthRepository:
    def __init__(self) -> None:
        self._clients: dict[str, OAuthClient] = {}
        self._codes: dict[str, OAuthCode] = {}
        self._grants: dict[tuple[str, str], OAuthGrant] = {}

    async def create_client(self, client: OAuthClient) -> OAuthClient:
        if client.id in self._clients:
            raise Conflict(f"OAuth client {client.id!r} already exists")
        self._clients[client.id] = detached(client)
        return client

    async def get_client(self, client_id: str) -> OAuthClient | None:
        found = self._clients.get(client_id)
        return detached(found) if found else None

    async def list_clients(self) -> list[OAuthClient]:
        ordered = sorted(self._clients.values(), key=lambda c: (c.created_at, c.id))
        return detached(ordered)

    async def delete_client(self, client_id: str) -> bool:
        return self._clients.pop(client_id, None) is not None

    async def create_code(self, code: OAuthCode) -> None:
        if code.code_hash in self._codes:
            raise Conflict("authorization code already exists")
        self._codes[code.code_hash] = detached(code)

    async def get_code(self, code_hash: str) -> OAuthCode | None:
        found = self._codes.get(code_hash)
        return detached(found) if found else None

    async def consume_code(self, code_hash: str, at: datetime) -> bool:
        code = self._codes.get(code_hash)
        if code is None or code.used_at is not None:
            return False
        code.used_at = at
        return True

    async def attach_key(self, code_hash: str, api_key_id: str) -> None:
        code = self._codes.get(code_hash)
        if code is not None:
            code.api_key_id = api_key_id

    async def replace_grant(self, grant: OAuthGrant) -> str | None:
        key = (grant.client_id, grant.user_id)
        previous = self._grants.get(key)
        self._grants[key] = dataclasses.replace(grant)
        return previous.api_key_id if previous else None

    async def purge_codes(self, expired_before: datetime) -> int:
        stale = [h for h, c in self._codes.items() if c.expires_at < expired_before]
        for code_hash in stale:
            del self._codes[code_hash]
        return len(stale)
