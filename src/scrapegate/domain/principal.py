"""Who is calling: an API key and the organization it acts in."""

from __future__ import annotations

from dataclasses import dataclass

from scrapegate.domain.records import ApiKey, Organization


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key and the organization it acts in."""

    key: ApiKey
    org: Organization

    @property
    def org_id(self) -> str:
        return self.org.id

    @property
    def credential(self) -> str:
        return self.key.id

    def has_scope(self, scope: str) -> bool:
        return scope in self.key.scopes or "admin" in self.key.scopes

    @property
    def is_admin(self) -> bool:
        """A server administrator: acts as support agent and moderator."""
        return "admin" in self.key.scopes

    @property
    def user_id(self) -> str:
        """The user the call acts for: the key's creator."""
        return self.key.user_id
