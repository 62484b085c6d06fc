"""The fixture website as an ASGI app: content, redirects, charsets, encodings, failures."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from tests.site import pages
from tests.site.antibot import BLOCKS, CHALLENGES, CannedPage
from tests.site.crawl_routes import CRAWL_ROUTES
from tests.site.docs_section import DOCS_ROUTES
from tests.site.document_routes import DOCUMENT_ROUTES
from tests.site.encodings import ENCODING_ROUTES
from tests.site.extra_routes import EXTRA_ROUTES
from tests.site.extraction_pages import EXTRACTION_ROUTES
from tests.site.favicon_routes import FAVICON_ROUTES
from tests.site.generated_site import GENERATED_ROUTES
from tests.site.render_pages import RENDER_ROUTES
from tests.site.report_routes import REPORT_ROUTES
from tests.site.request_log import RequestLog

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

ARTICLE_BYTES = pages.ARTICLE_HTML.encode("utf-8")
HTML_UTF8 = "text/html; charset=utf-8"


def _html(text: str, status: int = 200, **headers: str) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=headers)


def _canned(page: CannedPage) -> HTMLResponse:
    return HTMLResponse(page.html, status_code=page.status, headers=page.headers)


async def index(request: Request) -> Response:
    return _html(pages.INDEX_HTML)


async def article(request: Request) -> Response:
    return _html(pages.ARTICLE_HTML)


async def thin(request: Request) -> Response:
    return _html(pages.THIN_HTML)


async def json_document(request: Request) -> Response:
    return JSONResponse(pages.JSON_DOCUMENT)


async def plain(request: Request) -> Response:
    return PlainTextResponse(pages.PLAIN_TEXT)


async def xml(request: Request) -> Response:
    return Response(pages.XML_DOCUMENT, media_type="application/xml")


async def js_shell(request: Request) -> Response:
    return _html(pages.JS_SHELL_HTML)


# --- redirects ------------------------------------------------------------------------------


async def redirect_chain(request: Request) -> Response:
    hops = int(request.path_params["hops"])
    target = "/article" if hops <= 1 else f"/redirect/{hops - 1}"
    if request.query_params.get("absolute"):
        target = str(request.base_url).rstrip("/") + target
    return RedirectResponse(target, status_code=302)


async def redirect_loop(request: Request) -> Response:
    return RedirectResponse("/redirect-loop", status_code=302)


async def redirect_to_ftp(request: Request) -> Response:
    return RedirectResponse("ftp://127.0.0.1/file.txt", status_code=302)


async def redirect_to(request: Request) -> Response:
    """``?to=`` (or ``?url=``) any Location, ``&status=`` any redirect status."""
    target = request.query_params.get("to") or request.query_params.get("url") or "/article"
    status = int(request.query_params.get("status", "302"))
    return Response(status_code=status, headers={"location": target})


async def redirect_status(request: Request) -> Response:
    """``/redirect-status/307?to=/echo``: one redirect of the given status, any method."""
    status = int(request.path_params["code"])
    target = request.query_params.get("to", "/echo")
    return Response(status_code=status, headers={"location": target})


async def set_cookie_redirect(request: Request) -> Response:
    response = RedirectResponse("/echo", status_code=302)
    response.set_cookie("fixture_session", "abc123", path="/")
    response.set_cookie("other_path", "nope", path="/somewhere-else")
    return response


# --- anti-bot, statuses, flakiness ----------------------------------------------------------


async def challenge(request: Request) -> Response:
    page = CHALLENGES.get(request.path_params["vendor"])
    return _canned(page) if page else PlainTextResponse("no such vendor", status_code=404)


async def block(request: Request) -> Response:
    page = BLOCKS.get(request.path_params["name"])
    return _canned(page) if page else PlainTextResponse("no such block page", status_code=404)


async def status(request: Request) -> Response:
    code = int(request.path_params["code"])
    if code in (204, 304) or code < 200:
        return Response(status_code=code)
    title = f"Status {code}"
    return _html(pages.simple_page(title, f"<h1>{title}</h1><p>Fixture status page.</p>"), code)


async def rate_limited(request: Request) -> Response:
    page = pages.simple_page("Too Many Requests", "<h1>Too Many Requests</h1>")
    return _html(page, 429, **{"retry-after": "1"})


async def unavailable(request: Request) -> Response:
    page = pages.simple_page("Service Unavailable", "<h1>Service Unavailable</h1>")
    return _html(page, 503)


class FlakyCounter:
    """Failures served so far, per ``key``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def next_attempt(self, key: str) -> int:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]


FLAKY = FlakyCounter()


async def flaky(request: Request) -> Response:
    """``?key=K&fail=N&kind=status|challenge|block&status=503``: N failures, then the article."""
    params = request.query_params
    attempt = FLAKY.next_attempt(params.get("key", "default"))
    if attempt > int(params.get("fail", "1")):
        return _html(pages.ARTICLE_HTML)
    kind = params.get("kind", "status")
    if kind == "challenge":
        return _canned(CHALLENGES["cloudflare"])
    if kind == "block":
        return _canned(BLOCKS["access-denied"])
    code = int(params.get("status", "503"))
    return _html(pages.simple_page(f"Status {code}", "<p>Try again later.</p>"), code)


async def user_agent_gate(request: Request) -> Response:
    """Challenges self-identified bots (tier 1), serves browsers."""
    if request.headers.get("user-agent", "").startswith("scrapegate/"):
        return _canned(CHALLENGES["cloudflare"])
    return _html(pages.ARTICLE_HTML)


# --- timing, size and echo ------------------------------------------------------------------


async def slow(request: Request) -> Response:
    await asyncio.sleep(float(request.query_params.get("delay", "2")))
    return _html(pages.ARTICLE_HTML)


async def slow_body(request: Request) -> Response:
    """``?chunks=N&interval=S``: the headers at once, then one chunk every S seconds."""
    chunks = int(request.query_params.get("chunks", "20"))
    interval = float(request.query_params.get("interval", "0.5"))

    async def trickle() -> AsyncIterator[bytes]:
        yield b"<!DOCTYPE html><html><body>"
        for index in range(chunks):
            await asyncio.sleep(interval)
            yield f"<p>chunk {index}</p>".encode()
        yield b"</body></html>"

    return StreamingResponse(trickle(), media_type="text/html")


async def huge(request: Request) -> Response:
    """``?mb=N``: N MiB of HTML streamed with a Content-Length."""
    size = int(float(request.query_params.get("mb", "1")) * 1024 * 1024)
    line = b"<p>" + b"x" * 1017 + b"</p>\n"  # 1 KiB

    async def stream() -> AsyncIterator[bytes]:
        sent = 0
        while sent < size:
            piece = (line * 64)[: size - sent]
            sent += len(piece)
            yield piece

    return StreamingResponse(
        stream(), media_type="text/html", headers={"content-length": str(size)}
    )


async def echo(request: Request) -> Response:
    body = await request.body()
    cookies = SimpleCookie()
    cookies.load(request.headers.get("cookie", ""))
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in request.headers.raw],
            "header_map": dict(request.headers),
            "body": body.decode("utf-8", "replace"),
            "cookies": {name: morsel.value for name, morsel in cookies.items()},
            "http_version": request.scope.get("http_version"),
        }
    )


async def repeat_headers(request: Request) -> Response:
    """Two ``x-multi`` headers and two cookies: folding and Set-Cookie omission tests."""
    response = _html(pages.THIN_HTML)
    response.headers.append("x-multi", "one")
    response.headers.append("x-multi", "two")
    response.set_cookie("first", "1")
    response.set_cookie("second", "2")
    return response


async def robots(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    return PlainTextResponse(pages.ROBOTS_TXT.format(base=base))


async def sitemap(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    return Response(pages.sitemap_xml(base), media_type="application/xml")


async def sitemap_index(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    return Response(pages.sitemap_index_xml(base), media_type="application/xml")


async def pdf(request: Request) -> Response:
    return Response(pages.tiny_pdf(), media_type="application/pdf")


async def png(request: Request) -> Response:
    return Response(pages.tiny_png(), media_type="image/png")


ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]

ROUTES = [
    Route("/", index),
    Route("/article", article),
    Route("/thin", thin),
    Route("/json", json_document),
    Route("/plain", plain),
    Route("/xml", xml),
    Route("/js-shell", js_shell),
    Route("/redirect/{hops:int}", redirect_chain),
    Route("/redirect-loop", redirect_loop),
    Route("/redirect-to-ftp", redirect_to_ftp),
    Route("/redirect-to", redirect_to, methods=ALL_METHODS),
    Route("/redirect-to-private", redirect_to),
    Route("/redirect-status/{code:int}", redirect_status, methods=ALL_METHODS),
    Route("/set-cookie-redirect", set_cookie_redirect),
    Route("/challenge/{vendor}", challenge),
    Route("/block/{name}", block),
    Route("/status/{code:int}", status, methods=ALL_METHODS),
    Route("/rate-limited", rate_limited),
    Route("/unavailable", unavailable),
    Route("/flaky", flaky),
    Route("/gate/user-agent", user_agent_gate),
    Route("/slow", slow),
    Route("/slow-body", slow_body),
    Route("/huge", huge),
    Route("/echo", echo, methods=ALL_METHODS),
    Route("/repeat-headers", repeat_headers),
    Route("/robots.txt", robots),
    Route("/sitemap.xml", sitemap),
    Route("/sitemap-index.xml", sitemap_index),
    Route("/pdf", pdf),
    Route("/image.png", png),
    *ENCODING_ROUTES,
    *EXTRA_ROUTES,
    *RENDER_ROUTES,
    *DOCUMENT_ROUTES,
    *CRAWL_ROUTES,
    *FAVICON_ROUTES,
    *REPORT_ROUTES,
    *GENERATED_ROUTES,
    *EXTRACTION_ROUTES,
    *DOCS_ROUTES,
]


async def _broken(send: Send) -> None:
    """Announces 100 kB, sends a little, then the connection is torn down."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/html"), (b"content-length", b"100000")],
        }
    )
    await send({"type": "http.response.body", "body": b"<html><body><p>partial", "more_body": True})
    raise ConnectionAbortedError("fixture /broken closes the connection mid-response")


class FixtureApp:
    """Records every request, serves /broken at the ASGI level, delegates the rest."""

    def __init__(self, log: RequestLog) -> None:
        self.log = log
        self._routes = Starlette(routes=ROUTES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._routes(scope, receive, send)
            return
        self.log.record(scope)
        if scope["path"] == "/broken":
            await _broken(send)
            return
        await self._routes(scope, receive, send)
