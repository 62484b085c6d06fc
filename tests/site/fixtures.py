"""Pytest fixtures for the loopback fixture website (a plugin registered by tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site.h2_echo import H2EchoServer
from tests.site.server import FixtureSite, self_signed_certificate


@pytest.fixture(scope="session")
def fixture_site() -> Iterator[FixtureSite]:
    """The fixture website, started once per test session on 127.0.0.1 and a free port."""
    site = FixtureSite().start()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="session")
def fixture_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(certfile, keyfile) of a self-signed certificate for 127.0.0.1 (skipped without openssl)."""
    tls = self_signed_certificate(tmp_path_factory.mktemp("fixture-tls"))
    if tls is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    return tls


@pytest.fixture(scope="session")
def fixture_site_tls(fixture_certificate: tuple[Path, Path]) -> Iterator[FixtureSite]:
    """The same website over HTTPS with the self-signed certificate."""
    site = FixtureSite(tls=fixture_certificate).start()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="session")
def h2_echo_server(fixture_certificate: tuple[Path, Path]) -> Iterator[H2EchoServer]:
    """An HTTPS echo endpoint that negotiates HTTP/2 (uvicorn only speaks HTTP/1.1)."""
    server = H2EchoServer(*fixture_certificate).start()
    try:
        yield server
    finally:
        server.stop()
