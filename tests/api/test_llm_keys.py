"""The organization's own LLM keys through the live server, the provider being the
OpenAI-compatible stand-in: the seven routes, the key never shown nor logged, a bad key
refused, a scrape with a prompt on the organization's key (no server LLM), and other
organizations kept out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import new_key, server_factory  # noqa: F401
from tests.live_server import LiveServer
from tests.standins.llm import LlmStandin

RAW = "sk-live-" + "Zq7" * 10 + "K9w2"
ROUTE = "/api/v1/user/llm-keys"
PRODUCT = {"name": "Summit 40 Backpack", "price": 1299.0}


@pytest.fixture(scope="module")
def standin() -> Iterator[LlmStandin]:
    server = LlmStandin().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live(server_factory: Callable[..., LiveServer]) -> LiveServer:  # noqa: F811
    return server_factory()  # no server LLM: prompts work only with the organization's key


def client_for(live: LiveServer, org: str) -> httpx.Client:
    headers = {"X-API-Key": new_key(live, org)}
    return httpx.Client(base_url=live.url, headers=headers, timeout=60)


def register(client: httpx.Client, standin: LlmStandin, status: int = 201, **body: Any) -> Any:
    values = {"provider": "openai_compatible", "raw_key": RAW, "base_url": standin.url}
    response = client.post(ROUTE, json={**values, **body})
    assert response.status_code == status, response.text
    return response.json()


def test_register_validate_list_update_delete(
    live: LiveServer, standin: LlmStandin, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    standin.reset()
    with client_for(live, "byok-crud") as client:
        key = register(client, standin, key_alias="local", model_override="standin-large")
        assert key["is_valid"] is True and key["validation_error"] is None
        assert key["key_hint"] == "sk-…K9w2" and key["key_alias"] == "local"
        assert standin.keys == [f"Bearer {RAW}"]  # validated by listing the models
        register(client, standin, 409)
        listed = client.get(ROUTE)
        assert [k["id"] for k in listed.json()] == [key["id"]]
        models = client.get(f"{ROUTE}/{key['id']}/models").json()
        assert [m["id"] for m in models] == ["standin-small", "standin-large"]
        changed = client.put(f"{ROUTE}/{key['id']}", json={"model_override": ""}).json()
        assert changed["model_override"] is None and changed["key_alias"] == "local"
        empty = client.put(f"{ROUTE}/{key['id']}", json={})
        assert empty.status_code == 400
        assert "Provide at least one of raw_key" in empty.json()["detail"]
        validated = client.post(f"{ROUTE}/{key['id']}/validate").json()
        assert validated["is_valid"] is True
        everything = [listed.text, str(models), str(changed), str(validated), empty.text]
        assert client.delete(f"{ROUTE}/{key['id']}").status_code == 204
        assert client.get(ROUTE).json() == []
        assert client.get(f"{ROUTE}/{key['id']}/models").status_code == 404
    assert not any(RAW in text for text in everything)
    assert not any(RAW in record.getMessage() for record in caplog.records)


def test_the_key_is_sealed_at_rest(live: LiveServer, standin: LlmStandin) -> None:
    standin.reset()
    with client_for(live, "byok-sealed") as client:
        key = register(client, standin)
    rows = live.call(_stored(live, key["id"]))
    assert isinstance(rows, list) and len(rows) == 1
    row = rows[0]
    assert RAW not in row.sealed_key and row.sealed_key.startswith("v1.")
    assert live.services.llm_keys.raw_key(row) == RAW


async def _stored(live: LiveServer, key_id: str) -> list[Any]:
    """The stored row of a key, found through every organization (responses name none)."""
    storage = live.services.storage
    found = []
    for org in await storage.organizations.list_all():
        found += [k for k in await storage.llm_keys.list_active(org.id) if k.id == key_id]
    return found


def test_a_rejected_key_is_stored_invalid(live: LiveServer, standin: LlmStandin) -> None:
    standin.reset(mode="error")
    standin.error_status = 401
    with client_for(live, "byok-bad") as client:
        key = register(client, standin)
        assert key["is_valid"] is False and "rejected the API key" in key["validation_error"]
        models = client.get(f"{ROUTE}/{key['id']}/models")
        assert models.status_code == 502 and models.json()["error"] == "UPSTREAM_ERROR"
        prompt = client.post("/api/v1/extract", json={"content": "x", "extraction_prompt": "y"})
        assert prompt.status_code == 400 and prompt.json()["error"] == "LLM_KEY_MISSING"


def test_bad_bodies_answer_400(live: LiveServer, standin: LlmStandin) -> None:
    with client_for(live, "byok-400") as client:
        assert register(client, standin, 400, provider="mistral")["details"]["field"] == "provider"
        assert register(client, standin, 400, raw_key="")["details"]["field"] == "raw_key"
        assert register(client, standin, 400, raw_key="x" * 513)["details"]["field"] == "raw_key"
        no_url = client.post(ROUTE, json={"provider": "openai_compatible", "raw_key": "k"})
        assert no_url.status_code == 400 and no_url.json()["details"]["field"] == "base_url"


def test_scrape_prompt_uses_the_organization_key_and_others_cannot(
    live: LiveServer, standin: LlmStandin, fixture_site: Any
) -> None:
    standin.reset(PRODUCT, "json_schema")
    url = fixture_site.url("/extraction/product")
    body = {"url": url, "extraction_prompt": "the product"}
    with client_for(live, "byok-owner") as owner, client_for(live, "byok-stranger") as stranger:
        key = register(owner, standin, model_override="standin-large")
        standin.keys.clear()
        response = owner.post("/api/v1/scrape", json=body)
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["extraction_result"] == PRODUCT and result["extraction_method"] == "llm"
        assert standin.keys == [f"Bearer {RAW}"]
        assert standin.requests[-1]["model"] == "standin-large"
        assert RAW not in response.text
        refused = stranger.post("/api/v1/scrape", json=body)
        assert refused.status_code == 400 and refused.json()["error"] == "LLM_KEY_MISSING"
        for method, path in [
            ("GET", f"{ROUTE}/{key['id']}/models"),
            ("PUT", f"{ROUTE}/{key['id']}"),
            ("POST", f"{ROUTE}/{key['id']}/validate"),
            ("DELETE", f"{ROUTE}/{key['id']}"),
        ]:
            answer = stranger.request(
                method, path, json={"key_alias": "x"} if method == "PUT" else None
            )
            assert answer.status_code == 404, (method, path)
        assert stranger.get(ROUTE).json() == []
        assert len(standin.keys) == 1


def test_extract_names_the_byok_mode(live: LiveServer, standin: LlmStandin) -> None:
    standin.reset(PRODUCT, "json_schema")
    with client_for(live, "byok-extract") as client:
        register(client, standin)
        response = client.post(
            "/api/v1/extract",
            json={"content": "<h1>Summit</h1>", "extraction_prompt": "p", "cache": "skip"},
        )
        assert response.status_code == 200, response.text
        meta = response.json()["extraction_metadata"]
        assert meta["mode"] == "byok" and meta["provider"] == "openai_compatible"
        assert meta["model"] == "standin-small"  # no override: the endpoint's first model


def test_model_listing_is_limited_per_key(live: LiveServer, standin: LlmStandin) -> None:
    standin.reset()
    with client_for(live, "byok-limit") as client:
        key = register(client, standin)
        standin.keys.clear()
        answers = [client.get(f"{ROUTE}/{key['id']}/models").status_code for _ in range(11)]
        assert answers == [200] * 10 + [429]
        assert len(standin.keys) == 1  # cached for the hour after the first listing


def test_openrouter_exchange_is_unavailable(live: LiveServer) -> None:
    with client_for(live, "byok-openrouter") as client:
        response = client.post(
            f"{ROUTE}/openrouter/exchange", json={"code": "c", "code_verifier": "v"}
        )
        assert response.status_code == 501 and response.json()["error"] == "FEATURE_UNAVAILABLE"
