"""Browser traffic obeys the SSRF rules (design-notes §18); navigation errors have causes."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import quote

import pytest

from scrapegate.domain.netrules import IPAddress, NetPolicy
from scrapegate.domain.scrape_model import Action
from scrapegate.errors import URLNotAllowed
from scrapegate.fetchers.base import FetchError, FetchRequest, RenderOptions
from scrapegate.fetchers.browser import BrowserFetcher, BrowserPool, LightJsFetcher
from tests.browser.conftest import render_request, requires_chromium
from tests.site import render_pages
from tests.site.server import FixtureSite

pytestmark = [pytest.mark.asyncio(loop_scope="session"), requires_chromium]


def _only_127_0_0_1(site: FixtureSite) -> NetPolicy:
    return NetPolicy.build(
        allow_private=False, allowed_cidrs=["127.0.0.1/32"], allowed_ports=[site.port]
    )


def _probe(site: FixtureSite, target: str) -> str:
    return f"/render/probe?target={quote(target, safe='')}"


async def test_control_probe_of_an_allowed_target_reaches_the_server(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    fixture_site.clear()
    target = fixture_site.url("/render/frame-child")
    request = render_request(
        fixture_site, _probe(fixture_site, target), policy=_only_127_0_0_1(fixture_site)
    )
    await BrowserFetcher(pool).fetch(request)
    assert len(fixture_site.requests.for_path("/render/frame-child")) == 3  # frame, image, fetch


@pytest.mark.parametrize("host", ["127.0.0.2", "[::1]", "localhost"])
async def test_subresources_to_refused_hosts_never_reach_the_server(
    pool: BrowserPool, fixture_site: FixtureSite, host: str
) -> None:
    fixture_site.clear()
    target = f"http://{host}:{fixture_site.port}/render/frame-child"
    request = render_request(
        fixture_site, _probe(fixture_site, target), policy=_only_127_0_0_1(fixture_site)
    )
    response = await BrowserFetcher(pool).fetch(request)

    assert response.status_code == 200
    assert fixture_site.requests.for_path("/render/probe")
    assert not fixture_site.requests.for_path("/render/frame-child")


async def test_refused_main_document_raises_url_not_allowed(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    request = FetchRequest(
        url=f"http://localhost:{fixture_site.port}/article", policy=_only_127_0_0_1(fixture_site)
    )
    with pytest.raises(URLNotAllowed):
        await BrowserFetcher(pool).fetch(request)


@pytest.mark.parametrize("fetcher_class", [LightJsFetcher, BrowserFetcher])
async def test_redirect_to_a_refused_host_raises_url_not_allowed(
    pool: BrowserPool, fixture_site: FixtureSite, fetcher_class: type[BrowserFetcher]
) -> None:
    fixture_site.clear()
    target = f"http://localhost:{fixture_site.port}/article?redirected=1"
    request = render_request(
        fixture_site,
        f"/redirect-to?to={quote(target, safe='')}",
        policy=_only_127_0_0_1(fixture_site),
    )
    with pytest.raises(URLNotAllowed):
        await fetcher_class(pool).fetch(request)
    assert fixture_site.requests.for_path("/redirect-to")
    assert not fixture_site.requests.for_path("/article")


@pytest.mark.parametrize(("host", "expected"), [("127.0.0.1", "open"), ("localhost", "refused")])
async def test_websockets_obey_the_policy(
    pool: BrowserPool, fixture_site: FixtureSite, host: str, expected: str
) -> None:
    marker = f"{host}-{len(render_pages.WEBSOCKET_PATHS)}"
    script = (
        "new Promise((done) => { const ws = new WebSocket("
        f"'ws://{host}:{fixture_site.port}/render/ws?m={marker}');"
        "ws.onopen = () => done('open'); ws.onerror = () => done('refused');"
        "ws.onclose = () => done('refused'); })"
    )
    render = RenderOptions(actions=(Action(type="evaluate", script=script),))
    request = render_request(
        fixture_site, "/render/spa", render, policy=_only_127_0_0_1(fixture_site)
    )
    response = await BrowserFetcher(pool).fetch(request)

    assert response.action_results is not None
    assert response.action_results[0].result == expected
    reached = f"/render/ws?m={marker}" in render_pages.WEBSOCKET_PATHS
    assert reached is (expected == "open")


async def test_host_names_are_resolved_by_scrapegate_not_by_chromium(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    """Chromium cannot resolve ``*.test``; only our resolver knows it, and its answer is checked."""
    answers: dict[str, list[IPAddress]] = {
        "app.test": [ipaddress.ip_address("127.0.0.1")],
        "rebound.test": [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("10.1.2.3")],
    }

    async def resolver(host: str, port: int) -> list[IPAddress]:
        if host not in answers:
            raise FetchError("dns_error", f"no such host {host}")
        return answers[host]

    fetcher = BrowserFetcher(pool, resolver)
    policy = _only_127_0_0_1(fixture_site)
    ok = await fetcher.fetch(
        FetchRequest(url=f"http://app.test:{fixture_site.port}/render/spa", policy=policy)
    )
    assert ok.url == f"http://app.test:{fixture_site.port}/render/spa"
    assert b"Widget 1" in ok.body

    with pytest.raises(URLNotAllowed):
        await fetcher.fetch(
            FetchRequest(url=f"http://rebound.test:{fixture_site.port}/article", policy=policy)
        )
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(
            FetchRequest(url=f"http://nowhere.test:{fixture_site.port}/", policy=policy)
        )
    assert caught.value.cause == "dns_error"


async def test_connection_refused_is_a_fetch_error(pool: BrowserPool) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    request = FetchRequest(
        url=f"http://127.0.0.1:{closed_port}/", policy=NetPolicy.build(allow_private=True)
    )
    with pytest.raises(FetchError) as caught:
        await BrowserFetcher(pool).fetch(request)
    assert caught.value.cause == "connection_refused"


async def test_slow_page_past_the_timeout_is_a_timeout(
    pool: BrowserPool, fixture_site: FixtureSite
) -> None:
    request = FetchRequest(
        url=fixture_site.url("/slow?delay=5"),
        policy=NetPolicy.build(allow_private=True),
        timeout_s=1.5,
    )
    with pytest.raises(FetchError) as caught:
        await BrowserFetcher(pool).fetch(request)
    assert caught.value.cause == "timeout"
