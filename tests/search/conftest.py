"""A SearXNG stand-in whose results point at the fixture site, reset for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.site.server import FixtureSite
from tests.standins.searxng import SearxngStandin, site_results


@pytest.fixture(scope="session")
def searxng_server() -> Iterator[SearxngStandin]:
    server = SearxngStandin().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def searxng(searxng_server: SearxngStandin, fixture_site: FixtureSite) -> SearxngStandin:
    searxng_server.reset(site_results(fixture_site.base_url))
    return searxng_server
