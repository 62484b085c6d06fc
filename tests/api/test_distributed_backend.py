"""The API suite's core again, on the Redis topology.

The API runs in this process with ``SCRAPEGATE_REDIS_URL`` set, so it only enqueues; every
server gets two ``scrapegate worker`` processes (same settings, its own Redis database) that run
the jobs, and PostgreSQL holds the state. Tests imported below are collected here again and use
this module's ``server_factory``. The fault tests (killed workers, Redis restarts, a killed API
process) are in tests/distributed.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scrapegate.config import Settings
from tests.api.test_batch_route import (  # noqa: F401
    test_cancel_releases_pending_items,
    test_requests_shape,
    test_urls_shape_with_defaults_and_mixed_results,
)
from tests.api.test_billing import (  # noqa: F401
    billed,
    test_concurrent_scrapes_never_overdraw,
    test_failed_scrape_is_refunded,
    test_success_debits_the_tier_price,
)
from tests.api.test_crawl_route import (  # noqa: F401
    test_cancel_refunds_pending_pages,
    test_crawl_follows_links_to_the_depth_limit,
    test_event_stream_ends_with_completion,
)
from tests.api.test_jobs_lifecycle import (  # noqa: F401
    test_accepted_job_survives_a_restart,
    test_every_request_writes_a_usage_row,
    test_identical_inflight_requests_share_a_job,
    test_rate_limit_gives_429_with_retry_after,
)
from tests.api.test_scrape_route import (  # noqa: F401
    test_cache_hit_is_free_and_marked,
    test_default_output_is_main_content_markdown,
    test_other_organizations_cannot_see_a_job,
    test_sync_false_returns_202_and_job_completes,
)
from tests.distributed.topology import SCRAPEGATE
from tests.live_server import LiveServer
from tests.pg_admin import temporary_database
from tests.redis_fixtures import PrivateRedisServer, require_redis_url

PG_URL = os.environ.get("SCRAPEGATE_TEST_PG_URL")
pytestmark = [pytest.mark.postgres, pytest.mark.timeout(300)]
WORKERS_PER_SERVER = 2


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


def wait_until_taking_jobs(logs: list[Path], patience_s: float = 240.0) -> None:
    """Workers start slowly on a loaded machine; a sync scrape must not race their start."""
    deadline = time.monotonic() + patience_s
    while time.monotonic() < deadline:
        if all("Starting worker for" in path.read_text(errors="replace") for path in logs):
            return
        time.sleep(0.2)
    raise AssertionError(f"workers did not start: {[p.read_text()[-2000:] for p in logs]}")


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("SCRAPEGATE_TEST_PG_URL is unset: make test starts PostgreSQL")
        pytest.skip("SCRAPEGATE_TEST_PG_URL is unset (make test sets it)")
    with temporary_database(PG_URL, "scrapegate_dist") as url:
        yield url


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedisServer]:
    require_redis_url()
    server = PrivateRedisServer(tmp_path_factory.mktemp("redis"), appendonly=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server_factory(
    pg_database: str,
    redis_server: PrivateRedisServer,
    server_factory: Callable[..., LiveServer],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., LiveServer]]:
    databases = itertools.count(1)  # a Redis database per server: its own queue
    logs = tmp_path_factory.mktemp("worker-logs")
    workers: list[subprocess.Popen[bytes]] = []

    def start(**overrides: Any) -> LiveServer:
        redis_url = f"redis://127.0.0.1:{redis_server.port}/{next(databases) % 16}"
        server = server_factory(database_url=pg_database, redis_url=redis_url, **overrides)
        env = settings_env(server.settings)
        started = []
        for _ in range(WORKERS_PER_SERVER):
            path = Path(logs) / f"worker-{len(workers)}.log"
            log = open(path, "wb")  # noqa: SIM115 - lives as long as the process
            workers.append(
                subprocess.Popen([SCRAPEGATE, "worker"], env=env, stdout=log, stderr=log)
            )
            started.append(path)
        wait_until_taking_jobs(started)
        return server

    yield start
    for process in workers:
        process.send_signal(signal.SIGTERM)
    for process in workers:
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
