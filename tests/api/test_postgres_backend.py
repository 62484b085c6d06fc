"""The API suite's core again, with the server on PostgreSQL instead of SQLite.

Runs when SCRAPEGATE_TEST_PG_URL is set (``make test`` starts a loopback PostgreSQL 15 and sets
it); each run gets its own database, dropped afterwards. Tests imported below are collected here
again and use this module's ``server`` fixture.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from tests.api.test_billing import (  # noqa: F401
    billed,
    test_concurrent_scrapes_never_overdraw,
    test_failed_scrape_is_refunded,
    test_success_debits_the_tier_price,
)
from tests.api.test_jobs_lifecycle import (  # noqa: F401
    test_accepted_job_survives_a_restart,
    test_every_request_writes_a_usage_row,
    test_identical_inflight_requests_share_a_job,
)
from tests.api.test_scrape_route import (  # noqa: F401
    test_cache_hit_is_free_and_marked,
    test_default_output_is_main_content_markdown,
    test_other_organizations_cannot_see_a_job,
    test_sync_false_returns_202_and_job_completes,
)
from tests.live_server import LiveServer
from tests.pg_admin import temporary_database

PG_URL = os.environ.get("SCRAPEGATE_TEST_PG_URL")
pytestmark = [
    pytest.mark.postgres,
    # Already a second topology (embedded API on PostgreSQL); the distributed leg has its own.
    pytest.mark.embedded_only,
    pytest.mark.skipif(not PG_URL, reason="SCRAPEGATE_TEST_PG_URL is unset (make test sets it)"),
]


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    assert PG_URL is not None
    with temporary_database(PG_URL, "scrapegate_api") as url:
        yield url


@pytest.fixture(scope="module")
def server_factory(
    pg_database: str, server_factory: Callable[..., LiveServer]
) -> Callable[..., LiveServer]:
    def start(**overrides: object) -> LiveServer:
        return server_factory(database_url=pg_database, **overrides)

    return start
