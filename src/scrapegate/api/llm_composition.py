"""The LLM part of the composition root: the server LLM and users' own keys, built once per
process and handed to the engine (``/scrape``) and the extract service."""

from __future__ import annotations

from scrapegate.accounts.llm_key_resolver import ByokResolver
from scrapegate.accounts.llm_keys import LlmKeyService
from scrapegate.config import Settings
from scrapegate.domain.netrules import NetPolicy
from scrapegate.engine.llm_extraction import LlmStep
from scrapegate.extract.llm import LlmService
from scrapegate.extract.llm_providers import llm_service, server_llm
from scrapegate.secret_box import SecretBox
from scrapegate.secret_keys import master_secret
from scrapegate.storage.protocols import Storage

LLM_KEYS_LABEL = "llm-keys"


def build_llm_keys(settings: Settings, storage: Storage) -> LlmKeyService:
    """Keys sealed under the master secret; a ``base_url`` obeys the scrape targets' SSRF rules."""
    sec = settings.security
    policy = NetPolicy.build(
        allow_private=settings.allow_private_networks,
        allowed_cidrs=sec.allowed_private_cidrs,
        allowed_ports=sec.allowed_ports,
        deny_hosts=sec.deny_hosts,
    )
    box = SecretBox(master_secret(settings), LLM_KEYS_LABEL)
    return LlmKeyService(storage.llm_keys, box, policy)


def build_resolver(settings: Settings, storage: Storage) -> ByokResolver:
    keys = build_llm_keys(settings, storage)
    return ByokResolver(keys, server_llm(settings.llm), settings.llm.timeout_s)


def build_llm(settings: Settings, storage: Storage) -> LlmService:
    return llm_service(settings.llm, build_resolver(settings, storage))


def build_llm_step(settings: Settings, storage: Storage) -> LlmStep:
    return LlmStep(build_llm(settings, storage), settings.pricing.llm_extraction)


def llm_configured(settings: Settings) -> bool:
    """A server LLM answers prompts of callers without a key of their own."""
    return settings.llm.configured and settings.llm.allow_server_default
