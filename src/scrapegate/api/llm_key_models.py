"""Request and response bodies of the LLM key routes (api/llm_keys.py). A response never holds
the key itself: ``LlmKeyBody`` has no field for it, only ``key_hint``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import Field

from scrapegate.accounts.llm_keys import LlmKeyChanges, NewLlmKey
from scrapegate.api.body_docs import RequestModel, one_of
from scrapegate.api.wire import WireModel, WireTime
from scrapegate.domain.request_fields import FieldReader
from scrapegate.domain.request_rules import LLM_PROVIDERS
from scrapegate.errors import InvalidRequest

MAX_RAW_KEY = 512
MAX_ALIAS = 100
MAX_MODEL = 200
MAX_BASE_URL = 2_048
PROVIDER_DETAIL = f"provider must be one of: {', '.join(LLM_PROVIDERS)}"
RAW_KEY_DETAIL = f"raw_key must be 1-{MAX_RAW_KEY} characters"


class LlmKeyBody(WireModel):
    id: str
    provider: str
    key_hint: str
    key_alias: str | None
    model_override: str | None
    base_url: str | None
    is_valid: bool | None
    last_validated_at: WireTime | None
    validation_error: str | None
    last_used_at: WireTime | None
    created_at: WireTime
    updated_at: WireTime


class LlmModelBody(WireModel):
    id: str
    name: str
    context_window: int | None


class NewLlmKeyRequestBody(RequestModel):
    provider: Annotated[str, one_of(LLM_PROVIDERS)]
    raw_key: str = Field(min_length=1, max_length=MAX_RAW_KEY, description="never returned")
    key_alias: str | None = Field(None, max_length=MAX_ALIAS)
    model_override: str | None = Field(None, max_length=MAX_MODEL)
    base_url: str | None = Field(None, description="required for openai_compatible")


class LlmKeyChangesRequestBody(RequestModel):
    raw_key: str | None = Field(None, min_length=1, max_length=MAX_RAW_KEY)
    key_alias: str | None = Field(None, max_length=MAX_ALIAS)
    model_override: str | None = Field(None, max_length=MAX_MODEL, description='"" clears it')


def _reader(body: object) -> FieldReader:
    if not isinstance(body, Mapping):
        raise InvalidRequest("Request body must be a JSON object")
    return FieldReader(body)


def _raw_key(top: FieldReader) -> str | None:
    raw = top.string("raw_key", MAX_RAW_KEY, RAW_KEY_DETAIL)
    if raw is not None and not raw.strip():
        raise top.error("raw_key", RAW_KEY_DETAIL)
    return raw.strip() if raw is not None else None


def _alias(top: FieldReader) -> str | None:
    return top.string("key_alias", MAX_ALIAS, f"key_alias must be at most {MAX_ALIAS} characters")


def _model(top: FieldReader) -> str | None:
    detail = f"model_override must be at most {MAX_MODEL} characters"
    return top.string("model_override", MAX_MODEL, detail)


def parse_new_llm_key(body: object) -> NewLlmKey:
    top = _reader(body)
    provider = top.choice("provider", LLM_PROVIDERS, PROVIDER_DETAIL)
    if provider is None:
        raise top.error("provider", PROVIDER_DETAIL)
    raw = _raw_key(top)
    if raw is None:
        raise top.error("raw_key", RAW_KEY_DETAIL)
    base_url = top.string("base_url", MAX_BASE_URL, "base_url is too long")
    return NewLlmKey(provider, raw, _alias(top), _model(top), base_url or None)


def parse_llm_key_changes(body: object) -> LlmKeyChanges:
    top = _reader(body)
    return LlmKeyChanges(raw_key=_raw_key(top), key_alias=_alias(top), model_override=_model(top))
