"""Which LLM serves an extraction: the organization's own key for the asked provider, else its
most recently used valid key, else the server LLM (when the operator allows it)."""

from __future__ import annotations

from scrapegate.accounts.llm_keys import LlmKeyService, client_for
from scrapegate.extract.llm import LlmResolver, LlmSetup


class ByokResolver:
    def __init__(self, keys: LlmKeyService, server: LlmResolver, timeout_s: float) -> None:
        self._keys, self._server, self._timeout_s = keys, server, timeout_s

    async def resolve(
        self, org_id: str, user_id: str | None, provider: str | None, model: str | None
    ) -> LlmSetup | None:
        key = await self._keys.usable(org_id, provider)
        if key is None:
            return await self._server.resolve(org_id, user_id, provider, model)
        chosen = model or await self._keys.default_model(key)
        raw = self._keys.raw_key(key)
        client = client_for(key.provider, key.base_url, raw, chosen, self._timeout_s)
        await self._keys.mark_used(key)
        return LlmSetup(client, "byok")

    async def available(self, org_id: str) -> bool:
        """The organization has a valid key of its own (scrape validation asks before running)."""
        return await self._keys.usable(org_id, None) is not None
