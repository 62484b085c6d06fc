"""A tier-1 fetcher and an open network policy for the discovery tests against the fixture site."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from scrapegate.domain.netrules import NetPolicy
from scrapegate.domain.tiers import Tier
from scrapegate.fetchers import Fetcher, build_fetchers


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    fetchers = build_fetchers(None)
    yield fetchers[Tier.CURL]
    for instance in fetchers.values():
        await instance.aclose()


@pytest.fixture
def policy() -> NetPolicy:
    return NetPolicy.build(allow_private=True)
