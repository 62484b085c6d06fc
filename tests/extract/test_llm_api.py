"""LLM extraction through the live server, the server LLM being the OpenAI-compatible stand-in:
``/extract`` and ``/scrape`` with a prompt (method ``llm``), a schema the markup leaves
incomplete (``hybrid``), provider errors, and no LLM at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import ADMIN_KEY, server_factory  # noqa: F401
from tests.live_server import LiveServer
from tests.standins.llm import LlmStandin

PRODUCT = {"name": "Summit 40 Backpack", "price": 1299.0}
SCHEMA = {"name": "string", "price": "number"}


@pytest.fixture(scope="module")
def standin() -> Iterator[LlmStandin]:
    server = LlmStandin().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def llm_api(
    server_factory: Callable[..., LiveServer],  # noqa: F811
    standin: LlmStandin,
) -> Iterator[httpx.Client]:
    llm = {"base_url": standin.url, "model": "standin-small", "timeout_s": 10}
    live = server_factory(llm=llm, billing={"enabled": True})
    with httpx.Client(base_url=live.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60) as client:
        yield client


def extract(client: httpx.Client, status: int = 200, **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/extract", json={"cache": "skip", **body})
    assert response.status_code == status, response.text
    data: dict[str, Any] = response.json()
    return data


@pytest.mark.parametrize("mode", ["json_schema", "tools_only", "invalid_once"])
def test_extract_with_a_prompt_uses_the_server_llm(
    llm_api: httpx.Client, standin: LlmStandin, mode: str
) -> None:
    standin.reset(PRODUCT, mode)
    content = f"<h1>Summit 40 Backpack</h1><p>Only $1,299.00 ({mode})</p>"
    body = extract(
        llm_api, content=content, extraction_prompt="the product", extraction_schema=SCHEMA
    )
    assert body["extraction_result"] == PRODUCT
    assert body["formats"]["json"] == PRODUCT
    assert body["extraction_method"] == "llm"
    assert body["model_used"] == "standin-small"
    meta = body["extraction_metadata"]
    assert meta["mode"] == "server" and meta["provider"] == "openai_compatible"
    assert meta["input_tokens"] > 0 and meta["output_tokens"] > 0
    assert body["credits_used"] == 2500
    page = standin.requests[0]["messages"][1]["content"]
    assert "Summit 40 Backpack" in page and "the product" in page


def test_extract_usage_records_the_llm_run(llm_api: httpx.Client, standin: LlmStandin) -> None:
    standin.reset({"summary": "usage check"}, "json_schema")
    body = extract(llm_api, content="A page to sum up.", content_type="text", extraction_prompt="x")
    items = llm_api.get("/api/v1/extract/usage").json()["items"]
    row = next(i for i in items if i["id"] == body["extract_id"])
    assert row["mode"] == "server" and row["model"] == "standin-small"
    assert row["input_tokens"] == body["extraction_metadata"]["input_tokens"]


@pytest.mark.parametrize(
    ("status", "code", "http"), [(401, "EXTRACTION_FAILED", 422), (503, "UPSTREAM_ERROR", 502)]
)
def test_extract_provider_errors_are_not_charged(
    llm_api: httpx.Client, standin: LlmStandin, status: int, code: str, http: int
) -> None:
    standin.reset(PRODUCT, "error")
    standin.error_status = status
    before = llm_api.get("/api/v1/usage").json()
    body = extract(llm_api, http, content=f"<p>fails {status}</p>", extraction_prompt="x")
    assert body["error"] == code
    assert body["details"]["provider_error"]
    after = llm_api.get("/api/v1/usage").json()
    assert _balance(after) == _balance(before)


def test_extract_fails_after_two_repairs(llm_api: httpx.Client, standin: LlmStandin) -> None:
    standin.reset({"name": "Summit", "price": "a lot"}, "json_schema")
    body = extract(
        llm_api, 422, content="<p>bad</p>", extraction_prompt="x", extraction_schema=SCHEMA
    )
    assert body["error"] == "EXTRACTION_FAILED"
    assert len(standin.requests) == 3


def test_scrape_with_a_prompt_charges_the_llm_fee(
    llm_api: httpx.Client, standin: LlmStandin, fixture_site: Any
) -> None:
    standin.reset(PRODUCT, "tools_only")
    url = fixture_site.url("/extraction/product")
    response = llm_api.post(
        "/api/v1/scrape",
        json={"url": url, "extraction_prompt": "the product", "extraction_schema": SCHEMA},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["extraction_method"] == "llm"
    assert body["extraction_result"] == PRODUCT
    assert body["extraction_error"] is None
    assert "filtered_content" not in body
    addons = {a["name"]: a for a in body["billing"]["addons"]}
    assert addons["llm_extraction"]["credits"] == 2500 and not addons["llm_extraction"]["refunded"]
    assert body["credits_used"] == 200 + 2500
    assert "Summit 40 Backpack" in standin.requests[-1]["messages"][1]["content"]


def test_scrape_llm_failure_refunds_the_fee(
    llm_api: httpx.Client, standin: LlmStandin, fixture_site: Any
) -> None:
    standin.reset(PRODUCT, "error")
    url = fixture_site.url("/extraction/product")
    response = llm_api.post("/api/v1/scrape", json={"url": url, "extraction_prompt": "x"})
    body = response.json()
    assert response.status_code == 200, response.text
    assert body["extraction_result"] is None
    assert body["extraction_error"]["error"] == "EXTRACTION_FAILED"
    addons = {a["name"]: a for a in body["billing"]["addons"]}
    assert addons["llm_extraction"]["refunded"]
    assert body["credits_used"] == 200


def test_scrape_schema_with_missing_fields_is_hybrid(
    llm_api: httpx.Client, standin: LlmStandin, fixture_site: Any
) -> None:
    standin.reset({"title": "Wrong", "price": 1.0, "gtin": "0012345678905"}, "json_schema")
    schema = {"title": "string", "price": "number", "gtin": "string"}
    url = fixture_site.url("/extraction/product")
    response = llm_api.post("/api/v1/scrape", json={"url": url, "extraction_schema": schema})
    body = response.json()
    assert body["extraction_method"] == "hybrid"
    # The markup's values stay; the LLM only fills what the markup left empty.
    assert body["extraction_result"] == {
        "title": "Summit 40 Backpack",
        "price": 1299.0,
        "gtin": "0012345678905",
    }
    assert body["credits_used"] == 200 + 2500


def test_without_an_llm_a_prompt_is_llm_key_missing(
    server_factory: Callable[..., LiveServer],  # noqa: F811
) -> None:
    live = server_factory()
    with httpx.Client(base_url=live.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60) as client:
        response = client.post("/api/v1/extract", json={"content": "x", "extraction_prompt": "y"})
    assert response.status_code == 400
    assert response.json()["error"] == "LLM_KEY_MISSING"


def _balance(usage: dict[str, Any]) -> tuple[int, int]:
    return usage["credits_available"], usage["credits_used"]
