"""Redis for the tests: the loopback server of ``scripts/redis.sh`` (``make test`` exports its URL).

The fixtures below are found when this module is listed in ``pytest_plugins`` (tests/conftest.py)
or imported into a test module; parametrised fixtures call ``require_redis_url``, ``redis_space``
or ``running_private_redis`` instead. Without SCRAPEGATE_TEST_REDIS_URL the
Redis cases skip locally and fail in CI (CI=true), so CI can never pass without running them.
Every test gets its own key prefix, and its keys are deleted afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis.asyncio import Redis

from scrapegate.storage.redis_client import delete_prefixed, open_redis

REDIS_MISSING = (
    "SCRAPEGATE_TEST_REDIS_URL is unset: run `scripts/redis.sh start` and export "
    "SCRAPEGATE_TEST_REDIS_URL=$(scripts/redis.sh url) (make test does both)"
)


def require_redis_url() -> str:
    """The test Redis URL; skips the calling test locally, fails it in CI, when there is none."""
    url = os.environ.get("SCRAPEGATE_TEST_REDIS_URL")
    if url:
        return url
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(REDIS_MISSING)
    pytest.skip(REDIS_MISSING)


def new_prefix() -> str:
    return f"sgtest:{uuid.uuid4().hex}:"


@dataclass(frozen=True)
class RedisSpace:
    """A client and a key prefix of one test's own."""

    client: Redis
    prefix: str


@asynccontextmanager
async def redis_space() -> AsyncIterator[RedisSpace]:
    """For parametrised fixtures: skips or fails like ``require_redis_url``, cleans up after."""
    client = open_redis(require_redis_url())
    space = RedisSpace(client, new_prefix())
    try:
        yield space
    finally:
        await delete_prefixed(client, space.prefix)
        await client.aclose()


@pytest.fixture
def redis_url() -> str:
    return require_redis_url()


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Redis]:
    client = open_redis(redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def redis_prefix(redis_client: Redis) -> AsyncIterator[str]:
    """A key prefix no other test uses; whatever the test stored under it is deleted after."""
    prefix = new_prefix()
    try:
        yield prefix
    finally:
        await delete_prefixed(redis_client, prefix)


class PrivateRedisServer:
    """A redis-server of its own on a free loopback port, for tests that stop and restart it
    (the shared server of ``scripts/redis.sh`` must stay up for everything else)."""

    def __init__(self, data_dir: Path, *, appendonly: bool = False) -> None:
        self.data_dir = data_dir
        self.appendonly = appendonly
        self.port = _free_loopback_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                _redis_server_binary(),
                *("--port", str(self.port), "--bind", "127.0.0.1", "--protected-mode", "no"),
                *("--dir", str(self.data_dir), "--save", ""),
                # The same persistence as scripts/redis.sh when asked for.
                *("--appendonly", "yes" if self.appendonly else "no"),
                *("--appendfsync", "everysec"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_it_answers()

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        self._process.wait(timeout=30)
        self._process = None

    def _wait_until_it_answers(self) -> None:
        for _ in range(200):
            assert self._process is not None and self._process.poll() is None, "redis died"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"private redis-server on port {self.port} never answered PING")


@contextmanager
def running_private_redis(
    data_dir: Path, *, appendonly: bool = False
) -> Iterator[PrivateRedisServer]:
    """Skips or fails like ``require_redis_url``; the server is stopped afterwards."""
    require_redis_url()
    server = PrivateRedisServer(data_dir, appendonly=appendonly)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedisServer]:
    with running_private_redis(tmp_path) as server:
        yield server


def _redis_server_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (scripts/redis.sh start installs it)")
    return binary


def _free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
