"""The LLM part of the composition root: the server LLM and users' own keys, built once per
process and handed to the engine (``/scrape``) and the extract service."""

from __future__ import annotations

from scrapegate.config import Settings
from scrapegate.engine.llm_extraction import LlmStep
from scrapegate.extract.llm import LlmService
from scrapegate.extract.llm_providers import llm_service
from scrapegate.storage.protocols import Storage


def build_llm(settings: Settings, storage: Storage) -> LlmService:
    del storage  # users' keys come with the BYOK resolver
    return llm_service(settings.llm)


def build_llm_step(settings: Settings, storage: Storage) -> LlmStep:
    return LlmStep(build_llm(settings, storage), settings.pricing.llm_extraction)


def llm_configured(settings: Settings) -> bool:
    """A server LLM answers prompts of callers without a key of their own."""
    return settings.llm.configured and settings.llm.allow_server_default
