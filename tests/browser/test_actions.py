"""Every browser action type of core-api §4.3, with its action_results entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from scrapegate.domain.scrape_model import Action
from scrapegate.domain.scrape_result import ActionResult
from scrapegate.fetchers.base import FetchResponse, RenderOptions
from scrapegate.fetchers.browser import BrowserFetcher, BrowserPool
from tests.browser.conftest import render_request, requires_chromium
from tests.browser.html_reading import element_text, elements
from tests.site import render_pages
from tests.site.server import FixtureSite

pytestmark = [pytest.mark.asyncio(loop_scope="session"), requires_chromium]


async def _run(
    pool: BrowserPool,
    site: FixtureSite,
    path: str,
    *actions: Mapping[str, Any],
    allow_evaluate: bool = True,
) -> FetchResponse:
    parsed = tuple(Action(**action) for action in actions)
    render = RenderOptions(actions=parsed, allow_evaluate=allow_evaluate)
    return await BrowserFetcher(pool).fetch(render_request(site, path, render))


def _results(response: FetchResponse) -> list[ActionResult]:
    assert response.action_results is not None
    for position, entry in enumerate(response.action_results):
        assert entry.index == position
        assert entry.artifact is None  # the engine adds it once the file is stored
    return response.action_results


def _element_text(response: FetchResponse, element_id: str) -> str:
    return element_text(response.body, element_id)


async def test_click_then_wait_for_reveals_hidden_content(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    response = await _run(
        pool,
        fixture_site,
        "/render/button",
        {"type": "click", "selector": "#reveal"},
        {"type": "wait_for", "selector": "#secret", "timeout_ms": 5_000},
        {"type": "wait", "milliseconds": 50},
    )
    results = _results(response)

    assert [r.type for r in results] == ["click", "wait_for", "wait"]
    assert all(r.success for r in results)
    assert results[0].result == {"clicked": 1}
    assert results[1].result == {"found": True}
    assert results[2].result is None
    assert render_pages.HIDDEN_TEXT in _element_text(response, "secret")


async def test_click_all_counts_every_match(pool: BrowserPool, fixture_site: FixtureSite) -> None:
    response = await _run(
        pool, fixture_site, "/render/spa", {"type": "click", "selector": ".item", "all": True}
    )
    assert _results(response)[0].result == {"clicked": 8}


async def test_failing_action_is_recorded_and_the_rest_still_run(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    response = await _run(
        pool,
        fixture_site,
        "/render/button",
        {"type": "click", "selector": "#does-not-exist", "timeout_ms": 300},
        {"type": "wait_for", "selector": "#also-missing", "timeout_ms": 300},
        {"type": "click", "selector": "#reveal"},
    )
    failed_click, failed_wait, click = _results(response)

    assert failed_click.success is False and failed_click.error
    assert failed_wait.success is False
    assert failed_wait.error == "Selector '#also-missing' did not become visible in time"
    assert failed_wait.result == {"found": False}
    assert click.success is True
    assert response.status_code == 200


async def test_fill_and_press_enter_submit_the_form(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    response = await _run(
        pool,
        fixture_site,
        "/render/form",
        {"type": "fill", "selector": "#q", "value": "blue widgets"},
        {"type": "press", "key": "Enter", "selector": "#q"},
    )
    assert all(r.success for r in _results(response))
    assert _element_text(response, "result") == f"{render_pages.FORM_PREFIX} blue widgets"


async def test_type_into_the_focused_field(pool: BrowserPool, fixture_site: FixtureSite) -> None:
    response = await _run(
        pool,
        fixture_site,
        "/render/form",
        {"type": "click", "selector": "#q"},
        {"type": "type", "text": "typed", "delay_ms": 5},
        {"type": "press", "key": "Enter"},
    )
    assert all(r.success for r in _results(response))
    assert _element_text(response, "result") == f"{render_pages.FORM_PREFIX} typed"


async def test_scroll_and_infinite_scroll_load_more_entries(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    response = await _run(
        pool,
        fixture_site,
        "/render/infinite",
        {"type": "scroll", "direction": "down", "amount": 50},
        {"type": "scroll", "direction": "up", "amount": 1},
        {
            "type": "infinite_scroll",
            "max_scrolls": 20,
            "delay_ms": 250,
            "stop_selector": "#the-end",
        },
    )
    scroll_down, scroll_up, endless = _results(response)

    assert scroll_down.success and scroll_up.success
    assert endless.success
    assert 1 <= endless.result["scrolls"] < 20
    entries = elements(response.body, "//li[@class='entry']")
    assert len(entries) == render_pages.MAX_ITEMS


async def test_screenshot_snapshot_and_pdf_actions_produce_artifacts(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    response = await _run(
        pool,
        fixture_site,
        "/render/spa",
        {"type": "screenshot", "full_page": False},
        {"type": "screenshot", "selector": "h1"},
        {"type": "snapshot"},
        {"type": "pdf", "format": "Letter", "landscape": True},
    )
    shot, element_shot, snapshot, pdf = _results(response)
    artifacts = response.artifacts

    assert artifacts[shot.result["artifact_index"]].data.startswith(b"\x89PNG")
    assert artifacts[element_shot.result["artifact_index"]].kind == "screenshot"
    html_artifact = artifacts[snapshot.result["artifact_index"]]
    assert html_artifact.content_type == "text/html"
    assert render_pages.SPA_TEXT.encode() in html_artifact.data
    assert snapshot.result["length"] > 0
    assert artifacts[pdf.result["artifact_index"]].data.startswith(b"%PDF-")
    assert [a.action_index for a in artifacts] == [0, 1, 2, 3]


async def test_evaluate_returns_the_value(pool: BrowserPool, fixture_site: FixtureSite) -> None:
    response = await _run(
        pool,
        fixture_site,
        "/render/spa",
        {"type": "evaluate", "script": "document.querySelectorAll('.item').length * 2"},
        {"type": "evaluate", "script": "() => ({title: document.title})"},
    )
    count, title = _results(response)
    assert count.result == 16
    assert title.result == {"title": "Fixture SPA"}


async def test_evaluate_is_refused_when_disabled(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    fixture_site.clear()
    response = await _run(
        pool,
        fixture_site,
        "/render/spa",
        {"type": "evaluate", "script": "fetch('/echo?evaluated=1')"},
        allow_evaluate=False,
    )
    (entry,) = _results(response)
    assert entry.success is False
    assert "disabled" in entry.error
    assert not fixture_site.requests.for_path("/echo")


async def test_unknown_action_type_is_an_action_error(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    response = await _run(pool, fixture_site, "/render/spa", {"type": "teleport"})
    (entry,) = _results(response)
    assert entry.success is False
    assert "teleport" in entry.error


async def test_an_evaluate_that_never_settles_fails_alone(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    render = RenderOptions(
        actions=(
            Action(type="evaluate", script="new Promise(() => {})"),
            Action(type="click", selector="#reveal"),
        )
    )
    request = render_request(fixture_site, "/render/button", render, timeout_s=6.0)
    response = await BrowserFetcher(pool).fetch(request)
    stuck, click = _results(response)

    assert stuck.success is False
    assert click.success is False  # no time left: recorded, not run
    assert response.status_code == 200
