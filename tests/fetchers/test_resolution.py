"""DNS answers are checked (every address) and the connection is pinned to a checked one."""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Callable
from typing import Any

import pytest

from scrapegate.domain.netrules import PRIVATE_DETAIL, IPAddress, NetPolicy
from scrapegate.errors import URLNotAllowed
from scrapegate.fetchers import Fetcher, FetchError, FetchRequest, HostResolver, system_resolver
from scrapegate.fetchers.resolve import pin_target
from tests.fetchers.conftest import TIERS, static_resolver
from tests.site.server import FixtureSite

pytestmark = pytest.mark.asyncio(loop_scope="session")

FetcherFactory = Callable[[str, HostResolver], Fetcher]


@pytest.fixture
def names_bypass_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite points HTTP_PROXY at a dead port; our made-up names must go direct."""
    value = "localhost,127.0.0.1,::1,.test"
    monkeypatch.setenv("NO_PROXY", value)
    monkeypatch.setenv("no_proxy", value)


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.usefixtures("names_bypass_proxy")
async def test_connection_is_pinned_to_the_checked_address(
    tier: str, fetcher_factory: FetcherFactory, fixture_site: FixtureSite, site_policy: NetPolicy
):
    resolver = static_resolver({"shop.fixture.test": ["127.0.0.1"]})
    fetcher = fetcher_factory(tier, resolver)
    url = f"http://shop.fixture.test:{fixture_site.port}/echo"
    response = await fetcher.fetch(FetchRequest(url=url, policy=site_policy))
    sent = json.loads(response.body)["header_map"]
    assert sent["host"] == f"shop.fixture.test:{fixture_site.port}"
    assert response.url == url


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize(
    "answers", [["127.0.0.2"], ["93.184.216.34", "127.0.0.2"], ["10.1.2.3"], ["169.254.169.254"]]
)
async def test_any_refused_address_refuses_the_host(
    tier: str,
    answers: list[str],
    fetcher_factory: FetcherFactory,
    fixture_site: FixtureSite,
    site_policy: NetPolicy,
):
    fetcher = fetcher_factory(tier, static_resolver({"evil.test": answers}))
    url = f"http://evil.test:{fixture_site.port}/"
    with pytest.raises(URLNotAllowed) as caught:
        await fetcher.fetch(FetchRequest(url=url, policy=site_policy))
    assert caught.value.detail == PRIVATE_DETAIL
    assert all(address not in str(caught.value.to_dict()) for address in answers)


@pytest.mark.parametrize("tier", TIERS)
async def test_redirect_to_a_name_resolving_privately_is_refused(
    tier: str, fetcher_factory: FetcherFactory, fixture_site: FixtureSite, site_policy: NetPolicy
):
    fetcher = fetcher_factory(tier, static_resolver({"rebind.test": ["127.0.0.3"]}))
    target = f"http://rebind.test:{fixture_site.port}/article"
    url = fixture_site.url(f"/redirect-to?to={target}")
    with pytest.raises(URLNotAllowed):
        await fetcher.fetch(FetchRequest(url=url, policy=site_policy))


@pytest.mark.parametrize("tier", TIERS)
async def test_no_address_is_a_dns_error(
    tier: str, fetcher_factory: FetcherFactory, fixture_site: FixtureSite, site_policy: NetPolicy
):
    fetcher = fetcher_factory(tier, static_resolver({"empty.test": []}))
    url = f"http://empty.test:{fixture_site.port}/"
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(FetchRequest(url=url, policy=site_policy))
    assert caught.value.cause == "dns_error"


async def test_system_resolver_maps_nxdomain_to_dns_error(monkeypatch: pytest.MonkeyPatch):
    def nxdomain(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", nxdomain)
    with pytest.raises(FetchError) as caught:
        await system_resolver("does-not-exist.test", 80)
    assert caught.value.cause == "dns_error"


async def test_system_resolver_returns_every_address():
    addresses = await system_resolver("localhost", 80)
    assert addresses
    assert all(address.is_loopback for address in addresses)


@pytest.mark.parametrize("tier", TIERS)
async def test_localhost_is_refused_without_private_networks(
    tier: str, fetcher_factory: FetcherFactory, fixture_site: FixtureSite, site_policy: NetPolicy
):
    fetcher = fetcher_factory(tier, system_resolver)
    url = f"http://localhost:{fixture_site.port}/article"
    with pytest.raises(URLNotAllowed):
        await fetcher.fetch(FetchRequest(url=url, policy=site_policy))


async def test_names_are_checked_after_resolution(site_policy: NetPolicy):
    async def loopback(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("::1")]

    with pytest.raises(URLNotAllowed):
        await pin_target("http://ip6-localhost/", NetPolicy.build(allow_private=False), loopback)


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "0177.0.0.1", "[::ffff:7f00:1]"])
async def test_numeric_host_forms_are_refused(host: str, fixture_site: FixtureSite):
    policy = NetPolicy.build(allow_private=False, allowed_ports=[fixture_site.port])
    with pytest.raises(URLNotAllowed):
        await pin_target(f"http://{host}:{fixture_site.port}/", policy, system_resolver)


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("host", ["2130706433", "127.1", "0x7f.0.0.1"])
async def test_numeric_host_forms_connect_to_the_address_they_name(
    tier: str,
    host: str,
    fetcher_factory: FetcherFactory,
    fixture_site: FixtureSite,
    site_policy: NetPolicy,
):
    fetcher = fetcher_factory(tier, system_resolver)
    response = await fetcher.fetch(
        FetchRequest(url=f"http://{host}:{fixture_site.port}/thin", policy=site_policy)
    )
    assert response.status_code == 200
    assert response.url == fixture_site.url("/thin")


async def test_pinned_target_keeps_name_and_port():
    async def public(host: str, port: int) -> list[IPAddress]:
        return [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("2606:2800::1")]

    target = await pin_target(
        "https://Example.COM/a#frag", NetPolicy.build(allow_private=False), public
    )
    assert (target.host, target.port, target.address, target.secure) == (
        "example.com",
        443,
        "93.184.216.34",
        True,
    )
    assert target.url == "https://Example.COM/a"


async def test_idna_hosts_are_encoded():
    seen: list[str] = []

    async def record(host: str, port: int) -> list[IPAddress]:
        seen.append(host)
        return [ipaddress.ip_address("93.184.216.34")]

    target = await pin_target(
        "http://bücher.example/", NetPolicy.build(allow_private=False), record
    )
    assert seen == ["xn--bcher-kva.example"]
    assert target.url == "http://xn--bcher-kva.example/"
