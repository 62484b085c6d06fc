"""The real LLM clients: the ``openai`` SDK for every OpenAI-compatible endpoint (OpenAI,
OpenRouter, Groq, Ollama, vLLM, LM Studio...) and the ``anthropic`` SDK for Anthropic."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import openai

from scrapegate.config import LlmSettings
from scrapegate.errors import ExtractionFailed, ScrapegateError, UpstreamError
from scrapegate.extract.llm import (
    LlmCall,
    LlmClient,
    LlmExtractor,
    LlmReply,
    LlmResolver,
    LlmService,
    ModelInfo,
    ServerLlm,
    StrategyUnsupported,
)

TOOL_NAME = "extract"
TOOL_DESCRIPTION = "Record the data extracted from the page."
MAX_PROVIDER_TEXT = 200  # provider error bodies are never echoed beyond this
ANTHROPIC_MAX_TOKENS = 4_096
PROVIDER_URLS = {
    "openai": "https://api.openai.com/v1",
    "openrouter": "https://openrouter.ai/api/v1",
    "groq": "https://api.groq.com/openai/v1",
    "anthropic": "https://api.anthropic.com",
}
DEFAULT_MODELS = {
    "openai": "gpt-4o-mini",
    "openrouter": "openai/gpt-4o-mini",
    "groq": "llama-3.1-8b-instant",
    "anthropic": "claude-3-5-haiku-latest",
}
SDK_ERRORS = (openai.APIError, anthropic.APIError)


def provider_error(error: Exception, timeout_s: float, structured: bool) -> Exception:
    """An SDK error as what the caller sees; a refused structured-output request means "try
    the next strategy" (``structured``: the call used one)."""
    if isinstance(error, (openai.APITimeoutError, anthropic.APITimeoutError)):
        return UpstreamError(
            f"The LLM provider did not answer within {timeout_s:g} s",
            "provider_error",
            provider_error="timeout",
        )
    if isinstance(error, (openai.APIConnectionError, anthropic.APIConnectionError)):
        return UpstreamError(
            "The LLM provider could not be reached", "provider_error", provider_error="unreachable"
        )
    status = getattr(error, "status_code", None)
    text = str(getattr(error, "message", error))[:MAX_PROVIDER_TEXT]
    if status in (401, 403):
        return ExtractionFailed(
            "The LLM provider rejected the API key",
            {"provider_error": text, "provider_status": status},
        )
    if structured and status in (400, 404, 415, 422, 501):
        return StrategyUnsupported(text)
    if status == 429:
        return UpstreamError(
            "The LLM provider is rate limiting this key", "provider_error", provider_error=text
        )
    if isinstance(status, int) and status >= 500:
        return UpstreamError("The LLM provider failed", "provider_error", provider_error=text)
    return ExtractionFailed("The LLM provider refused the request", {"provider_error": text})


class OpenAiCompatibleClient:
    """Chat completions on any OpenAI-compatible endpoint."""

    def __init__(
        self, provider: str, base_url: str, api_key: str | None, model: str, timeout_s: float
    ) -> None:
        self._provider, self._model, self._timeout_s = provider, model, timeout_s
        self._base_url = base_url
        # Local servers take no key, but the SDK insists on one.
        self._sdk = openai.AsyncOpenAI(
            base_url=base_url, api_key=api_key or "none", timeout=timeout_s, max_retries=0
        )

    @property
    def provider(self) -> str:
        return self._provider

    @property
    def model(self) -> str:
        return self._model

    @property
    def endpoint(self) -> str:
        return self._base_url

    async def complete(self, call: LlmCall) -> LlmReply:
        messages: Any = [{"role": m.role, "content": m.content} for m in call.messages]
        try:
            response = await self._sdk.chat.completions.create(
                model=self._model, messages=messages, **_openai_options(call)
            )
        except SDK_ERRORS as error:
            raise provider_error(error, self._timeout_s, call.strategy != "prompt") from None
        if not response.choices:
            raise ExtractionFailed("The LLM returned no answer", {"provider_error": "no choices"})
        message = response.choices[0].message
        calls = message.tool_calls or []
        function = getattr(calls[0], "function", None) if calls else None
        text = function.arguments if function is not None else (message.content or "")
        usage = response.usage
        return LlmReply(
            text,
            usage.prompt_tokens if usage else 0,
            usage.completion_tokens if usage else 0,
        )

    async def list_models(self) -> list[ModelInfo]:
        try:
            page = await self._sdk.models.list()
        except SDK_ERRORS as error:
            raise _listing_error(provider_error(error, self._timeout_s, False)) from None
        return [ModelInfo(m.id, m.id) for m in page.data]


def _openai_options(call: LlmCall) -> dict[str, Any]:
    if call.strategy == "json_schema":
        schema = {"name": "extraction", "schema": call.schema, "strict": False}
        return {"response_format": {"type": "json_schema", "json_schema": schema}}
    if call.strategy == "tools":
        tool = {"name": TOOL_NAME, "description": TOOL_DESCRIPTION, "parameters": call.schema}
        return {
            "tools": [{"type": "function", "function": tool}],
            "tool_choice": {"type": "function", "function": {"name": TOOL_NAME}},
        }
    if call.strategy == "json":
        return {"response_format": {"type": "json_object"}}
    return {}


class AnthropicClient:
    """Anthropic's Messages API; structured output through a forced tool call."""

    def __init__(
        self, api_key: str, model: str, timeout_s: float, base_url: str | None = None
    ) -> None:
        self._model, self._timeout_s = model, timeout_s
        self._base_url = base_url or PROVIDER_URLS["anthropic"]
        self._sdk = anthropic.AsyncAnthropic(
            api_key=api_key, base_url=self._base_url, timeout=timeout_s, max_retries=0
        )

    @property
    def provider(self) -> str:
        return "anthropic"

    @property
    def model(self) -> str:
        return self._model

    @property
    def endpoint(self) -> str:
        return self._base_url

    async def complete(self, call: LlmCall) -> LlmReply:
        system = "\n".join(m.content for m in call.messages if m.role == "system")
        messages: Any = [
            {"role": m.role, "content": m.content} for m in call.messages if m.role != "system"
        ]
        tools: Any = [{"name": TOOL_NAME, "description": TOOL_DESCRIPTION}]
        options: dict[str, Any] = {}
        if call.strategy in ("json_schema", "tools"):
            tools[0]["input_schema"] = call.schema
            options = {"tools": tools, "tool_choice": {"type": "tool", "name": TOOL_NAME}}
        try:
            response = await self._sdk.messages.create(
                model=self._model,
                max_tokens=ANTHROPIC_MAX_TOKENS,
                system=system,
                messages=messages,
                **options,
            )
        except SDK_ERRORS as error:
            raise provider_error(error, self._timeout_s, bool(options)) from None
        text = ""
        for block in response.content:
            if block.type == "tool_use":
                text = json.dumps(block.input)
                break
            if block.type == "text":
                text += block.text
        return LlmReply(text, response.usage.input_tokens, response.usage.output_tokens)

    async def list_models(self) -> list[ModelInfo]:
        try:
            page = await self._sdk.models.list()
        except SDK_ERRORS as error:
            raise _listing_error(provider_error(error, self._timeout_s, False)) from None
        return [ModelInfo(m.id, m.display_name) for m in page.data]


def _listing_error(error: Exception) -> ScrapegateError:
    if isinstance(error, ScrapegateError):
        return error
    return UpstreamError("The LLM provider failed", "provider_error", provider_error=str(error))


def server_llm(settings: LlmSettings) -> ServerLlm:
    """The operator's OpenAI-compatible endpoint (``llm.*``); none when it is not configured."""

    def client(model: str) -> LlmClient:
        key = settings.api_key.get_secret_value() if settings.api_key else None
        return OpenAiCompatibleClient(
            "openai_compatible", settings.base_url or "", key, model, settings.timeout_s
        )

    usable = settings.configured and settings.allow_server_default
    return ServerLlm(client(settings.model or "") if usable else None, client)


def llm_service(settings: LlmSettings, resolver: LlmResolver | None = None) -> LlmService:
    extractor = LlmExtractor(settings.structured_output, settings.max_input_chars)
    return LlmService(extractor, resolver or server_llm(settings))
