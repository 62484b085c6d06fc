"""GET /api/v1/favicon and /favicon/batch through a real server against loopback fixture sites."""

from __future__ import annotations

import asyncio
import base64
import io
import socket
import struct
import threading
import zlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from PIL import Image

from scrapegate.config import Settings
from scrapegate.domain.netrules import NetPolicy
from scrapegate.errors import InvalidRequest, InvalidURL
from scrapegate.fetchers import HttpxFetcher
from scrapegate.platform.favicon import (
    FaviconService,
    IconCandidate,
    icon_links,
    manifest_icons,
    parse_domain,
)
from scrapegate.platform.favicon_image import IconRejected, fallback_colour, fit_icon
from scrapegate.storage.memory import create_memory_storage
from scrapegate.storage.protocols import CacheRepository
from tests.live_server import LiveServer
from tests.site.app import FixtureApp
from tests.site.favicon_routes import COLOURS, SCENARIOS, ScenarioByPort, solid_png
from tests.site.request_log import RecordedRequest, RequestLog
from tests.site.server import start_in_thread, stop_thread

KEY = "sk_test_" + "F" * 32
INVALID, REFUSED = {"error": "INVALID_URL"}, {"error": "URL_NOT_ALLOWED"}


class FaviconSites:
    """One uvicorn server with a loopback port per favicon scenario (the scenario is the site)."""

    def __init__(self) -> None:
        self.requests = RequestLog()
        self._sockets: dict[str, socket.socket] = {}
        for scenario in SCENARIOS:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", 0))
            self._sockets[scenario] = sock
        ports = {sock.getsockname()[1]: name for name, sock in self._sockets.items()}
        config = uvicorn.Config(
            ScenarioByPort(FixtureApp(self.requests), ports),
            log_level="critical",
            access_log=False,
            lifespan="off",
            loop="asyncio",
            http="h11",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": list(self._sockets.values())}, daemon=True
        )

    def domain(self, scenario: str) -> str:
        return f"127.0.0.1:{self._sockets[scenario].getsockname()[1]}"

    def fetched(self, scenario: str, path: str) -> list[RecordedRequest]:
        return self.requests.for_path(f"/favicons/{scenario}{path}")

    def start(self) -> FaviconSites:
        start_in_thread(self._server, self._thread, "the favicon fixture sites")
        return self

    def stop(self) -> None:
        first, *others = self._sockets.values()
        stop_thread(self._server, self._thread, first)
        for sock in others:
            sock.close()


@pytest.fixture(scope="module")
def sites() -> Iterator[FaviconSites]:
    running = FaviconSites().start()
    yield running
    running.stop()


def _client(tmp_path_factory: pytest.TempPathFactory, **overrides: Any) -> Iterator[httpx.Client]:
    values: dict[str, Any] = {"bootstrap_api_key": KEY, "allow_private_networks": True}
    settings = Settings(data_dir=tmp_path_factory.mktemp("favicon"), **{**values, **overrides})
    with LiveServer(settings) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    yield from _client(tmp_path_factory)


@pytest.fixture(scope="module")
def locked_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    yield from _client(tmp_path_factory, allow_private_networks=False)


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGBA")


def _centre(png: bytes) -> Any:
    image = _image(png)
    return image.getpixel((image.width // 2, image.height // 2))


def _opaque(colour: str) -> tuple[int, int, int, int]:
    return (*COLOURS[colour], 255)


def _get_icon(api: httpx.Client, domain: str, size: int | str | None = None) -> httpx.Response:
    params: dict[str, Any] = {"domain": domain}
    if size is not None:
        params["size"] = size
    return api.get("/api/v1/favicon", params=params)


# --- GET /api/v1/favicon ---------------------------------------------------------------------


def test_the_largest_raster_link_is_chosen_and_resized(
    api: httpx.Client, sites: FaviconSites
) -> None:
    response = _get_icon(api, sites.domain("links"), 64)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-favicon-source"] == "site"
    assert response.headers["cache-control"] == "public, max-age=86400"
    assert response.headers["etag"].startswith('"')
    assert _image(response.content).size == (64, 64)
    assert _centre(response.content) == _opaque("blue")  # the 180 px apple-touch-icon
    assert sites.fetched("links", "/icons/mask.svg") == []
    assert sites.fetched("links", "/icons/logo.svg") == []


def test_a_larger_manifest_icon_beats_the_links(api: httpx.Client, sites: FaviconSites) -> None:
    response = _get_icon(api, sites.domain("manifest"), 128)
    assert response.status_code == 200
    assert _centre(response.content) == _opaque("yellow")
    assert len(sites.fetched("manifest", "/static/site.webmanifest")) == 1
    assert sites.fetched("manifest", "/icons/purple-512.png") == []  # monochrome: a mask


@pytest.mark.parametrize(("size", "colour"), [(16, "red"), (32, "green"), (48, "blue")])
def test_the_ico_frame_that_covers_the_size_is_used(
    api: httpx.Client, sites: FaviconSites, size: int, colour: str
) -> None:
    response = _get_icon(api, sites.domain("ico"), size)
    assert response.status_code == 200
    assert response.headers["x-favicon-source"] == "site"
    assert _image(response.content).size == (size, size)
    assert _centre(response.content) == _opaque(colour)


def test_favicon_ico_is_used_when_the_home_page_fails(
    api: httpx.Client, sites: FaviconSites
) -> None:
    response = _get_icon(api, sites.domain("down"), 256)
    assert response.headers["x-favicon-source"] == "site"
    assert _centre(response.content) == _opaque("blue")


def test_broken_huge_and_oversized_candidates_are_skipped(
    api: httpx.Client, sites: FaviconSites
) -> None:
    response = _get_icon(api, sites.domain("broken"), 32)
    assert response.headers["x-favicon-source"] == "site"
    assert _centre(response.content) == _opaque("green")
    for refused in ("/icons/broken.png", "/icons/wide.png", "/icons/noise.png"):
        assert len(sites.fetched("broken", refused)) == 1


def test_an_svg_only_site_gets_the_generated_fallback(
    api: httpx.Client, sites: FaviconSites
) -> None:
    domain = sites.domain("svg-only")
    response = _get_icon(api, domain, 48)
    assert response.status_code == 200
    assert response.headers["x-favicon-source"] == "fallback"
    image = _image(response.content)
    assert image.size == (48, 48)
    assert image.getpixel((24, 2)) == (*fallback_colour(domain), 255)
    assert sites.fetched("svg-only", "/icons/logo.svg") == []
    assert len(sites.fetched("svg-only", "/favicon.ico")) == 1


def test_an_unreachable_site_gets_the_fallback(api: httpx.Client) -> None:
    response = _get_icon(api, "127.0.0.1:1")
    assert response.status_code == 200
    assert response.headers["x-favicon-source"] == "fallback"
    assert _image(response.content).size == (32, 32)  # the default size


def test_a_second_call_is_served_from_the_cache(api: httpx.Client, sites: FaviconSites) -> None:
    first = _get_icon(api, sites.domain("plain"), 96)
    second = _get_icon(api, sites.domain("plain"), 96)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    assert _centre(second.content) == _opaque("purple")
    assert len(sites.fetched("plain", "/")) == 1
    assert len(sites.fetched("plain", "/icons/purple-64.png")) == 1


def test_a_matching_etag_gets_304(api: httpx.Client, sites: FaviconSites) -> None:
    first = _get_icon(api, sites.domain("plain"), 32)
    etag = first.headers["etag"]
    url, params = "/api/v1/favicon", {"domain": sites.domain("plain"), "size": 32}
    again = api.get(url, params=params, headers={"If-None-Match": f'"other", W/{etag}'})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    changed = api.get(url, params=params, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200
    assert changed.content == first.content


@pytest.mark.parametrize("size", ["20", "0", "512", "abc"])
def test_a_size_outside_the_list_is_400(api: httpx.Client, size: str) -> None:
    response = _get_icon(api, "example.com", size)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "INVALID_REQUEST"
    assert body["details"]["field"] == "size"


@pytest.mark.parametrize(
    "domain", ["https://example.com", "example.com/path", "bad host", "example.com:99999", "a..b"]
)
def test_a_malformed_domain_is_400_invalid_url(api: httpx.Client, domain: str) -> None:
    response = _get_icon(api, domain)
    assert response.status_code == 400
    assert response.json()["error"] == "INVALID_URL"
    assert response.json()["details"]["field"] == "domain"


def test_a_missing_domain_is_400_invalid_request(api: httpx.Client) -> None:
    response = api.get("/api/v1/favicon")
    assert response.status_code == 400
    assert response.json()["error"] == "INVALID_REQUEST"


def test_credentials_are_optional_but_checked(api: httpx.Client, sites: FaviconSites) -> None:
    bad = api.get(
        "/api/v1/favicon", params={"domain": "example.com"}, headers={"X-API-Key": "sk_test_nope"}
    )
    assert bad.status_code == 401
    good = _get_icon(api, sites.domain("plain"), 16)
    assert good.status_code == 200
    assert int(good.headers["x-ratelimit-limit"]) == 120


def test_a_private_site_is_refused_when_private_networks_are_off(
    locked_api: httpx.Client, sites: FaviconSites
) -> None:
    for domain in ("localhost", sites.domain("plain")):
        response = _get_icon(locked_api, domain)
        assert response.status_code == 403
        assert response.json()["error"] == "URL_NOT_ALLOWED"
    batch = locked_api.get("/api/v1/favicon/batch", params={"domains": "localhost"}).json()
    assert batch["favicons"]["localhost"] == {"data_uri": None, "source": "error", **REFUSED}


def test_the_ip_rate_limit_answers_429(tmp_path_factory: pytest.TempPathFactory) -> None:
    for client in _client(tmp_path_factory):
        # The bucket refills at 2 tokens/s while we send, so count until the first refusal.
        responses: list[httpx.Response] = []
        while len(responses) < 1_000 and (not responses or responses[-1].status_code != 429):
            responses.append(_get_icon(client, "bad host"))
        limited = responses[-1]
        assert len(responses) > 120
        assert {r.status_code for r in responses[:120]} == {400}  # limited before params are read
        assert limited.status_code == 429
        assert limited.json()["error"] == "RATE_LIMITED"
        assert int(limited.headers["retry-after"]) >= 1


# --- GET /api/v1/favicon/batch ---------------------------------------------------------------


def test_batch_reports_each_domain(api: httpx.Client, sites: FaviconSites) -> None:
    links, svg_only = sites.domain("links"), sites.domain("svg-only")
    response = api.get(
        "/api/v1/favicon/batch", params={"domains": f"{links}, bad host,{svg_only},{links}"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["size"] == 32
    assert list(body["favicons"]) == [links, "bad host", svg_only]
    assert body["favicons"]["bad host"] == {"data_uri": None, "source": "error", **INVALID}
    site = body["favicons"][links]
    assert site["source"] == "site"
    prefix = "data:image/png;base64,"
    assert site["data_uri"].startswith(prefix)
    png = base64.b64decode(site["data_uri"][len(prefix) :])
    assert _image(png).size == (32, 32)
    assert _centre(png) == _opaque("blue")
    assert body["favicons"][svg_only]["source"] == "fallback"


def test_batch_limits(api: httpx.Client) -> None:
    too_many = ",".join(f"site{n}.example" for n in range(51))
    for params in ({"domains": too_many}, {"domains": " , "}, {}):
        response = api.get("/api/v1/favicon/batch", params=params)
        assert response.status_code == 400
        assert response.json()["error"] == "INVALID_REQUEST"
    bad_size = api.get("/api/v1/favicon/batch", params={"domains": "example.com", "size": 33})
    assert bad_size.status_code == 400


# --- the service on its own ------------------------------------------------------------------


@pytest.fixture
async def service_and_cache() -> AsyncIterator[tuple[FaviconService, CacheRepository]]:
    fetcher, cache = HttpxFetcher(), create_memory_storage().cache
    yield FaviconService(fetcher, NetPolicy(allow_private=True), cache), cache
    await fetcher.aclose()


async def test_concurrent_lookups_share_one_discovery(
    sites: FaviconSites, service_and_cache: tuple[FaviconService, CacheRepository]
) -> None:
    service, _ = service_and_cache
    before = len(sites.fetched("manifest", "/"))
    domain = sites.domain("manifest")
    results = await asyncio.gather(*(service.icon(domain, 180) for _ in range(5)))
    assert {r.source for r in results} == {"site"}
    assert len({r.png for r in results}) == 1
    assert len(sites.fetched("manifest", "/")) == before + 1


async def test_sites_are_cached_a_week_and_fallbacks_a_day(
    sites: FaviconSites, service_and_cache: tuple[FaviconService, CacheRepository]
) -> None:
    service, cache = service_and_cache
    lifetimes = {}
    for scenario in ("plain", "svg-only"):
        await service.icon(sites.domain(scenario), 180)
        entry = await cache.get(f"favicon:180:{sites.domain(scenario)}", datetime.now(UTC))
        assert entry is not None and entry.org_id == "favicon"
        lifetimes[entry.response["source"]] = entry.expires_at - entry.created_at
    assert lifetimes == {"site": timedelta(days=7), "fallback": timedelta(days=1)}


# --- pure parts ------------------------------------------------------------------------------


def test_domains_are_parsed_to_ascii_with_an_optional_port() -> None:
    assert parse_domain(" Bücher.Example ").authority == "xn--bcher-kva.example"
    assert parse_domain("example.com:8443").authority == "example.com:8443"
    assert parse_domain("[::1]:8080").authority == "[::1]:8080"
    with pytest.raises(InvalidURL):
        parse_domain("::1")
    with pytest.raises(InvalidURL):
        parse_domain("user@example.com")
    with pytest.raises(InvalidRequest):
        parse_domain("   ")


def test_fallback_colours_are_stable_and_differ_between_domains() -> None:
    assert fallback_colour("example.com") == fallback_colour("www.example.com")
    assert fallback_colour("example.com") != fallback_colour("example.org")


def test_a_wide_icon_is_centred_on_a_transparent_canvas() -> None:
    fitted = _image(fit_icon(solid_png("green", 64, 32), 32))
    assert fitted.size == (32, 32)
    assert fitted.getpixel((16, 2)) == (0, 0, 0, 0)
    assert fitted.getpixel((16, 16)) == _opaque("green")


def test_an_ico_frame_that_lies_about_its_size_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (16, 16), (1, 2, 3, 255)).save(buffer, "ICO", sizes=[(16, 16)])
    data = bytearray(buffer.getvalue())
    offset = struct.unpack("<I", data[18:22])[0]  # the only directory entry's frame offset
    assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
    # 5000×5000 stays under Pillow's own bomb limit: only our check refuses it before decoding.
    header = b"IHDR" + struct.pack(">II", 5_000, 5_000) + bytes(data[offset + 24 : offset + 29])
    data[offset + 12 : offset + 33] = header + struct.pack(">I", zlib.crc32(header))
    with pytest.raises(IconRejected) as refused:
        fit_icon(bytes(data), 32)
    assert refused.value.reason == "too_many_pixels"


def test_page_links_and_manifest_entries_become_candidates() -> None:
    html = (
        b'<html><head><base href="/assets/">'
        b'<link rel="Shortcut Icon" href="fav.png">'
        b'<link rel="apple-touch-icon-precomposed" href="//cdn.example/touch.png">'
        b'<link rel="icon" sizes="16x16 64x64" href="DATA:image/png;base64,iVBORw0KGgo=">'
        b'<link rel="icon" href="data:image/svg+xml,%3Csvg%3E">'
        b'<link rel="mask-icon" href="mask.png"><link rel="fluid-icon" href="fluid.png">'
        b'<link rel="icon" href="javascript:alert(1)">'
        b'<link rel="manifest" href="site.webmanifest"></head></html>'
    )
    candidates, manifest = icon_links(html, "https://example.com/page")
    assert candidates == [
        IconCandidate("https://example.com/assets/fav.png", 0),
        IconCandidate("https://cdn.example/touch.png", 180),
        IconCandidate("data:image/png;base64,iVBORw0KGgo=", 64),
    ]
    assert manifest == "https://example.com/assets/site.webmanifest"
    body = (
        b'{"icons": [{"src": "i/192.png", "sizes": "192x192"}, {"src": "i/m.png",'
        b' "purpose": "monochrome"}, {"src": "i/k.png", "purpose": "maskable monochrome"},'
        b' {"src": 7}, {"src": "i/v.svg"}]}'
    )
    assert manifest_icons(body, "https://example.com/app/site.webmanifest") == [
        IconCandidate("https://example.com/app/i/192.png", 192),
        IconCandidate("https://example.com/app/i/k.png", 0),
    ]
    assert manifest_icons(b"not json", "https://example.com/m.json") == []
