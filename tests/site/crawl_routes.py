"""Sitemaps, feeds and robots.txt variants for the URL-discovery tests, under /crawl-site/."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>'
HUGE_URL_COUNT = 200_000
HUGE_CHUNK = 2_000
GZIP_PATHS = ("/crawl-site/gz/one", "/crawl-site/gz/two", "/crawl-site/gz/three")
TEXT_PATHS = ("/crawl-site/txt/one", "/crawl-site/txt/two")
RSS_PATHS = ("/crawl-site/news/first", "/crawl-site/news/second")
ATOM_PATHS = ("/crawl-site/posts/alpha", "/crawl-site/posts/beta")
ENTITY_TARGET = "/crawl-site/entity-target"

ROBOTS_TXT = """# discovery fixture
User-agent: *
Disallow: /crawl-site/everyone-else/

User-agent: scrapegate
Disallow: /crawl-site/blocked/
Allow: /crawl-site/blocked/open
Crawl-delay: 30

Sitemap: {base}/crawl-site/index.xml
Sitemap: {base}/crawl-site/urls.txt
"""


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _urlset(base: str, paths: tuple[str, ...]) -> str:
    urls = "".join(
        f"<url><loc>{base}{p}</loc><lastmod>2026-01-0{i + 1}</lastmod><priority>0.{i + 5}"
        "</priority></url>"
        for i, p in enumerate(paths)
    )
    return f'{XML_HEAD}<urlset xmlns="{SITEMAP_NS}">{urls}</urlset>'


def _index(base: str, children: tuple[str, ...]) -> str:
    items = "".join(f"<sitemap><loc>{base}{c}</loc></sitemap>" for c in children)
    return f'{XML_HEAD}<sitemapindex xmlns="{SITEMAP_NS}">{items}</sitemapindex>'


def _xml(text: str) -> Response:
    return Response(text, media_type="application/xml")


async def robots(request: Request) -> Response:
    return PlainTextResponse(ROBOTS_TXT.format(base=_base(request)))


async def index(request: Request) -> Response:
    children = ("/crawl-site/pages.xml.gz", "/crawl-site/nested-index.xml")
    return _xml(_index(_base(request), children))


async def nested_index(request: Request) -> Response:
    children = ("/crawl-site/feed.rss", "/crawl-site/feed.atom")
    return _xml(_index(_base(request), children))


async def gzipped_pages(request: Request) -> Response:
    body = gzip.compress(_urlset(_base(request), GZIP_PATHS).encode("utf-8"))
    return Response(body, media_type="application/gzip")


async def text_sitemap(request: Request) -> Response:
    base = _base(request)
    lines = [f"{base}{p}" for p in TEXT_PATHS] + ["", "not a url", "mailto:someone@example.com"]
    return PlainTextResponse("\n".join(lines) + "\n")


async def rss_feed(request: Request) -> Response:
    base = _base(request)
    items = "".join(
        f"<item><title>{p}</title><link>{base}{p}</link>"
        f"<pubDate>Mon, 0{i + 1} Jun 2026 10:00:00 GMT</pubDate></item>"
        for i, p in enumerate(RSS_PATHS)
    )
    body = f'{XML_HEAD}<rss version="2.0"><channel><title>News</title>{items}</channel></rss>'
    return Response(body, media_type="application/rss+xml")


async def atom_feed(request: Request) -> Response:
    base = _base(request)
    entries = "".join(
        f'<entry><title>{p}</title><link rel="alternate" href="{base}{p}"/>'
        f'<link rel="edit" href="{base}/edit{p}"/><updated>2026-03-0{i + 1}T00:00:00Z</updated>'
        "</entry>"
        for i, p in enumerate(ATOM_PATHS)
    )
    body = (
        f'{XML_HEAD}<feed xmlns="http://www.w3.org/2005/Atom"><title>Posts</title>{entries}</feed>'
    )
    return Response(body, media_type="application/atom+xml")


async def billion_laughs(request: Request) -> Response:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    body = (
        f"{XML_HEAD}<!DOCTYPE urlset [{''.join(levels)}]>"
        f'<urlset xmlns="{SITEMAP_NS}"><url><loc>&lol9;</loc></url></urlset>'
    )
    return _xml(body)


async def external_entity(request: Request) -> Response:
    target = _base(request) + ENTITY_TARGET
    body = (
        f'{XML_HEAD}<!DOCTYPE urlset [<!ENTITY leak SYSTEM "{target}">]>'
        f'<urlset xmlns="{SITEMAP_NS}"><url><loc>&leak;</loc></url></urlset>'
    )
    return _xml(body)


async def external_dtd(request: Request) -> Response:
    target = _base(request) + ENTITY_TARGET
    body = (
        f'{XML_HEAD}<!DOCTYPE urlset SYSTEM "{target}">'
        f'<urlset xmlns="{SITEMAP_NS}"><url><loc>{target}</loc></url></urlset>'
    )
    return _xml(body)


async def entity_target(request: Request) -> Response:
    return PlainTextResponse("http://entity.example/leaked")


def _huge_chunks(base: str) -> Iterator[bytes]:
    # ~250 bytes per URL: 200,000 URLs make a sitemap of about 50 MB (48 MiB), made as it is sent.
    image_ns = "http://www.google.com/schemas/sitemap-image/1.1"
    yield f'{XML_HEAD}<urlset xmlns="{SITEMAP_NS}" xmlns:image="{image_ns}">'.encode()
    caption = "Fixture image caption padding this entry"
    for start in range(0, HUGE_URL_COUNT, HUGE_CHUNK):
        yield "".join(
            f"<url><loc>{base}/crawl-site/p/{n:07d}</loc><lastmod>2026-02-01</lastmod>"
            f"<image:image><image:loc>{base}/img/{n:07d}.png</image:loc>"
            f"<image:caption>{caption}</image:caption></image:image></url>"
            for n in range(start, start + HUGE_CHUNK)
        ).encode()
    yield b"</urlset>"


async def huge_sitemap(request: Request) -> Response:
    return StreamingResponse(_huge_chunks(_base(request)), media_type="application/xml")


CRAWL_ROUTES = [
    Route("/crawl-site/robots.txt", robots),
    Route("/crawl-site/index.xml", index),
    Route("/crawl-site/nested-index.xml", nested_index),
    Route("/crawl-site/pages.xml.gz", gzipped_pages),
    Route("/crawl-site/urls.txt", text_sitemap),
    Route("/crawl-site/feed.rss", rss_feed),
    Route("/crawl-site/feed.atom", atom_feed),
    Route("/crawl-site/laughs.xml", billion_laughs),
    Route("/crawl-site/external-entity.xml", external_entity),
    Route("/crawl-site/external-dtd.xml", external_dtd),
    Route(ENTITY_TARGET, entity_target),
    Route("/crawl-site/huge.xml", huge_sitemap),
]
