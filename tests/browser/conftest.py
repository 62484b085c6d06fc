"""Browser-tier fixtures: one real Chromium pool per test module, loopback fixture site only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from scrapegate.domain.netrules import NetPolicy
from scrapegate.fetchers.base import FetchRequest, RenderOptions
from scrapegate.fetchers.browser import BrowserPool, browser_available
from tests.site.server import FixtureSite

CHROMIUM = "/usr/bin/chromium"

requires_chromium = pytest.mark.skipif(
    not browser_available(CHROMIUM), reason=f"Chromium is not installed at {CHROMIUM}"
)

ALLOW_LOOPBACK = NetPolicy.build(allow_private=True)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pool() -> AsyncIterator[BrowserPool]:
    """One small pool shared by a module's tests (the machine has about two cores)."""
    browsers = BrowserPool(CHROMIUM, size=1, contexts_per_browser=4, idle_close_s=0)
    try:
        yield browsers
    finally:
        await browsers.aclose()


def render_request(
    site: FixtureSite,
    path: str,
    render: RenderOptions | None = None,
    *,
    policy: NetPolicy = ALLOW_LOOPBACK,
    **fields: object,
) -> FetchRequest:
    options: dict[str, object] = {"timeout_s": 30.0, **fields}
    return FetchRequest(
        url=site.url(path),
        policy=policy,
        render=render or RenderOptions(),
        **options,  # type: ignore[arg-type]
    )
