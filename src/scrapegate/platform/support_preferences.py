"""Support e-mail preferences.

Every switch defaults to true. Nothing is stored until the first PATCH, so ``updated_at`` is
``null`` until the user changes something; an empty PATCH changes nothing and stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scrapegate.domain.notification_records import SupportPreferences
from scrapegate.domain.records import utcnow
from scrapegate.errors import InvalidRequest
from scrapegate.storage.notification_protocol import SupportPreferenceRepository

SWITCHES = ("email_admin_reply", "email_status_change", "email_resolved")


@dataclass(frozen=True)
class SupportSwitches:
    email_admin_reply: bool
    email_status_change: bool
    email_resolved: bool


@dataclass(frozen=True)
class PreferencesView:
    """#50: the switches of a user; ``updated_at`` is None until the first change."""

    user_id: str
    notification_settings: SupportSwitches
    updated_at: datetime | None


def preferences_view(preferences: SupportPreferences) -> PreferencesView:
    switches = SupportSwitches(
        email_admin_reply=preferences.email_admin_reply,
        email_status_change=preferences.email_status_change,
        email_resolved=preferences.email_resolved,
    )
    return PreferencesView(preferences.user_id, switches, preferences.updated_at)


def parse_changes(body: Any) -> dict[str, bool]:
    if not isinstance(body, dict):
        raise InvalidRequest("Request body must be a JSON object")
    unknown = sorted(set(body) - set(SWITCHES))
    if unknown:
        raise InvalidRequest(f"Unknown field: {unknown[0]}", field=unknown[0])
    for name, value in body.items():
        if not isinstance(value, bool):
            raise InvalidRequest(f"{name} must be a boolean", field=name)
    return dict(body)


class SupportPreferenceService:
    def __init__(self, repository: SupportPreferenceRepository) -> None:
        self._repository = repository

    async def _current(self, user_id: str) -> SupportPreferences:
        stored = await self._repository.get(user_id)
        return stored or SupportPreferences(user_id=user_id)

    async def get(self, user_id: str) -> PreferencesView:
        return preferences_view(await self._current(user_id))

    async def update(self, user_id: str, body: Any) -> PreferencesView:
        changes = parse_changes(body)
        current = await self._current(user_id)
        if not changes:
            return preferences_view(current)
        for name, value in changes.items():
            setattr(current, name, value)
        current.updated_at = utcnow()
        return preferences_view(await self._repository.save(current))
