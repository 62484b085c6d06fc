"""The multi-process topology as real processes: a fresh PostgreSQL database, a private Redis
(AOF on), API processes (``scrapegate serve``) and worker processes (``scrapegate worker``).

Tests kill and restart its parts; ``state()`` opens the same database for assertions.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from tests.live_server import free_port
from tests.pg_admin import pg_admin
from tests.redis_fixtures import PrivateRedisServer

REPO = Path(__file__).resolve().parents[2]
SCRAPEGATE = str(REPO / ".venv" / "bin" / "scrapegate")
ADMIN_KEY = "sk_test_distributed0123456789abcdefghij"
START_TIMEOUT_S = 240.0  # a loaded 2-core machine starts Chromium-capable processes slowly


class Topology:
    def __init__(self, workdir: Path, pg_url: str, **settings: str) -> None:
        self.workdir = workdir
        self.db_name = f"scrapegate_dist_{uuid.uuid4().hex[:8]}"
        self.database_url = make_url(pg_url).set(database=self.db_name).render_as_string(False)
        self._pg_url = pg_url
        self.redis = PrivateRedisServer(workdir / "redis", appendonly=True)
        self.settings = settings
        self.api: dict[int, subprocess.Popen[bytes]] = {}  # port -> process
        self.workers: list[subprocess.Popen[bytes] | None] = []

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPEGATE_")}
        env.update(
            SCRAPEGATE_DATABASE_URL=self.database_url,
            SCRAPEGATE_REDIS_URL=self.redis.url,
            SCRAPEGATE_DATA_DIR=str(self.workdir / "data"),
            SCRAPEGATE_BOOTSTRAP_API_KEY=ADMIN_KEY,
            SCRAPEGATE_SECRET_KEY="distributed-secret-0123456789abcdef0123",
            SCRAPEGATE_ALLOW_PRIVATE_NETWORKS="true",
            SCRAPEGATE_LOG_LEVEL="info",
        )
        env.update({f"SCRAPEGATE_{k.upper()}": v for k, v in self.settings.items()})
        return env

    def start(self, api_processes: int = 2, workers: int = 2) -> Topology:
        (self.workdir / "redis").mkdir(parents=True, exist_ok=True)
        asyncio.run(pg_admin(self._pg_url, f'CREATE DATABASE "{self.db_name}"'))
        self.redis.start()
        subprocess.run([SCRAPEGATE, "migrate"], env=self.env(), check=True, capture_output=True)
        # The first API server is itself two processes (serve --workers 2); the others are one.
        for index in range(api_processes):
            self.start_api(free_port(), processes=2 if index == 0 else 1)
        for _ in range(workers):
            self.workers.append(
                self._spawn("worker", f"w{len(self.workers)}", "--concurrency", "4")
            )
        for port in self.api:
            self.wait_healthy(port)
        return self

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        command, name, *rest = args
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        return subprocess.Popen(
            [SCRAPEGATE, command, *rest], env=self.env(), stdout=log, stderr=subprocess.STDOUT
        )

    def start_api(self, port: int, processes: int = 1) -> None:
        args = ("--port", str(port), "--workers", str(processes))
        self.api[port] = self._spawn("serve", f"api-{port}", *args)

    def wait_healthy(self, port: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.api[port].poll() is None, self.log_tail(f"api-{port}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).is_success:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"API on {port} did not start\n{self.log_tail(f'api-{port}')}")

    def url(self, index: int = 0) -> str:
        return f"http://127.0.0.1:{list(self.api)[index]}"

    def client(self, index: int = 0) -> httpx.Client:
        return httpx.Client(base_url=self.url(index), headers={"X-API-Key": ADMIN_KEY}, timeout=120)

    def kill_worker(self, index: int) -> None:
        process = self.workers[index]
        assert process is not None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        self.workers[index] = None

    def start_worker(self, index: int) -> None:
        self.workers[index] = self._spawn("worker", f"w{index}", "--concurrency", "4")

    def kill_api(self, index: int) -> int:
        """SIGKILL a single-process API server (not index 0, which supervises two)."""
        port = list(self.api)[index]
        self.api[port].send_signal(signal.SIGKILL)
        self.api[port].wait(timeout=30)
        return port

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.workdir / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        processes = [*self.api.values(), *(w for w in self.workers if w is not None)]
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
        self.redis.stop()
        asyncio.run(
            pg_admin(self._pg_url, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        )


@contextmanager
def running_topology(workdir: Path, pg_url: str, **settings: str) -> Iterator[Topology]:
    topology = Topology(workdir, pg_url, **settings)
    try:
        yield topology.start()
    except BaseException:
        for name in ("w0", "w1", *(f"api-{p}" for p in topology.api)):
            sys.stderr.write(f"--- {name}\n{topology.log_tail(name)}\n")
        raise
    finally:
        topology.stop()
