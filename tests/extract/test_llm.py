"""LLM extraction against the OpenAI-compatible stand-in: every structured-output strategy,
the repair loop and provider errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from scrapegate.domain.extraction import LlmExtractionRequest
from scrapegate.errors import ExtractionFailed, UpstreamError
from scrapegate.extract.llm import LlmExtractor, LlmSetup
from scrapegate.extract.llm_prompting import cut_markdown
from scrapegate.extract.llm_providers import OpenAiCompatibleClient
from tests.standins.llm import LlmStandin

SCHEMA = {"name": "string", "price": "number"}
ANSWER = {"name": "Trail Runner 2", "price": 129.0}
PAGE = "# Trail Runner 2\n\nOur lightest shoe. Price: $129.00\n"


@pytest.fixture(scope="module")
def standin() -> Iterator[LlmStandin]:
    server = LlmStandin().start()
    yield server
    server.stop()


def setup_for(standin: LlmStandin, model: str = "standin-small") -> LlmSetup:
    client = OpenAiCompatibleClient("openai_compatible", standin.url, None, model, timeout_s=10)
    return LlmSetup(client, "server")


@pytest.mark.parametrize("mode", ["json_schema", "tools_only", "invalid_once"])
async def test_every_standin_mode_yields_a_valid_result(standin: LlmStandin, mode: str) -> None:
    standin.reset(ANSWER, mode)
    outcome = await LlmExtractor().extract(
        setup_for(standin, f"model-{mode}"), PAGE, LlmExtractionRequest("the shoe", SCHEMA)
    )
    assert outcome.result == ANSWER
    assert outcome.method == "llm"
    assert outcome.llm is not None and outcome.llm.mode == "server"
    assert outcome.llm.input_tokens > 0 and outcome.llm.output_tokens > 0
    if mode == "tools_only":
        assert "response_format" in standin.requests[0]
        assert standin.requests[-1]["tool_choice"]["function"]["name"] == "extract"
    if mode == "invalid_once":
        assert len(standin.requests) == 2
        repair = standin.requests[1]["messages"][-1]["content"]
        assert "does not match the JSON Schema" in repair


async def test_the_working_strategy_is_remembered(standin: LlmStandin) -> None:
    standin.reset(ANSWER, "tools_only")
    extractor = LlmExtractor()
    setup = setup_for(standin, "model-remembered")
    await extractor.extract(setup, PAGE, LlmExtractionRequest(None, SCHEMA))
    standin.requests.clear()
    await extractor.extract(setup, PAGE, LlmExtractionRequest(None, SCHEMA))
    assert len(standin.requests) == 1 and "tools" in standin.requests[0]


async def test_answers_that_never_validate_fail_after_two_repairs(standin: LlmStandin) -> None:
    standin.reset({"name": "Trail Runner 2", "price": "cheap"}, "json_schema")
    with pytest.raises(ExtractionFailed) as caught:
        await LlmExtractor().extract(
            setup_for(standin, "model-bad"), PAGE, LlmExtractionRequest(None, SCHEMA)
        )
    assert len(standin.requests) == 3
    assert caught.value.details is not None and "/price" in caught.value.details["provider_error"]


async def test_prompt_mode_puts_the_schema_in_the_instructions(standin: LlmStandin) -> None:
    standin.reset(ANSWER, "json_schema")
    outcome = await LlmExtractor("prompt").extract(
        setup_for(standin), PAGE, LlmExtractionRequest("shoe", SCHEMA)
    )
    assert outcome.result == ANSWER
    body = standin.requests[0]
    assert "response_format" not in body and "tools" not in body
    assert '"price"' in body["messages"][0]["content"]


async def test_a_prompt_without_schema_accepts_any_object(standin: LlmStandin) -> None:
    standin.reset({"summary": "A light shoe"}, "json_schema")
    outcome = await LlmExtractor().extract(setup_for(standin), PAGE, LlmExtractionRequest("sum"))
    assert outcome.result == {"summary": "A light shoe"}


async def test_hybrid_keeps_the_markup_values(standin: LlmStandin) -> None:
    standin.reset({"name": "Wrong Name", "price": 129.0}, "json_schema")
    partial: dict[str, Any] = {"name": "Trail Runner 2", "price": None}
    outcome = await LlmExtractor().extract(
        setup_for(standin), PAGE, LlmExtractionRequest(None, SCHEMA), partial
    )
    assert outcome.method == "hybrid"
    assert outcome.result == {"name": "Trail Runner 2", "price": 129.0}
    assert "Trail Runner 2" in standin.requests[0]["messages"][1]["content"]


@pytest.mark.parametrize(
    ("status", "error", "needle"),
    [
        (401, ExtractionFailed, "API key"),
        (429, UpstreamError, "rate"),
        (500, UpstreamError, "failed"),
    ],
)
async def test_provider_errors_are_mapped(
    standin: LlmStandin, status: int, error: type[Exception], needle: str
) -> None:
    standin.reset(ANSWER, "error")
    standin.error_status = status
    with pytest.raises(error, match=needle):
        await LlmExtractor().extract(setup_for(standin), PAGE, LlmExtractionRequest("x", SCHEMA))
    assert len(standin.requests) == 1


async def test_an_unreachable_provider_is_an_upstream_error() -> None:
    client = OpenAiCompatibleClient("openai", "http://127.0.0.1:9/v1", "k", "m", timeout_s=2)
    with pytest.raises(UpstreamError) as caught:
        await LlmExtractor().extract(LlmSetup(client, "byok"), PAGE, LlmExtractionRequest("x"))
    assert caught.value.details == {"cause": "provider_error", "provider_error": "unreachable"}


def test_long_pages_are_cut_before_a_heading() -> None:
    page = "# One\n" + "a" * 60 + "\n## Two\n" + "b" * 60
    cut = cut_markdown(page, 100)
    assert cut == "# One\n" + "a" * 60 and len(cut) <= 100
    assert cut_markdown("x" * 50, 100) == "x" * 50
    assert len(cut_markdown("y" * 500, 100)) == 100
