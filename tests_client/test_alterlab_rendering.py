"""The official client's rendering, PDF and OCR helpers against scrapegate."""

from __future__ import annotations

from typing import Any

import httpx
from alterlab import AdvancedOptions

SPA_TEXT = "Rendered catalogue of fixture widgets"
HIDDEN_TEXT = "The secret paragraph appears after the button is clicked."


def test_scrape_js_with_screenshot(client: Any, site: str) -> None:
    result = client.scrape_js(f"{site}/render/spa", screenshot=True)
    assert SPA_TEXT in result["content"]
    assert result["billing"]["tier_used"] == "4"
    image = httpx.get(result["screenshot_url"])
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")


def test_actions_through_the_client(client: Any, site: str) -> None:
    result = client.scrape(
        f"{site}/render/button",
        mode="js",
        advanced=AdvancedOptions(render_js=True),
        actions=[
            {"type": "click", "selector": "#reveal"},
            {"type": "wait_for", "selector": "#secret"},
        ],
    )
    assert HIDDEN_TEXT in result["content"]
    assert all(r["success"] for r in result["action_results"])


def test_scrape_pdf(client: Any, site: str) -> None:
    result = client.scrape_pdf(f"{site}/docs/report.pdf", format="text")
    assert "Revenue from fixture widgets" in result["content"]
    assert result["pdf_metadata"]["num_pages"] == 2


def test_scrape_ocr(client: Any, site: str) -> None:
    result = client.scrape_ocr(f"{site}/docs/invoice.png", language="eng")
    assert "4711" in result["content"]
    assert result["ocr_results"][0]["blocks"]
