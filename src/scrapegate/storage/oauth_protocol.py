"""Storage of OAuth clients, authorization codes and grants."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from scrapegate.domain.oauth_records import OAuthClient, OAuthCode, OAuthGrant


class OAuthRepository(Protocol):
    async def create_client(self, client: OAuthClient) -> OAuthClient: ...
    async def get_client(self, client_id: str) -> OAuthClient | None: ...
    async def list_clients(self) -> list[OAuthClient]:
        """Oldest first."""
        ...

    async def delete_client(self, client_id: str) -> bool:
        """False when no such client exists."""
        ...

    async def create_code(self, code: OAuthCode) -> None: ...
    async def get_code(self, code_hash: str) -> OAuthCode | None: ...
    async def consume_code(self, code_hash: str, at: datetime) -> bool:
        """Mark the code used, atomically: True for exactly one caller, False when it was
        already used or does not exist."""
        ...

    async def attach_key(self, code_hash: str, api_key_id: str) -> None:
        """Remember the key issued for a consumed code (revoked if the code is replayed)."""
        ...

    async def replace_grant(self, grant: OAuthGrant) -> str | None:
        """Store the (client, user) grant; answers the key id it replaced, if any."""
        ...

    async def purge_codes(self, expired_before: datetime) -> int:
        """Delete codes that expired before ``expired_before``; answers how many."""
        ...
