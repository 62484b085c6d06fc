"""LLM extraction: the page's markdown and a prompt and/or schema to one validated JSON object.

The LLM is a third party behind the small ``LlmClient`` protocol; the strategy (schema-constrained
output, tool calling, JSON mode, plain prompt) falls back in that order when an endpoint refuses
one, and every answer is checked against the schema, with at most two repair rounds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from scrapegate.domain.extraction import ExtractionOutcome, LlmExtractionRequest, LlmUsage
from scrapegate.domain.json_types import JsonObject
from scrapegate.errors import ExtractionFailed
from scrapegate.extract.llm_prompting import (
    STRATEGIES,
    LlmMessage,
    Strategy,
    check_answer,
    cut_markdown,
    first_messages,
    merge_filled,
    repair_messages,
    schema_errors,
    target_schema,
)

MAX_REPAIRS = 2
StrategySetting = Literal["auto", "json_schema", "tools", "json", "prompt"]


@dataclass(frozen=True)
class LlmCall:
    messages: tuple[LlmMessage, ...]
    schema: JsonObject
    strategy: Strategy


@dataclass(frozen=True, slots=True)
class LlmReply:
    text: str  # the JSON answer (a tool call's arguments for ``tools``)
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True, slots=True)
class ModelInfo:
    id: str
    name: str
    context_window: int | None = None


class StrategyUnsupported(Exception):
    """The endpoint refused this way of asking for structured output; the next one is tried."""


class LlmClient(Protocol):
    """One provider, key and model. Raises ``StrategyUnsupported``, or ``UpstreamError`` /
    ``ExtractionFailed`` for provider failures (see ``llm_providers``)."""

    @property
    def provider(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def endpoint(self) -> str: ...

    async def complete(self, call: LlmCall) -> LlmReply: ...

    async def list_models(self) -> list[ModelInfo]: ...


@dataclass(frozen=True)
class LlmSetup:
    """An LLM ready to use: the client and whose it is."""

    client: LlmClient
    mode: Literal["server", "byok"]


@dataclass
class _Tally:
    input_tokens: int = 0
    output_tokens: int = 0
    last_errors: tuple[str, ...] = field(default=())


class LlmExtractor:
    """Runs extractions; remembers per endpoint and model which strategy worked."""

    def __init__(self, strategy: StrategySetting = "auto", max_input_chars: int = 100_000):
        self._setting = strategy
        self._max_input_chars = max_input_chars
        self._working: dict[tuple[str, str], Strategy] = {}

    async def extract(
        self,
        setup: LlmSetup,
        markdown: str,
        request: LlmExtractionRequest,
        partial: JsonObject | None = None,
    ) -> ExtractionOutcome:
        """``partial``: the algorithmic fill to complete (hybrid). Raises ``ExtractionFailed``
        when no valid answer came after the repairs, ``UpstreamError`` when the provider failed."""
        started = time.monotonic()
        schema = target_schema(request.schema)
        page = cut_markdown(markdown, self._max_input_chars)
        tally = _Tally()
        value = await self._run(setup.client, schema, tally, page, request.prompt, partial)
        if partial is not None:
            value = _merged(partial, value, schema)
        usage = LlmUsage(
            mode=setup.mode,
            provider=setup.client.provider,
            model=setup.client.model,
            input_tokens=tally.input_tokens,
            output_tokens=tally.output_tokens,
            latency_ms=int((time.monotonic() - started) * 1000),
        )
        method: Literal["llm", "hybrid"] = "hybrid" if partial is not None else "llm"
        return ExtractionOutcome(result=value, method=method, llm=usage)

    async def _run(
        self,
        client: LlmClient,
        schema: JsonObject,
        tally: _Tally,
        page: str,
        prompt: str | None,
        partial: JsonObject | None,
    ) -> JsonObject:
        for strategy in self._strategies(client):
            messages = first_messages(page, prompt, schema, strategy, partial)
            try:
                value = await self._with_repairs(client, strategy, schema, messages, tally)
            except StrategyUnsupported:
                continue
            self._working[(client.endpoint, client.model)] = strategy
            return value
        raise ExtractionFailed(
            "The LLM endpoint accepts no way of asking for structured output",
            {"provider_error": "every structured-output strategy was refused"},
        )

    def _strategies(self, client: LlmClient) -> Sequence[Strategy]:
        if self._setting != "auto":
            return (self._setting,)
        known = self._working.get((client.endpoint, client.model))
        if known is None:
            return STRATEGIES
        return STRATEGIES[STRATEGIES.index(known) :]

    async def _with_repairs(
        self,
        client: LlmClient,
        strategy: Strategy,
        schema: JsonObject,
        messages: list[LlmMessage],
        tally: _Tally,
    ) -> JsonObject:
        for _ in range(1 + MAX_REPAIRS):
            reply = await client.complete(LlmCall(tuple(messages), schema, strategy))
            tally.input_tokens += reply.input_tokens
            tally.output_tokens += reply.output_tokens
            checked = check_answer(reply.text, schema)
            if checked.value is not None:
                return checked.value
            tally.last_errors = checked.errors
            messages = [*messages, *repair_messages(reply.text, checked.errors)]
        raise ExtractionFailed(
            f"The LLM's answer did not match the schema after {MAX_REPAIRS} repairs",
            {"provider_error": "; ".join(tally.last_errors)[:200]},
        )


def _merged(partial: JsonObject, answer: JsonObject, schema: JsonObject) -> JsonObject:
    """The markup's values over the LLM's, unless that breaks the schema (then the LLM's)."""
    merged = merge_filled(partial, answer)
    return answer if schema_errors(merged, schema) else merged


class LlmResolver(Protocol):
    """Which LLM serves a call: the caller's key for ``provider`` (or their latest valid key),
    else the server LLM, else None."""

    async def resolve(
        self, org_id: str, user_id: str | None, provider: str | None, model: str | None
    ) -> LlmSetup | None: ...


class ServerLlm:
    """The server LLM alone (no keys of users): ``clients`` builds one for a model name."""

    def __init__(self, default: LlmClient | None, for_model: Callable[[str], LlmClient]) -> None:
        self._default = default
        self._for_model = for_model

    async def resolve(
        self, org_id: str, user_id: str | None, provider: str | None, model: str | None
    ) -> LlmSetup | None:
        if self._default is None or provider is not None:
            return None
        if model is None or model == self._default.model:
            return LlmSetup(self._default, "server")
        return LlmSetup(self._for_model(model), "server")


@dataclass(frozen=True)
class LlmService:
    """What the engine and the extract service receive: how to find an LLM and how to use it."""

    extractor: LlmExtractor
    resolver: LlmResolver
