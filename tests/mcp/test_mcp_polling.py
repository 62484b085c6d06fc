"""A scrape the API accepts with 202 (it outlived the synchronous wait) is polled to its end:
the tools against a scripted API, through the SDK's in-process client."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
from mcp import Client

from scrapegate.api.mcp.gateway import GatewayConfig
from scrapegate.api.mcp.server import build_server
from tests.mcp.clients import json_of, text_of

JOB_ID = "11111111-2222-4333-8444-555555555555"
ACCEPTED = {"job_id": JOB_ID, "status": "pending", "poll_url": f"/api/v1/jobs/{JOB_ID}"}


def scripted_api(job_states: list[dict[str, object]]) -> tuple[httpx.MockTransport, list[str]]:
    """POST /scrape answers 202; each poll of the job answers the next state."""
    seen: list[str] = []
    states: Iterator[dict[str, object]] = iter(job_states)

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path} {request.headers.get('x-api-key')}")
        if request.method == "POST":
            return httpx.Response(202, json=ACCEPTED)
        return httpx.Response(200, json={"job_id": JOB_ID, **next(states)})

    return httpx.MockTransport(answer), seen


def client_for(transport: httpx.MockTransport) -> Client:
    config = GatewayConfig(
        base_url="http://api.test", api_key="sk_scripted", transport=transport, poll_interval_s=0
    )
    return Client(build_server(config))


async def test_an_accepted_scrape_is_polled_to_its_result() -> None:
    result = {"url": "http://site.test/", "content": "done", "credits_used": 200}
    states = [
        {"status": "pending"},
        {"status": "running"},
        {"status": "completed", "result": result},
    ]
    transport, seen = scripted_api(states)
    async with client_for(transport) as client:
        answer = await client.call_tool("alterlab_scrape", {"url": "http://site.test/"})
    assert json_of(answer) == result
    job = f"GET /api/v1/jobs/{JOB_ID} sk_scripted"
    assert seen == ["POST /api/v1/scrape sk_scripted", job, job, job]


async def test_a_failed_job_is_a_tool_error_with_its_code() -> None:
    failed = {
        "status": "failed",
        "error": "Every tier failed",
        "error_code": "ALL_TIERS_FAILED",
        "error_details": {"tiers": ["1", "2"]},
    }
    transport, _ = scripted_api([failed])
    async with client_for(transport) as client:
        answer = await client.call_tool("alterlab_scrape", {"url": "http://site.test/"})
    assert answer.is_error
    assert "ALL_TIERS_FAILED: Every tier failed" in text_of(answer)
    assert json.dumps({"tiers": ["1", "2"]}, separators=(",", ":")) in text_of(answer)
