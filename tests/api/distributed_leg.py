"""The API suite's servers on the multi-machine topology (issue 3's distributed leg).

With ``SCRAPEGATE_TEST_TOPOLOGY=distributed`` every server a test starts is: a fresh PostgreSQL
database, a private Redis (AOF on), the in-process API (``LiveServer``, so tests can still reach
its services), a second API process (``scrapegate serve``) with the same settings, two
``scrapegate worker`` processes that run every job, and a round-robin TCP balancer in front of
both API processes. ``server.url`` is the balancer, so a test's connections alternate between
the two API processes.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from scrapegate.config import Settings
from tests.live_server import LiveServer, free_port
from tests.pg_admin import pg_admin
from tests.redis_fixtures import PrivateRedisServer, require_redis_url
from tests.round_robin import RoundRobinProxy

REPO = Path(__file__).resolve().parents[2]
SCRAPEGATE = str(REPO / ".venv" / "bin" / "scrapegate")
WORKERS_PER_SERVER = 2
START_PATIENCE_S = 240.0  # a loaded 2-core machine starts processes slowly


def distributed_topology() -> bool:
    return os.environ.get("SCRAPEGATE_TEST_TOPOLOGY") == "distributed"


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as the environment of another process (nested sections with ``__``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPEGATE_")}
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        if isinstance(value, dict):
            for key, inner in value.items():
                if inner is not None:
                    env[f"SCRAPEGATE_{name}__{key}".upper()] = _env_value(inner)
        else:
            env[f"SCRAPEGATE_{name}".upper()] = _env_value(value)
    return env


def _env_value(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def pg_url_or_fail() -> str:
    url = os.environ.get("SCRAPEGATE_TEST_PG_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("SCRAPEGATE_TEST_PG_URL is unset: make test starts PostgreSQL")
        pytest.skip("SCRAPEGATE_TEST_PG_URL is unset (make test sets it)")
    return url


class DistributedServers:
    """Starts and stops the topology of every server a test module asks for."""

    def __init__(self, workdir: Path, pg_url: str) -> None:
        require_redis_url()
        self.workdir = workdir
        self.pg_url = pg_url
        self._databases: dict[Path, str] = {}  # data dir -> database URL (restarts reuse it)
        self._processes: list[subprocess.Popen[bytes]] = []
        self._redis: list[PrivateRedisServer] = []
        self._proxies: list[RoundRobinProxy] = []
        self._count = 0

    def overrides(self, data_dir: Path, given: dict[str, Any]) -> tuple[RoundRobinProxy, dict]:
        """The settings a distributed server adds: database, Redis, the balancer as base URL."""
        proxy = RoundRobinProxy().start()
        self._proxies.append(proxy)
        redis_dir = self.workdir / f"redis-{self._next()}"
        redis_dir.mkdir()
        redis = PrivateRedisServer(redis_dir, appendonly=True)
        redis.start()
        self._redis.append(redis)
        server_section = {**given.pop("server", {}), "public_base_url": proxy.url}
        extra = {
            "database_url": self._database_for(data_dir),
            "redis_url": redis.url,
            "server": server_section,
        }
        return proxy, {**given, **extra}

    def start_processes(self, server: LiveServer, proxy: RoundRobinProxy) -> None:
        """The second API process and the workers, then the balancer in front of both APIs."""
        env = settings_env(server.settings)
        port = free_port()
        api = self._spawn(env, "api", "serve", "--port", str(port))
        workers = [self._spawn(env, "worker", "worker") for _ in range(WORKERS_PER_SERVER)]
        _wait_healthy(port, api)
        _wait_until_taking_jobs([_log_of(w) for w in workers])
        proxy.backends.extend([server.port, port])
        server.url = proxy.url
        server.worker_processes = workers  # type: ignore[attr-defined]

    def stop(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self._processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
        for proxy in self._proxies:
            proxy.stop()
        for redis in self._redis:
            redis.stop()
        for url in self._databases.values():
            name = make_url(url).database
            asyncio.run(pg_admin(self.pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def _next(self) -> int:
        self._count += 1
        return self._count

    def _database_for(self, data_dir: Path) -> str:
        if data_dir not in self._databases:
            name = f"scrapegate_leg_{uuid.uuid4().hex[:8]}"
            asyncio.run(pg_admin(self.pg_url, f'CREATE DATABASE "{name}"'))
            url = make_url(self.pg_url).set(database=name).render_as_string(hide_password=False)
            self._databases[data_dir] = url
        return self._databases[data_dir]

    def _spawn(self, env: dict[str, str], name: str, *args: str) -> subprocess.Popen[bytes]:
        path = self.workdir / f"{name}-{self._next()}.log"
        log = open(path, "wb")  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen([SCRAPEGATE, *args], env=env, stdout=log, stderr=log)
        process.log_path = path  # type: ignore[attr-defined]
        self._processes.append(process)
        return process


def _log_of(process: subprocess.Popen[bytes]) -> Path:
    path: Path = process.log_path  # type: ignore[attr-defined]
    return path


def worker_processes(server: LiveServer) -> list[subprocess.Popen[bytes]]:
    """The worker processes of a distributed-leg server (none in embedded mode)."""
    workers: list[subprocess.Popen[bytes]] = getattr(server, "worker_processes", [])
    return workers


@contextmanager
def workers_frozen(server: LiveServer) -> Iterator[None]:
    """Jobs wait while the worker processes are stopped (SIGSTOP) and run after SIGCONT."""
    workers = worker_processes(server)
    assert workers, "no worker processes to freeze"
    for process in workers:
        process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        for process in workers:
            process.send_signal(signal.SIGCONT)


def _wait_healthy(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_PATIENCE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = _log_of(process).read_text(errors="replace")[-3000:]
            raise AssertionError(f"API process exited: {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health/live", timeout=2).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the second API process on {port} did not start")


def _wait_until_taking_jobs(logs: list[Path]) -> None:
    """Workers start slowly on a loaded machine; a sync scrape must not race their start."""
    deadline = time.monotonic() + START_PATIENCE_S
    while time.monotonic() < deadline:
        if all("Starting worker for" in path.read_text(errors="replace") for path in logs):
            return
        time.sleep(0.2)
    raise AssertionError(f"workers did not start: {[p.read_text()[-2000:] for p in logs]}")
