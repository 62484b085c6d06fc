"""PostgreSQL faults under the Redis topology: dropped connections and a database that goes away.

The topology runs on a PostgreSQL cluster of this module's own (tests/pg_private.py), so the
test can terminate every connection and stop and restart the server; accepted jobs must still
end exactly once with the ledger matching what was charged, and while the database is down the
API answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.distributed.test_distributed import SETTINGS, TERMINAL, ended_once, wait_for
from tests.distributed.topology import Topology, running_topology
from tests.pg_private import PrivatePostgres
from tests.redis_fixtures import require_redis_url

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    if not os.environ.get("SCRAPEGATE_TEST_PG_URL"):  # the marker that PostgreSQL 15 is here
        if os.environ.get("CI"):
            pytest.fail("SCRAPEGATE_TEST_PG_URL is unset: make test starts PostgreSQL")
        pytest.skip("SCRAPEGATE_TEST_PG_URL is unset (make test sets it)")
    require_redis_url()
    database = PrivatePostgres().initdb()
    database.start()
    try:
        workdir = tmp_path_factory.mktemp("pg-faults")
        with running_topology(workdir, database.url, **SETTINGS) as running:
            running.private_postgres = database  # type: ignore[attr-defined]
            yield running
    finally:
        database.destroy()


async def _drop_connections(topology: Topology) -> int:
    """Terminate every server connection to the topology's database (a network blip)."""
    url = make_url(topology.database_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, database="postgres"
    )
    try:
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            url.database,
        )
        return len(rows)
    finally:
        await conn.close()


def _start_batch(api: httpx.Client, urls: list[str]) -> str:
    accepted = api.post("/api/v1/batch", json={"urls": urls})
    assert accepted.status_code == 202, accepted.text
    batch_url = f"/api/v1/batch/{accepted.json()['batch_id']}"
    wait_for(lambda: api.get(batch_url).json(), lambda v: v["completed"] >= 3, 120)
    return batch_url


def _finished(api: httpx.Client, batch_url: str) -> dict[str, Any]:
    def read() -> dict[str, Any]:
        reply = api.get(batch_url)
        return reply.json() if reply.status_code == 200 else {"status": reply.status_code}

    done: dict[str, Any] = wait_for(read, lambda v: v["status"] in TERMINAL)
    return done


def test_batch_survives_dropped_database_connections(topology: Topology, fixture_site: Any) -> None:
    urls = [fixture_site.url(f"/gen/slow/{i}?ms=400") for i in range(200, 230)]
    with topology.client() as api:
        batch_url = _start_batch(api, urls)
        dropped = sum(asyncio.run(_drop_connections(topology)) for _ in range(3))
        assert dropped > 0  # the processes held connections that were cut
        done = _finished(api, batch_url)
        assert api.get("/api/v1/usage").status_code == 200  # the API reconnected
    assert (done["status"], done["completed"], done["failed"]) == ("completed", 30, 0)
    ended_once(topology, [item["job_id"] for item in done["items"]])


def test_api_answers_503_while_the_database_is_down_and_loses_no_job(
    topology: Topology, fixture_site: Any
) -> None:
    database: PrivatePostgres = topology.private_postgres  # type: ignore[attr-defined]
    urls = [fixture_site.url(f"/gen/slow/{i}?ms=400") for i in range(300, 330)]
    with topology.client(1) as api:
        batch_url = _start_batch(api, urls)
        database.stop()
        try:
            down = api.get(batch_url)
            assert down.status_code == 503, down.text
            assert int(down.headers["Retry-After"]) >= 1
            assert down.json()["error"] == "SERVICE_UNAVAILABLE"
            refused = api.post("/api/v1/scrape", json={"url": urls[0], "sync": False})
            assert refused.status_code == 503, refused.text
        finally:
            database.start()
        done = _finished(api, batch_url)
    assert (done["status"], done["completed"], done["failed"]) == ("completed", 30, 0)
    ended_once(topology, [item["job_id"] for item in done["items"]])
