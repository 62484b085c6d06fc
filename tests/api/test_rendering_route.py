"""Rendering, artifacts, PDFs and OCR through POST /api/v1/scrape (real Chromium, Tesseract)."""

from __future__ import annotations

import shutil
from typing import Any

import httpx
import pytest

from tests.live_server import LiveServer
from tests.site.document_routes import PDF_BODY, PDF_HEADING
from tests.site.render_pages import HIDDEN_TEXT, SPA_TEXT

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed"
)
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="tesseract is not installed"
)


def scrape(api: httpx.Client, **body: Any) -> httpx.Response:
    return api.post("/api/v1/scrape", json=body)


@needs_chromium
def test_js_mode_renders_a_single_page_app(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/render/spa"), mode="js").json()
    assert SPA_TEXT in body["content"], body
    assert body["billing"]["tier_used"] == "4"
    assert body["credits_used"] == 4_000


@needs_chromium
def test_auto_mode_escalates_a_js_shell_to_rendering(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/render/spa")).json()
    tiers = [(e["tier"], e["result"]) for e in body["billing"]["escalations"]]
    assert tiers[0] == ("1", "failed")
    assert tiers[-1][1] == "success" and tiers[-1][0] in ("3.5", "4")
    assert SPA_TEXT in body["content"]


@needs_chromium
def test_actions_and_screenshot_artifact(
    api: httpx.Client, server: LiveServer, fixture_site: Any
) -> None:
    body = scrape(
        api,
        url=fixture_site.url("/render/button"),
        screenshot=True,
        advanced={
            "render_js": True,
            "actions": [
                {"type": "click", "selector": "#reveal"},
                {"type": "wait_for", "selector": "#secret"},
            ],
        },
    ).json()
    assert HIDDEN_TEXT in body["content"]
    assert [r["success"] for r in body["action_results"]] == [True, True]
    assert body["action_results"][0]["result"] == {"clicked": 1}
    assert body["billing"]["addons"][0]["name"] == "screenshot"
    signed = httpx.get(body["screenshot_url"])  # no credentials: the signature is enough
    assert signed.status_code == 200
    assert signed.content.startswith(b"\x89PNG")
    assert signed.headers["content-type"] == "image/png"
    artifact_path = body["screenshot_url"].split("?")[0].split(server.url)[1]
    assert httpx.get(f"{server.url}{artifact_path}").status_code == 404
    assert api.get(artifact_path).status_code == 200  # the owner's key works without a signature


def test_pdf_mode_reads_the_text_layer(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(
        api, url=fixture_site.url("/docs/report.pdf"), mode="pdf", formats=["markdown", "json"]
    ).json()
    assert PDF_HEADING in body["content"]["markdown"], body
    assert PDF_BODY in body["content"]["markdown"]
    assert body["pdf_metadata"]["num_pages"] == 2
    assert body["pdf_metadata"]["author"] == "Fixture Author"
    assert body["title"] == PDF_HEADING
    assert body["content"]["json"]["@type"] == "DigitalDocument"
    assert len(body["content"]["json"]["pages"]) == 2


def test_pdf_in_auto_mode_is_converted(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/docs/report.pdf")).json()
    assert PDF_BODY in body["content"]


@needs_tesseract
def test_scanned_pdf_falls_back_to_ocr(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/docs/scanned.pdf"), mode="pdf").json()
    assert "4711" in body["content"]


def test_pdf_mode_refuses_html(api: httpx.Client, fixture_site: Any) -> None:
    response = scrape(api, url=fixture_site.url("/article"), mode="pdf")
    assert response.status_code == 415
    assert response.json()["error"] == "UNSUPPORTED_CONTENT_TYPE"


@needs_tesseract
def test_ocr_mode_reads_an_image(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/docs/invoice.png"), mode="ocr").json()
    assert "4711" in body["content"], body
    result = body["ocr_results"][0]
    assert 0 < result["confidence"] <= 1
    assert result["blocks"] and set(result["blocks"][0]["bbox"]) == {"x", "y", "width", "height"}
    assert body["billing"]["addons"][0] == {"name": "ocr", "credits": 1_000, "refunded": False}


@needs_tesseract
def test_page_ocr_without_images_refunds_the_addon(api: httpx.Client, fixture_site: Any) -> None:
    body = scrape(api, url=fixture_site.url("/thin"), advanced={"ocr": True}).json()
    assert body["ocr_results"] == []
    assert body["billing"]["addons"][0]["refunded"] is True
    assert body["credits_used"] == body["billing"]["base_credits"]


def test_image_in_auto_mode_is_415(api: httpx.Client, fixture_site: Any) -> None:
    response = scrape(api, url=fixture_site.url("/image.png"))
    assert response.status_code == 415
    assert response.json()["details"]["content_type"] == "image/png"


@needs_tesseract
def test_ocr_health_reports_real_versions(api: httpx.Client) -> None:
    body = api.get("/api/v1/health/ocr").json()
    assert body["available"] is True
    assert body["tesseract_version"].startswith(("4", "5"))
    assert {"eng", "deu", "fra", "spa"} <= set(body["languages"])


def test_ready_reports_checks(server: LiveServer) -> None:
    body = httpx.get(f"{server.url}/api/v1/health/ready").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["browser_pool"] in ("ok", "disabled")
