"""A generated site under /gen/ for whole-crawl tests: a few hundred linked pages, pages only a
gzipped sitemap lists, robots-disallowed links, a forward-paging calendar, session-id and
fragment variants, and slow pages that count how many requests are in flight at once.

Page i links to 2i+1 and 2i+2 (a binary tree, depth about 8) so every page is reachable.
"""

from __future__ import annotations

import asyncio
import gzip
from datetime import date

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

GEN_PAGES = 300
ORPHANS = 10  # listed only in the gzipped child sitemap
SLOW_PAGES = 8
PARAGRAPH = (
    "This generated article exists so that the crawler has real text to convert. "
    "It talks about rivers, bridges and the people who maintain them in every season. "
)


class InFlight:
    """Requests being served right now, and the most seen at once (the site is one loop)."""

    now = 0
    peak = 0


def _page(title: str, links: list[str]) -> HTMLResponse:
    anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    body = (
        f"<html><head><title>{title}</title></head><body><nav><ul>{anchors}</ul></nav>"
        f"<article><h1>{title}</h1><p>{PARAGRAPH * 4}</p><p>{PARAGRAPH * 3}</p></article>"
        "</body></html>"
    )
    return HTMLResponse(body)


def _calendar_link(year: int, month: int) -> str:
    return f"/gen/calendar/{year}/{month:02d}"


async def gen_index(request: Request) -> Response:
    today = date.today()
    links = [
        "/gen/p/0",
        "/gen/p/0#top",  # the same page
        "/gen/p/0/",  # the same page (trailing slash)
        "/gen/p/1?sessionid=abc123",  # a session-id trap
        "/gen/p/2;jsessionid=XYZ",
        "/private/gen-secret",  # robots.txt disallows /private/ for scrapegate
        _calendar_link(today.year, today.month),
    ]
    return _page("Generated site", links)


async def gen_page(request: Request) -> Response:
    i = int(request.path_params["i"])
    if i >= GEN_PAGES:
        return Response("no such page", status_code=404)
    children = [f"/gen/p/{c}" for c in (2 * i + 1, 2 * i + 2) if c < GEN_PAGES]
    extra = [f"/gen/p/{i}?sessionid=s{i}", f"/private/p-{i}", "/gen/"]
    return _page(f"Generated page {i}", [*children, *extra])


async def gen_orphan(request: Request) -> Response:
    return _page(f"Orphan {request.path_params['k']}", ["/gen/"])


async def gen_calendar(request: Request) -> Response:
    year, month = int(request.path_params["year"]), int(request.path_params["month"])
    following = (year + month // 12, month % 12 + 1)
    return _page(f"Calendar {year}-{month:02d}", [_calendar_link(*following)])


async def private_page(request: Request) -> Response:
    return _page("Private", [])


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def sitemap_index(request: Request) -> Response:
    base = _base(request)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/gen/sitemap-pages.xml.gz</loc></sitemap></sitemapindex>"
    )
    return Response(xml, media_type="application/xml")


async def sitemap_pages(request: Request) -> Response:
    base = _base(request)
    paths = [f"/gen/p/{i}" for i in range(50)] + [f"/gen/orphan/{k}" for k in range(ORPHANS)]
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )
    return Response(gzip.compress(xml.encode()), media_type="application/gzip")


async def slow_index(request: Request) -> Response:
    return _page("Slow pages", [f"/gen/slow/{i}" for i in range(SLOW_PAGES)])


async def slow_page(request: Request) -> Response:
    InFlight.now += 1
    InFlight.peak = max(InFlight.peak, InFlight.now)
    try:
        await asyncio.sleep(min(int(request.query_params.get("ms", "150")), 5_000) / 1000)
        return _page(f"Slow page {request.path_params['i']}", [])
    finally:
        InFlight.now -= 1


async def slow_stats(request: Request) -> Response:
    peak = InFlight.peak
    if request.query_params.get("reset"):
        InFlight.peak = 0
    return JSONResponse({"peak_in_flight": peak})


GENERATED_ROUTES = [
    Route("/gen/", gen_index),
    Route("/gen/p/{i:int}", gen_page),
    Route("/gen/orphan/{k:int}", gen_orphan),
    Route("/gen/calendar/{year:int}/{month:int}", gen_calendar),
    Route("/gen/sitemap-index.xml", sitemap_index),
    Route("/gen/sitemap-pages.xml.gz", sitemap_pages),
    Route("/gen/slow/", slow_index),
    Route("/gen/slow/{i:int}", slow_page),
    Route("/gen/slow-stats", slow_stats),
    Route("/private/{rest:path}", private_page),
]
