"""API tests run a real server (uvicorn on loopback) over a real SQLite database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from scrapegate.config import Settings
from tests.api.distributed_leg import DistributedServers, distributed_topology, pg_url_or_fail
from tests.api.webhook_receiver import receiver  # noqa: F401  (a fixture for every API test)
from tests.live_server import LiveServer

ADMIN_KEY = "sk_test_" + "A" * 32


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "bootstrap_api_key": ADMIN_KEY,
        "allow_private_networks": True,
        "secret_key": "test-secret-key-0123456789abcdef0123456789",
    }
    values.update(overrides)
    return Settings(**values)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The distributed leg leaves out tests of one process's internals (marked so, with why)."""
    if not distributed_topology():
        return
    kept = [item for item in items if item.get_closest_marker("embedded_only") is None]
    for item in kept:  # a whole topology starts per server: slow on a loaded 2-core machine
        item.add_marker(pytest.mark.timeout(900))
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


@pytest.fixture(scope="module")
def server_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LiveServer]]:
    started: list[LiveServer] = []
    cluster = None
    if distributed_topology():
        cluster = DistributedServers(tmp_path_factory.mktemp("cluster"), pg_url_or_fail())

    def start(data_dir: Path | None = None, **overrides: Any) -> LiveServer:
        folder = data_dir or tmp_path_factory.mktemp("scrapegate")
        if cluster is None:
            server = LiveServer(make_settings(folder, **overrides)).__enter__()
        else:
            proxy, overrides = cluster.overrides(folder, overrides)
            server = LiveServer(make_settings(folder, **overrides)).__enter__()
            cluster.start_processes(server, proxy)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
    if cluster is not None:
        cluster.stop()


@pytest.fixture(scope="module")
def server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    return server_factory()


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60) as client:
        yield client


def new_key(
    server: LiveServer,
    org: str,
    scopes: tuple[str, ...] = ("read", "write"),
    rpm_limit: int | None = None,
) -> str:
    """Mint a key in a fresh organization through the server's own services."""

    async def mint() -> str:
        minted = await server.services.keys.create_key(
            org_name=org, name=org, scopes=scopes, rpm_limit=rpm_limit
        )
        return minted.raw

    return str(server.call(mint()))
