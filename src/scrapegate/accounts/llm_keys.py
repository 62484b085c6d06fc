"""Organizations' own LLM keys (BYOK): registered, validated against the provider by listing its
models, sealed at rest, never shown again (only a hint), and picked for extractions."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from scrapegate.domain.llm_key_records import LlmKey
from scrapegate.domain.netrules import NetPolicy, check_address, check_host
from scrapegate.domain.records import new_id, utcnow
from scrapegate.errors import (
    ExtractionFailed,
    InvalidRequest,
    NotFound,
    RateLimited,
    ScrapegateError,
    UpstreamError,
)
from scrapegate.extract.llm import LlmClient, ModelInfo
from scrapegate.extract.llm_providers import (
    DEFAULT_MODELS,
    PROVIDER_URLS,
    AnthropicClient,
    OpenAiCompatibleClient,
)
from scrapegate.fetchers.base import FetchError
from scrapegate.fetchers.resolve import system_resolver
from scrapegate.secret_box import SecretBox
from scrapegate.storage.extraction_protocol import LlmKeyRepository

ROUTE_TIMEOUT_S = 10.0  # every provider call made by the key routes
MODELS_TTL_S = 3_600.0
# How long "this organization has a usable key" is remembered: request validation asks on every
# call, and a key added through another process shows up within this time.
USABLE_TTL_S = 10.0
MODELS_PER_MINUTE = 10
MAX_ERROR_CHARS = 200
NOT_FOUND = "LLM key not found"


@dataclass(frozen=True)
class NewLlmKey:
    provider: str
    raw_key: str
    key_alias: str | None = None
    model_override: str | None = None
    base_url: str | None = None


@dataclass(frozen=True)
class LlmKeyChanges:
    """None leaves a field as it is; ``model_override=""`` clears it."""

    raw_key: str | None = None
    key_alias: str | None = None
    model_override: str | None = None


@dataclass(frozen=True)
class Validation:
    is_valid: bool | None
    error: str | None


def key_hint(raw: str) -> str:
    """The last four characters (and a short prefix for long keys): enough to tell keys apart."""
    if len(raw) < 12:
        return "…" + raw[-2:] if len(raw) > 6 else "…"
    prefix = raw[:3] if len(raw) >= 20 else ""
    return f"{prefix}…{raw[-4:]}"


def client_for(
    provider: str, base_url: str | None, raw: str, model: str, timeout_s: float
) -> LlmClient:
    if provider == "anthropic":
        return AnthropicClient(raw, model, timeout_s, base_url)
    url = base_url or PROVIDER_URLS[provider]
    return OpenAiCompatibleClient(provider, url, raw, model, timeout_s)


class LlmKeyService:
    def __init__(
        self,
        repo: LlmKeyRepository,
        box: SecretBox,
        policy: NetPolicy,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._repo, self._box, self._policy, self._clock = repo, box, policy, clock
        self._models: dict[str, tuple[float, list[ModelInfo]]] = {}
        self._listings: dict[str, deque[float]] = {}
        self._has_usable: dict[str, tuple[float, bool]] = {}  # org -> (until, answer)

    async def add(self, org_id: str, user_id: str, new: NewLlmKey) -> LlmKey:
        base_url = await self._checked_base_url(new.provider, new.base_url)
        key_id = new_id()
        checked = await self._check(new.provider, base_url, new.raw_key)
        now = utcnow()
        key = LlmKey(
            id=key_id,
            org_id=org_id,
            user_id=user_id,
            provider=new.provider,
            sealed_key=self._box.seal(new.raw_key, key_id),
            key_hint=key_hint(new.raw_key),
            key_alias=new.key_alias,
            model_override=new.model_override or None,
            base_url=base_url,
            is_valid=checked.is_valid,
            last_validated_at=now,
            validation_error=checked.error,
            created_at=now,
            updated_at=now,
        )
        self._has_usable.pop(org_id, None)
        return await self._repo.create(key)

    async def list_keys(self, org_id: str) -> list[LlmKey]:
        return await self._repo.list_active(org_id)

    async def get(self, org_id: str, key_id: str) -> LlmKey:
        key = await self._repo.get(org_id, key_id)
        if key is None:
            raise NotFound(NOT_FOUND)
        return key

    async def update(self, org_id: str, key_id: str, changes: LlmKeyChanges) -> LlmKey:
        if changes == LlmKeyChanges():
            raise InvalidRequest("Provide at least one of raw_key, key_alias, model_override")
        key = await self.get(org_id, key_id)
        if changes.key_alias is not None:
            key = replace(key, key_alias=changes.key_alias)
        if changes.model_override is not None:
            key = replace(key, model_override=changes.model_override or None)
        if changes.raw_key is not None:
            raw = changes.raw_key
            sealed = self._box.seal(raw, key.id)
            key = replace(key, sealed_key=sealed, key_hint=key_hint(raw))
            key = await self._validated(key, raw)
        return await self._saved(replace(key, updated_at=utcnow()))

    async def delete(self, org_id: str, key_id: str) -> None:
        self._has_usable.pop(org_id, None)
        if not await self._repo.soft_delete(org_id, key_id, utcnow()):
            raise NotFound(NOT_FOUND)
        self._models.pop(key_id, None)

    async def validate(self, org_id: str, key_id: str) -> LlmKey:
        key = await self.get(org_id, key_id)
        key = await self._validated(key, self.raw_key(key))
        return await self._saved(key)

    async def models(self, org_id: str, key_id: str) -> list[ModelInfo]:
        """The provider's models for this key, cached an hour; at most 10 calls a minute."""
        key = await self.get(org_id, key_id)
        self._count_listing(key.id)
        return await self.cached_models(key)

    async def cached_models(self, key: LlmKey) -> list[ModelInfo]:
        cached = self._models.get(key.id)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        client = client_for(key.provider, key.base_url, self.raw_key(key), "", ROUTE_TIMEOUT_S)
        try:
            found = await client.list_models()
        except ExtractionFailed as error:  # a rejected key, as the caller should see it
            raise UpstreamError(error.detail, "provider_error", **(error.details or {})) from None
        self._models[key.id] = (self._clock() + MODELS_TTL_S, found)
        return found

    def raw_key(self, key: LlmKey) -> str:
        return self._box.open(key.sealed_key, key.id)

    async def usable(self, org_id: str, provider: str | None) -> LlmKey | None:
        """The valid key for ``provider``, or the most recently used valid key of any provider."""
        keys = [k for k in await self._repo.list_active(org_id) if k.is_valid is True]
        if provider is not None:
            keys = [k for k in keys if k.provider == provider]
        if not keys:
            return None
        return max(keys, key=lambda k: (k.last_used_at or k.created_at, k.created_at))

    async def mark_used(self, key: LlmKey) -> None:
        await self._repo.mark_used(key.id, utcnow())

    async def default_model(self, key: LlmKey) -> str:
        """The key's override, the provider's usual model, or the endpoint's first one."""
        if key.model_override:
            return key.model_override
        if key.provider in DEFAULT_MODELS:
            return DEFAULT_MODELS[key.provider]
        found = await self.cached_models(key)
        if not found:
            raise ExtractionFailed(
                "The endpoint lists no model: set model_override on the key",
                {"provider_error": "no models"},
            )
        return found[0].id

    def _count_listing(self, key_id: str) -> None:
        now = self._clock()
        calls = self._listings.setdefault(key_id, deque())
        while calls and calls[0] <= now - 60:
            calls.popleft()
        if len(calls) >= MODELS_PER_MINUTE:
            wait = max(1, int(calls[0] + 60 - now) + 1)
            raise RateLimited("Too many model listings for this key; slow down.", min(wait, 60))
        calls.append(now)

    async def has_usable(self, org_id: str) -> bool:
        """Whether the organization has a valid key (remembered ``USABLE_TTL_S``)."""
        remembered = self._has_usable.get(org_id)
        if remembered is not None and remembered[0] > self._clock():
            return remembered[1]
        answer = await self.usable(org_id, None) is not None
        self._has_usable[org_id] = (self._clock() + USABLE_TTL_S, answer)
        return answer

    async def _saved(self, key: LlmKey) -> LlmKey:
        self._has_usable.pop(key.org_id, None)
        if not await self._repo.save(key):
            raise NotFound(NOT_FOUND)
        return key

    async def _validated(self, key: LlmKey, raw: str) -> LlmKey:
        self._models.pop(key.id, None)
        checked = await self._check(key.provider, key.base_url, raw)
        now = utcnow()
        return replace(
            key,
            is_valid=checked.is_valid,
            validation_error=checked.error,
            last_validated_at=now,
            updated_at=now,
        )

    async def _check(self, provider: str, base_url: str | None, raw: str) -> Validation:
        """The provider's model list with this key: refused -> invalid; unreachable -> unknown."""
        client = client_for(provider, base_url, raw, "", ROUTE_TIMEOUT_S)
        try:
            await client.list_models()
        except ExtractionFailed as error:
            return Validation(False, _error_text(error, raw))
        except ScrapegateError as error:
            return Validation(None, _error_text(error, raw))
        return Validation(True, None)

    async def _checked_base_url(self, provider: str, base_url: str | None) -> str | None:
        if base_url is None:
            if provider == "openai_compatible":
                raise InvalidRequest("base_url is required for openai_compatible", "base_url")
            return None
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidRequest("base_url must be an http(s) URL", "base_url")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        check_host(parts.hostname, port, self._policy, "base_url")
        try:
            addresses = await system_resolver(parts.hostname, port)
        except FetchError:
            raise InvalidRequest("base_url: the host does not resolve", "base_url") from None
        for address in addresses:
            check_address(address, self._policy, "base_url")
        return base_url.rstrip("/")


def _error_text(error: ScrapegateError, raw: str) -> str:
    """The provider's complaint, cut short, with the key scrubbed should the provider echo it."""
    said = (error.details or {}).get("provider_error")
    text = f"{error.detail}: {said}" if isinstance(said, str) and said else error.detail
    return text.replace(raw, key_hint(raw))[:MAX_ERROR_CHARS]
