"""Fetchers of every HTTP tier, policies around the loopback fixture site, fake resolvers."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import pytest

from scrapegate.domain.netrules import IPAddress, NetPolicy
from scrapegate.fetchers import (
    CurlFetcher,
    Fetcher,
    FetchRequest,
    HostResolver,
    HttpxFetcher,
    StealthFetcher,
    system_resolver,
)
from tests.site.server import FixtureSite

TIERS = ("1", "2", "3")


def make_fetcher(tier: str, resolver: HostResolver = system_resolver) -> Fetcher:
    if tier == "1":
        return CurlFetcher("https://operator.example/contact", resolver)
    if tier == "2":
        return HttpxFetcher(resolver)
    return StealthFetcher(resolver)


def static_resolver(answers: Mapping[str, list[str]]) -> HostResolver:
    """Answers from a table; names not in it fall through to the system resolver."""

    async def resolve(host: str, port: int) -> list[IPAddress]:
        if host in answers:
            return [ipaddress.ip_address(a) for a in answers[host]]
        return await system_resolver(host, port)

    return resolve


@pytest.fixture(params=TIERS, ids=[f"tier{t}" for t in TIERS])
async def fetcher(request: pytest.FixtureRequest) -> AsyncIterator[Fetcher]:
    instance = make_fetcher(request.param)
    yield instance
    await instance.aclose()


@pytest.fixture
async def fetcher_factory() -> AsyncIterator[Callable[[str, HostResolver], Fetcher]]:
    made: list[Fetcher] = []

    def build(tier: str, resolver: HostResolver = system_resolver) -> Fetcher:
        made.append(make_fetcher(tier, resolver))
        return made[-1]

    yield build
    for instance in made:
        await instance.aclose()


@pytest.fixture
def open_policy() -> NetPolicy:
    return NetPolicy.build(allow_private=True)


@pytest.fixture
def site_policy(fixture_site: FixtureSite) -> NetPolicy:
    """Production-like rules that admit only the fixture site (its address and port)."""
    return NetPolicy.build(
        allow_private=False, allowed_cidrs=["127.0.0.1/32"], allowed_ports=[fixture_site.port]
    )


@pytest.fixture
def make_request(open_policy: NetPolicy) -> Callable[..., FetchRequest]:
    def build(url: str, **overrides: Any) -> FetchRequest:
        overrides.setdefault("policy", open_policy)
        overrides.setdefault("timeout_s", 10.0)
        return FetchRequest(url=url, **overrides)

    return build
