"""Favicon fixture sites: one small site per scenario under ``/favicons/<scenario>/``.

``ScenarioByPort`` serves each scenario at the root of its own loopback port, because the favicon
service only ever asks a domain for ``/``, its links and ``/favicon.ico``.
"""

from __future__ import annotations

import functools
import io
import json
import random
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from PIL import Image
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (220, 20, 20),
    "green": (20, 180, 40),
    "blue": (20, 40, 220),
    "yellow": (240, 210, 10),
    "purple": (140, 20, 170),
}
# (colour, side) of the ICO frames; a 48 px request picks the 64 px frame (smallest covering).
ICO_FRAMES = (("red", 16), ("green", 32), ("blue", 64))
SVG_LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8"/></svg>'
NOT_AN_IMAGE = b"\x89PNG\r\n\x1a\n this is not really a PNG image"


def solid_png(colour: str, width: int, height: int | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height or width), (*COLOURS[colour], 255)).save(buffer, "PNG")
    return buffer.getvalue()


@functools.cache
def multi_frame_ico() -> bytes:
    frames = [Image.new("RGBA", (side, side), (*COLOURS[c], 255)) for c, side in ICO_FRAMES]
    buffer = io.BytesIO()
    frames[-1].save(buffer, "ICO", sizes=[(s, s) for _, s in ICO_FRAMES], append_images=frames[:-1])
    return buffer.getvalue()


@functools.cache
def noise_png() -> bytes:
    """Random pixels do not compress: about 1.5 MB, over the 1 MiB icon limit."""
    pixels = random.Random(7).randbytes(700 * 700 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (700, 700), pixels).save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _page(head: str) -> str:
    return f"<!DOCTYPE html><html><head><title>Icons</title>{head}</head><body>x</body></html>"


def _links_page(base: str) -> str:
    return _page(
        '<link rel="icon" sizes="16x16" href="icons/red-16.png">'
        '<link rel="shortcut icon" sizes="48x48" href="/icons/green-48.png">'
        f'<link rel="apple-touch-icon" href="{base}/icons/blue-180.png">'
        '<link rel="mask-icon" href="/icons/mask.svg" color="#000000">'
        '<link rel="icon" type="image/svg+xml" sizes="any" href="/icons/logo.svg">'
    )


PAGES: dict[str, Callable[[str], str]] = {
    # The apple-touch-icon (180 px, blue) is the largest raster; SVG and mask-icon are skipped.
    "links": _links_page,
    # The manifest's 192 px yellow icon beats the 32 px link; its monochrome 512 px is a mask.
    "manifest": lambda base: _page(
        '<link rel="icon" sizes="32x32" href="/icons/red-32.png">'
        '<link rel="manifest" href="/static/site.webmanifest">'
    ),
    # Nothing linked: /favicon.ico (three frames) is the only icon.
    "ico": lambda base: _page(""),
    # Only an SVG and no /favicon.ico: the generated fallback.
    "svg-only": lambda base: _page('<link rel="icon" type="image/svg+xml" href="/icons/logo.svg">'),
    # Bigger candidates that must be refused (garbage, 5000 px wide, > 1 MiB) before the green.
    "broken": lambda base: _page(
        '<link rel="icon" sizes="512x512" href="/icons/broken.png">'
        '<link rel="icon" sizes="256x256" href="/icons/wide.png">'
        '<link rel="icon" sizes="128x128" href="/icons/noise.png">'
        '<link rel="icon" sizes="32x32" href="/icons/green-32.png">'
    ),
    # One plain icon (cache and ETag tests).
    "plain": lambda base: _page('<link rel="icon" href="/icons/purple-64.png">'),
}
# Scenarios whose home page fails (503) while /favicon.ico still works.
DOWN_HOME = frozenset({"down"})
WITH_FAVICON_ICO = frozenset({"ico", "down"})
SCENARIOS = (*PAGES, *DOWN_HOME)

MANIFEST = {
    "name": "Fixture",
    "icons": [
        {"src": "../icons/yellow-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "../icons/purple-512.png", "sizes": "512x512", "purpose": "monochrome"},
        {"src": "../icons/logo.svg", "sizes": "any", "type": "image/svg+xml"},
    ],
}


async def scenario_page(request: Request) -> Response:
    scenario = request.path_params["scenario"]
    if scenario in DOWN_HOME:
        return HTMLResponse(_page(""), status_code=503)
    page = PAGES.get(scenario)
    if page is None:
        return PlainTextResponse("no such favicon scenario", status_code=404)
    return HTMLResponse(page(str(request.base_url).rstrip("/")))


async def favicon_ico(request: Request) -> Response:
    if request.path_params["scenario"] not in WITH_FAVICON_ICO:
        return PlainTextResponse("not found", status_code=404)
    return Response(multi_frame_ico(), media_type="image/x-icon")


async def manifest(request: Request) -> Response:
    return Response(json.dumps(MANIFEST), media_type="application/manifest+json")


def _icon_bytes(name: str) -> tuple[bytes, str] | None:
    fixed = {
        "broken.png": (NOT_AN_IMAGE, "image/png"),
        "logo.svg": (SVG_LOGO.encode(), "image/svg+xml"),
        "mask.svg": (SVG_LOGO.encode(), "image/svg+xml"),
    }
    if name in fixed:
        return fixed[name]
    if name == "wide.png":
        return solid_png("red", 5_000, 4), "image/png"
    if name == "noise.png":
        return noise_png(), "image/png"
    stem, _, side = name.removesuffix(".png").partition("-")
    if stem in COLOURS and side.isdigit() and 1 <= int(side) <= 1_024:
        return solid_png(stem, int(side)), "image/png"
    return None


async def icon_asset(request: Request) -> Response:
    """``icons/<colour>-<side>.png`` is a solid square; a few names are the awkward cases."""
    found = _icon_bytes(request.path_params["name"])
    if found is None:
        return PlainTextResponse("no such icon", status_code=404)
    return Response(found[0], media_type=found[1])


FAVICON_ROUTES = [
    Route("/favicons/{scenario}/", scenario_page),
    Route("/favicons/{scenario}/favicon.ico", favicon_ico),
    Route("/favicons/{scenario}/static/site.webmanifest", manifest),
    Route("/favicons/{scenario}/icons/{name}", icon_asset),
]


class ScenarioByPort:
    """ASGI wrapper: a request to port P is served from ``/favicons/<scenario of P>/``."""

    def __init__(self, app: ASGIApp, scenarios_by_port: dict[int, str]) -> None:
        self._app = app
        self._scenarios = scenarios_by_port

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scenario = self._scenarios.get(scope["server"][1], "missing")
            path = f"/favicons/{scenario}{scope['path']}"
            scope = {**scope, "path": path, "raw_path": path.encode()}
        await self._app(scope, receive, send)
