"""A SearXNG-shaped JSON search server on loopback, for search tests (design-notes §8).

``GET /search?q=…&format=json&pageno=…`` answers like SearXNG's JSON API with the configured
results, ``per_page`` at a time; every query's parameters are recorded in ``queries``.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from tests.site.server import start_in_thread, stop_thread

HOST = "127.0.0.1"


def site_results(base_url: str) -> list[dict[str, Any]]:
    """Results pointing at the fixture site's pages (so result scrapes really fetch them)."""
    pages = [
        ("/article", "How Scrapegate Reads the Web", "A long article about reading pages."),
        ("/thin", "A short note", "Only a few words."),
        ("/", "Fixture Blog", "The home page of the fixture blog."),
        ("/plain", "Plain text", "A plain text document."),
        ("/tree", "Link tree", "A page of links."),
    ]
    return [
        {
            "url": f"{base_url}{path}",
            "title": title,
            "content": snippet,
            "engine": "duckduckgo" if i % 2 == 0 else "brave",
            "engines": ["duckduckgo", "brave"]
            if i == 0
            else ["duckduckgo" if i % 2 == 0 else "brave"],
            "positions": [i + 1],
            "score": 1.0 / (i + 1),
            "category": "general",
            "publishedDate": "2026-01-09T08:00:00" if i == 0 else None,
        }
        for i, (path, title, snippet) in enumerate(pages)
    ]


class SearxngStandin:
    """Start with ``start()``; ``url`` is its base address (what SCRAPEGATE_SEARXNG_URL holds)."""

    def __init__(self, results: list[dict[str, Any]] | None = None, per_page: int = 10) -> None:
        self.results: list[dict[str, Any]] = list(results or [])
        self.per_page = per_page
        self.queries: list[dict[str, str]] = []
        self.fail_status: int | None = None  # answer queries with this status instead
        self.fail_count: int | None = None  # how many queries fail that way (None: all)
        self.delay_s = 0.0  # how long each answer takes
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((HOST, 0))
        self.url = f"http://{HOST}:{self._socket.getsockname()[1]}"
        app = Starlette(routes=[Route("/search", self._search)])
        config = uvicorn.Config(
            app, log_level="critical", access_log=False, lifespan="off", http="h11"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def reset(self, results: list[dict[str, Any]] | None = None) -> None:
        self.results = list(results or [])
        self.queries.clear()
        self.fail_status, self.fail_count, self.per_page, self.delay_s = None, None, 10, 0.0

    async def _search(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.queries.append(params)
        await asyncio.sleep(self.delay_s)
        if self.fail_status is not None and (self.fail_count is None or self.fail_count > 0):
            if self.fail_count is not None:
                self.fail_count -= 1
            return PlainTextResponse("upstream trouble", status_code=self.fail_status)
        if params.get("format") != "json":
            return PlainTextResponse("format not allowed", status_code=403)
        page = int(params.get("pageno", "1"))
        chunk = self.results[(page - 1) * self.per_page : page * self.per_page]
        return JSONResponse(
            {
                "query": params.get("q", ""),
                "number_of_results": len(self.results),
                "results": chunk,
                "answers": [],
                "corrections": [],
                "infoboxes": [],
                "suggestions": [],
                "unresponsive_engines": [],
            }
        )

    def start(self) -> SearxngStandin:
        start_in_thread(self._server, self._thread, "the SearXNG stand-in")
        return self

    def stop(self) -> None:
        stop_thread(self._server, self._thread, self._socket)
