"""POST /api/v1/scrape end to end: real server, real fetchers, the loopback fixture site."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

from tests.api.conftest import ADMIN_KEY, new_key
from tests.live_server import LiveServer

ARTICLE_SENTENCE = "The quick brown fox of scrapegate"


def scrape(api: httpx.Client, **body: Any) -> httpx.Response:
    return api.post("/api/v1/scrape", json=body)


def test_default_output_is_main_content_markdown(api: httpx.Client, fixture_site: Any) -> None:
    response = scrape(api, url=fixture_site.url("/article"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["content"], str)
    assert ARTICLE_SENTENCE in body["content"]
    assert body["status_code"] == 200
    assert body["billing"]["tier_used"] == "1"
    assert body["billing"]["escalations"][-1]["result"] == "success"
    assert body["credits_used"] == 200
    assert uuid.UUID(body["job_id"])
    assert body["cached"] is False
    assert body["content_quality"]["word_count"] > 50


def test_formats_make_content_an_object(api: httpx.Client, fixture_site: Any) -> None:
    formats = ["markdown", "text", "html", "json", "content", "rag", "json_v2", "raw"]
    body = scrape(api, url=fixture_site.url("/article"), formats=formats).json()
    assert set(body["content"]) == set(formats)
    assert ARTICLE_SENTENCE in body["content"]["text"]
    assert len(body["content"]["content"]["content_hash"]) == 64
    assert "<html" in body["content"]["raw"].lower()


def test_content_format_is_the_content_result_itself(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/article"), formats=["markdown", "content"]).json()
    assert set(body["content"]) == {"markdown", "content"}
    result = body["content"]["content"]
    assert set(result) == {"body_markdown", "content_hash", "word_count", "images", "links"}
    assert ARTICLE_SENTENCE in result["body_markdown"]
    assert "content" not in result


def test_content_format_alone_is_read_as_content_content(
    api: httpx.Client, fixture_site: Any
) -> None:
    for path in ("/article", "/plain"):
        body = scrape(api, url=fixture_site.url(path), formats=["content"]).json()
        assert set(body["content"]) == {"content"}
        assert len(body["content"]["content"]["content_hash"]) == 64
        assert isinstance(body["content"]["content"]["body_markdown"], str)


def test_every_response_has_request_id_and_version(api: httpx.Client) -> None:
    given = str(uuid.uuid4())
    response = api.get("/api/v1/health/live", headers={"X-Request-Id": given})
    assert response.headers["X-Request-Id"] == given
    assert response.headers["X-Scrapegate-Version"]


def test_target_error_status_is_a_successful_scrape(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/status/404")).json()
    assert body["status_code"] == 404
    assert "404" in body["warning"]


def test_redirects_are_followed_and_reported(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/redirect/3")).json()
    assert body["redirected"] is True
    assert len(body["redirect_chain"]) == 3
    assert body["final_url"].endswith("/article")


def test_too_many_redirects_is_upstream_error(api: httpx.Client, fixture_site: Any) -> None:
    response = scrape(api, url=fixture_site.url("/redirect-loop"))
    assert response.status_code == 502
    assert response.json()["error"] == "UPSTREAM_ERROR"
    assert response.json()["details"]["cause"] == "too_many_redirects"


def test_challenge_escalates_then_fails_with_attempts(api: httpx.Client, fixture_site: Any) -> None:
    response = scrape(
        api, url=fixture_site.url("/challenge/cloudflare"), cost_controls={"max_tier": "3"}
    )
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "CHALLENGE_DETECTED"
    assert [a["tier"] for a in body["details"]["attempts"]] == ["1", "2", "3"]
    assert body["detail"] == body["message"]


def test_block_page_gives_blocked_by_antibot(api: httpx.Client, fixture_site: Any) -> None:
    response = scrape(
        api, url=fixture_site.url("/block/access-denied"), cost_controls={"max_tier": "2"}
    )
    assert response.status_code == 403
    assert response.json()["error"] == "BLOCKED_BY_ANTIBOT"


def test_force_tier_attempts_only_that_tier(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/article"), cost_controls={"force_tier": "2"}).json()
    assert [e["tier"] for e in body["billing"]["escalations"]] == ["2"]
    assert body["credits_used"] == 300


def test_js_shell_with_low_max_tier_warns(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/js-shell"), cost_controls={"max_tier": "2"}).json()
    assert body["quality_warning"]["code"] == "JS_SHELL"


def test_without_a_browser_js_mode_is_unavailable(server_factory: Any, fixture_site: Any) -> None:
    bare = server_factory(browser={"executable_path": "/nonexistent/chromium"})
    response = httpx.post(
        f"{bare.url}/api/v1/scrape",
        headers={"X-API-Key": ADMIN_KEY},
        json={"url": fixture_site.url("/article"), "mode": "js"},
    )
    assert response.status_code == 501
    assert response.json()["error"] == "FEATURE_UNAVAILABLE"
    assert response.json()["detail"] == "Browser rendering is not available on this server"


def test_sync_false_returns_202_and_job_completes(api: httpx.Client, fixture_site: Any) -> None:
    response = scrape(api, url=fixture_site.url("/article"), sync=False)
    assert response.status_code == 202
    accepted = response.json()
    assert accepted["reason"] == "sync_false"
    assert response.headers["Location"] == accepted["poll_url"]
    job = wait_job(api, accepted["job_id"])
    assert job["status"] == "completed"
    assert ARTICLE_SENTENCE in job["result"]["content"]
    assert job["result_expires_at"].endswith("Z")


def wait_job(api: httpx.Client, job_id: str, patience_s: float = 90.0) -> dict[str, Any]:
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = api.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError("job did not finish")


def test_failed_async_job_reports_code(api: httpx.Client, fixture_site: Any) -> None:
    accepted = scrape(
        api,
        url=fixture_site.url("/challenge/datadome"),
        sync=False,
        cost_controls={"max_tier": "1"},
    ).json()
    job = wait_job(api, accepted["job_id"])
    assert job["status"] == "failed"
    assert job["error_code"] == "CHALLENGE_DETECTED"
    assert isinstance(job["error"], str)


def test_unknown_and_malformed_job_ids_are_404(api: httpx.Client) -> None:
    for job_id in (str(uuid.uuid4()), "not-a-uuid"):
        response = api.get(f"/api/v1/jobs/{job_id}")
        assert response.status_code == 404
        assert response.json()["error"] == "NOT_FOUND"


def test_other_organizations_cannot_see_a_job(
    api: httpx.Client, server: LiveServer, fixture_site: Any
) -> None:
    accepted = scrape(api, url=fixture_site.url("/article"), sync=False).json()
    other = new_key(server, "someone-else")
    response = httpx.get(
        f"{server.url}/api/v1/jobs/{accepted['job_id']}", headers={"X-API-Key": other}
    )
    assert response.status_code == 404


def test_cache_hit_is_free_and_marked(api: httpx.Client, fixture_site: Any) -> None:
    url = fixture_site.url("/article?cache-test=1")
    first = scrape(api, url=url, cache=True).json()
    second = scrape(api, url=url, cache=True).json()
    assert first["cached"] is False
    assert second["cached"] is True
    assert second["credits_used"] == 0
    assert second["billing"]["escalations"] == []
    assert second["cached_at"].endswith("Z")
    assert second["job_id"] != first["job_id"]
    refreshed = scrape(api, url=url, cache=True, force_refresh=True).json()
    assert refreshed["cached"] is False


def test_trailing_slash_is_tolerated(api: httpx.Client) -> None:
    assert api.get("/api/v1/usage/").status_code == 200


def test_unknown_route_uses_the_envelope(api: httpx.Client) -> None:
    body = api.get("/api/v1/nope").json()
    assert body["error"] == "NOT_FOUND"
    assert body["detail"] == body["message"]


def test_openapi_lists_the_routes(api: httpx.Client) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/scrape",
        "/api/v1/scrape/estimate",
        "/api/v1/jobs/{job_id}",
        "/api/v1/usage",
        "/api/v1/health",
    ):
        assert path in paths


def test_admin_key_works_with_bearer(server: LiveServer) -> None:
    response = httpx.get(
        f"{server.url}/api/v1/usage", headers={"Authorization": f"Bearer {ADMIN_KEY}"}
    )
    assert response.status_code == 200
