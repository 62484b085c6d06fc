"""Tiers 3.5 and 4 render script-built pages and apply the page options of core-api §4.2."""

from __future__ import annotations

import json

import pytest

from scrapegate.domain.scrape_model import Action
from scrapegate.fetchers.base import RenderOptions
from scrapegate.fetchers.browser import BrowserFetcher, BrowserPool, LightJsFetcher
from tests.browser.conftest import render_request, requires_chromium
from tests.browser.html_reading import element_text, elements, visible_text
from tests.site import render_pages
from tests.site.server import FixtureSite

pytestmark = [pytest.mark.asyncio(loop_scope="session"), requires_chromium]


def _text(body: bytes) -> str:
    return visible_text(body)


def _echo(body: bytes) -> dict[str, object]:
    """The JSON the /echo route returned, as Chromium shows it inside a <pre>."""
    data: dict[str, object] = json.loads(_text(body))
    return data


@pytest.mark.parametrize("fetcher_class", [LightJsFetcher, BrowserFetcher])
async def test_each_tier_renders_the_single_page_app(
    pool: BrowserPool, fixture_site: FixtureSite, fetcher_class: type[BrowserFetcher]
) -> None:
    response = await fetcher_class(pool).fetch(render_request(fixture_site, "/render/spa"))

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert render_pages.SPA_TEXT in _text(response.body)
    assert "Widget 8 is sturdy" in _text(response.body)
    assert response.url == fixture_site.url("/render/spa")


async def test_light_tier_skips_images_that_the_full_tier_loads(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    fixture_site.clear()
    await LightJsFetcher(pool).fetch(render_request(fixture_site, "/render/spa?img=light"))
    assert not fixture_site.requests.for_path("/image.png")

    await BrowserFetcher(pool).fetch(render_request(fixture_site, "/render/spa?img=full"))
    assert fixture_site.requests.for_path("/image.png")


async def test_redirects_are_followed_and_reported(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    response = await BrowserFetcher(pool).fetch(render_request(fixture_site, "/redirect/2"))

    assert response.url == fixture_site.url("/article")
    assert [hop.url for hop in response.redirect_chain] == [
        fixture_site.url("/redirect/2"),
        fixture_site.url("/redirect/1"),
    ]
    assert {hop.status_code for hop in response.redirect_chain} == {302}


async def test_status_of_the_main_document_is_reported(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    response = await BrowserFetcher(pool).fetch(render_request(fixture_site, "/status/404"))
    assert response.status_code == 404


async def test_caller_headers_and_cookies_reach_the_target(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    request = render_request(
        fixture_site, "/echo", headers={"X-Caller": "yes"}, cookies={"session": "abc"}
    )
    echoed = _echo((await BrowserFetcher(pool).fetch(request)).body)

    header_map = echoed["header_map"]
    assert isinstance(header_map, dict)
    assert header_map["x-caller"] == "yes"
    assert echoed["cookies"] == {"session": "abc"}
    assert "HeadlessChrome" not in header_map["user-agent"]
    assert "Chrome/" in header_map["user-agent"]


async def test_cookies_set_during_one_scrape_are_gone_in_the_next(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    fetcher = BrowserFetcher(pool)
    await fetcher.fetch(render_request(fixture_site, "/render/set-cookie"))

    echoed = _echo((await fetcher.fetch(render_request(fixture_site, "/echo"))).body)
    assert echoed["cookies"] == {}


async def test_locale_sets_languages_and_accept_language(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    render = RenderOptions(locale="de-DE", timezone_id="Europe/Berlin")
    echoed = _echo(
        (await BrowserFetcher(pool).fetch(render_request(fixture_site, "/echo", render))).body
    )
    header_map = echoed["header_map"]
    assert isinstance(header_map, dict)
    assert header_map["accept-language"].startswith("de-DE,de")


async def test_wait_for_a_missing_selector_is_a_warning(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    render = RenderOptions(wait_for="#never-there", wait_for_timeout_ms=300)
    response = await BrowserFetcher(pool).fetch(render_request(fixture_site, "/render/spa", render))

    assert response.status_code == 200
    assert any("#never-there" in warning for warning in response.render_warnings)


async def test_wait_for_a_present_selector_adds_no_warning(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    render = RenderOptions(wait_for=".item", wait_for_timeout_ms=5_000)
    response = await LightJsFetcher(pool).fetch(render_request(fixture_site, "/render/spa", render))
    assert response.render_warnings == []


async def test_scroll_to_load_brings_lazy_items(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    fetcher = BrowserFetcher(pool)
    plain = await fetcher.fetch(render_request(fixture_site, "/render/infinite"))
    scrolled = await fetcher.fetch(
        render_request(
            fixture_site, "/render/infinite", RenderOptions(scroll_to_load=True, scroll_count=3)
        )
    )
    assert _text(plain.body).count("Entry number") == render_pages.ITEMS_PER_BATCH
    assert _text(scrolled.body).count("Entry number") > render_pages.ITEMS_PER_BATCH


async def test_include_iframes_inlines_same_origin_and_marks_cross_origin(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    render = RenderOptions(include_iframes=True)
    response = await BrowserFetcher(pool).fetch(
        render_request(fixture_site, "/render/frames", render)
    )
    assert not elements(response.body, "//iframe")
    inlined = elements(response.body, "//div[@data-iframe-fetched='true']")
    marked = elements(response.body, "//div[@data-iframe-fetched='false']")
    assert render_pages.SAME_ORIGIN_FRAME_TEXT in inlined[0].text_content()
    assert marked[0].get("data-iframe-src").startswith(f"http://localhost:{fixture_site.port}/")
    assert marked[0].text_content().strip() == ""


async def test_shadow_dom_is_flattened_only_when_asked(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    fetcher = BrowserFetcher(pool)
    plain = await fetcher.fetch(render_request(fixture_site, "/render/shadow"))
    flat = await fetcher.fetch(
        render_request(fixture_site, "/render/shadow", RenderOptions(flatten_shadow_dom=True))
    )
    assert render_pages.SHADOW_TEXT not in _text(plain.body)
    assert render_pages.SHADOW_TEXT in _text(flat.body)


async def test_onetrust_banner_is_rejected_by_clicking(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    response = await BrowserFetcher(pool).fetch(
        render_request(fixture_site, "/render/consent/onetrust")
    )
    text = _text(response.body)
    assert "Consent: rejected" in text
    assert "We use cookies" not in text


async def test_generic_consent_dialog_is_removed(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    fetcher = BrowserFetcher(pool)
    kept = await fetcher.fetch(
        render_request(
            fixture_site, "/render/consent/generic", RenderOptions(remove_cookie_banners=False)
        )
    )
    removed = await fetcher.fetch(render_request(fixture_site, "/render/consent/generic"))

    assert "uses cookies for analytics" in _text(kept.body)
    assert "uses cookies for analytics" not in _text(removed.body)
    assert "Article body text stays." in _text(removed.body)


async def test_headless_detection_page_sees_a_human_at_tier_4(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    response = await BrowserFetcher(pool).fetch(
        render_request(fixture_site, "/render/headless-check")
    )
    verdict = element_text(response.body, "verdict")
    assert verdict == "human"


async def test_mobile_uses_a_phone_viewport_and_user_agent(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    render = RenderOptions(
        mobile=True,
        actions=(Action(type="evaluate", script="[screen.width, navigator.userAgent]"),),
    )
    response = await BrowserFetcher(pool).fetch(render_request(fixture_site, "/render/spa", render))
    assert response.action_results is not None
    width, user_agent = response.action_results[0].result
    assert width == 390
    assert "Mobile" in user_agent


async def test_screenshot_and_pdf_are_artifacts(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    render = RenderOptions(screenshot=True, generate_pdf=True)
    response = await BrowserFetcher(pool).fetch(
        render_request(fixture_site, "/render/tall", render)
    )
    by_kind = {artifact.kind: artifact for artifact in response.artifacts}

    assert by_kind["screenshot"].data.startswith(b"\x89PNG\r\n\x1a\n")
    assert by_kind["screenshot"].content_type == "image/png"
    assert by_kind["pdf"].data.startswith(b"%PDF-")
    assert by_kind["pdf"].action_index is None
    # Full page: the PNG is taller than the 768 px viewport (IHDR height at bytes 20-24).
    assert int.from_bytes(by_kind["screenshot"].data[20:24], "big") > 768


async def test_light_tier_reports_that_actions_need_tier_4(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    render = RenderOptions(screenshot=True, actions=(Action(type="click", selector="h1"),))
    response = await LightJsFetcher(pool).fetch(render_request(fixture_site, "/render/spa", render))

    assert response.artifacts == []
    assert response.action_results is None
    assert any("tier 4" in warning for warning in response.render_warnings)
