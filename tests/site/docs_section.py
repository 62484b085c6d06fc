"""A documentation section under /docs for crawl-scope tests: 120 linked HTML pages.

/docs (the landing page) links to 7 chapters; each chapter links to its 16 topics; every page
also links outside the section (the site root, /article, /docs-archive, an external host), so a
crawl started at /docs shows whether it stays under its start path.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

CHAPTERS = ("start", "install", "configure", "crawl", "scrape", "extract", "operate")
TOPICS_PER_CHAPTER = 16
# The landing page, the chapters and their topics.
DOCS_PAGE_COUNT = 1 + len(CHAPTERS) * (1 + TOPICS_PER_CHAPTER)
OUTSIDE_LINKS = ("/", "/article", "/docs-archive", "https://docs.example.com/elsewhere")
PARAGRAPH = (
    "This documentation page explains one part of the product in plain words, with enough "
    "text that the converter keeps it as the main content of the page. "
)


def docs_paths() -> list[str]:
    """Every page of the section, landing page first."""
    paths = ["/docs"]
    for chapter in CHAPTERS:
        paths.append(f"/docs/{chapter}")
        paths.extend(f"/docs/{chapter}/topic-{n}" for n in range(1, TOPICS_PER_CHAPTER + 1))
    return paths


def _page(title: str, links: list[str]) -> HTMLResponse:
    anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    outside = "".join(f'<a href="{href}">{href}</a> ' for href in OUTSIDE_LINKS)
    body = (
        f'<!DOCTYPE html><html lang="en"><head><title>{title}</title>'
        f'<meta name="description" content="Docs: {title}"></head><body>'
        f"<header>{outside}</header><nav><ul>{anchors}</ul></nav>"
        f"<main><article><h1>{title}</h1><p>{PARAGRAPH * 3}</p></article></main></body></html>"
    )
    return HTMLResponse(body)


async def landing(request: Request) -> Response:
    return _page("Documentation", [f"/docs/{chapter}" for chapter in CHAPTERS])


async def chapter(request: Request) -> Response:
    name = request.path_params["chapter"]
    if name not in CHAPTERS:
        return HTMLResponse("<html><body>Not found</body></html>", status_code=404)
    topics = [f"/docs/{name}/topic-{n}" for n in range(1, TOPICS_PER_CHAPTER + 1)]
    return _page(f"Chapter {name}", ["/docs", *topics])


async def topic(request: Request) -> Response:
    name, number = request.path_params["chapter"], request.path_params["number"]
    if name not in CHAPTERS or not 1 <= number <= TOPICS_PER_CHAPTER:
        return HTMLResponse("<html><body>Not found</body></html>", status_code=404)
    siblings = [f"/docs/{name}/topic-{n}" for n in (number - 1, number + 1)]
    valid = [href for href in siblings if not href.endswith(("-0", f"-{TOPICS_PER_CHAPTER + 1}"))]
    return _page(f"{name} topic {number}", ["/docs", f"/docs/{name}", *valid])


DOCS_ROUTES = [
    Route("/docs", landing),
    Route("/docs/{chapter}", chapter),
    Route("/docs/{chapter}/topic-{number:int}", topic),
]
