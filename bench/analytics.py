"""Dashboard analytics over a large request log: every dashboard/usage query, timed.

Seeds N rows (default 1,000,000) into a migrated SQLite file and, when reachable, the loopback
PostgreSQL of scripts/pg.sh (database ``scrapegate_bench``, recreated), then runs each query the
dashboard routes make five times and prints the median against the 200 ms budget.

    .venv/bin/python bench/analytics.py [--rows 1000000] [--skip-postgres]

Rows spread evenly over 400 days, in time order as the append-only log writes them, across 20
organizations; the measured organization owns half of them (the heaviest tenant), so a 30-day
window covers about 34,000 of its scrape rows and its job list about 450,000.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from scrapegate.domain.records import ApiKey, Organization, User  # noqa: E402
from scrapegate.platform.dashboard import DashboardAnalytics  # noqa: E402
from scrapegate.platform.dashboard_jobs import DashboardJobs, JobFilter  # noqa: E402
from scrapegate.platform.dashboard_logs import DetailedLogs  # noqa: E402
from scrapegate.platform.dashboard_window import Window  # noqa: E402
from scrapegate.platform.usage_report import UsageReport  # noqa: E402
from scrapegate.storage.protocols import Storage  # noqa: E402
from scrapegate.storage.sql import open_sql_storage, upgrade_database  # noqa: E402
from scrapegate.storage.sql.models import USAGE_LOG  # noqa: E402

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:54329/postgres"
PG_BENCH_DB = "scrapegate_bench"
BUDGET_MS = 200.0
RUNS = 5
ORGS = 20
DOMAINS = [f"site{i}.example" for i in range(300)]
MODES = ["auto"] * 6 + ["html", "js", "pdf", "ocr"]
TIERS = ["1"] * 5 + ["2", "3", "3", "3.5", "4"]
COUNTRIES = [None] * 6 + ["US", "DE", "GB", "FR"]
CODES = [200] * 16 + [301, 403, 404, 500]
SOURCES = ["api"] * 6 + ["crawl", "batch", "playground", "schedule"]
COLUMNS = [column.name for column in USAGE_LOG.columns]
UNUSED_COLUMNS = {"batch_id": None, "schedule_id": None, "monitor_id": None, "source_client": None}


def org_of(index: int) -> str:
    return "bench-big" if index % 2 == 0 else f"bench-{index % ORGS}"


def generated_rows(count: int, now: datetime, keys: list[str]) -> Iterator[dict[str, Any]]:
    rng = random.Random(7)
    span = 400 * 86_400
    start = now - timedelta(seconds=span)
    for index in range(count):
        # Append-only like the real log: rows arrive in time order, so a window is contiguous.
        created = start + timedelta(seconds=span * index / count)
        failed = rng.random() < 0.08
        domain = rng.choice(DOMAINS)
        source = rng.choice(SOURCES)
        yield {
            "id": f"{rng.getrandbits(128):032x}",
            "org_id": org_of(index),
            "key_id": rng.choice(keys),
            "route": "/api/v1/scrape",
            "method": "POST",
            "status_code": 200,
            "latency_ms": int(rng.expovariate(1 / 900)),
            "created_at": created,
            "kind": "scrape" if rng.random() < 0.9 else "request",
            "job_id": f"{rng.getrandbits(128):032x}",
            "url": f"https://{domain}/page/{rng.randrange(2_000)}",
            "domain": domain,
            "mode": rng.choice(MODES),
            "tier": rng.choice(TIERS),
            "credits": 0 if failed else rng.choice((200, 200, 1_000, 3_000, 10_000)),
            "bytes": rng.randrange(200_000),
            "cache_hit": rng.random() < 0.1,
            "error_code": "BLOCKED_BY_ANTIBOT" if failed else None,
            "source": source,
            "user_id": None,
            "endpoint_type": "crawl" if source == "crawl" else "scrape",
            "status": "failed" if failed else "completed",
            "target_status_code": None if failed and rng.random() < 0.5 else rng.choice(CODES),
            "tiers_attempted": ["1"],
            "proxy_country": rng.choice(COUNTRIES),
            "crawl_id": f"crawl-{rng.randrange(500)}" if source == "crawl" else None,
            "completed_at": created,
            **UNUSED_COLUMNS,
        }


def sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        )
    if isinstance(value, list):
        return json.dumps(value)
    return value


def seed_sqlite(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    placeholders = ", ".join("?" for _ in COLUMNS)
    statement = f"INSERT INTO usage_log ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    with sqlite3.connect(path) as conn:
        conn.executemany(statement, ([sqlite_value(row[c]) for c in COLUMNS] for row in rows))
        conn.execute("ANALYZE")


async def seed_postgres(url: str, rows: Iterator[dict[str, Any]]) -> None:
    conn = await asyncpg.connect(url)
    try:
        records = [
            tuple(json.dumps(row[c]) if c == "tiers_attempted" else row[c] for c in COLUMNS)
            for row in rows
        ]
        await conn.copy_records_to_table("usage_log", records=records, columns=COLUMNS)
        await conn.execute("VACUUM ANALYZE usage_log")  # what autovacuum would have done
    finally:
        await conn.close()


async def recreate_postgres_database() -> str | None:
    try:
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"PostgreSQL not reachable ({exc}); run scripts/pg.sh start")
        return None
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB}")
        await conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    finally:
        await conn.close()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_BENCH_DB}"


async def add_accounts(storage: Storage) -> list[str]:
    """The measured organization with four keys (usage by key joins them)."""
    org = await storage.organizations.create(
        Organization(id="bench-big", name="bench-big", slug="bench-big")
    )
    user = await storage.users.create(User(id="bench-user", name="bench", personal_org_id=org.id))
    keys = []
    for number in range(4):
        key = ApiKey(
            id=f"bench-key-{number}",
            org_id=org.id,
            user_id=user.id,
            name=f"key {number}",
            key_hash=uuid.uuid4().hex,
            key_prefix="sk_live_benc",
        )
        keys.append((await storage.api_keys.create(key)).id)
    return keys


def dashboard_queries(storage: Storage, now: datetime) -> dict[str, Callable[[], Awaitable[Any]]]:
    org = "bench-big"
    month = Window(now - timedelta(days=30), now)
    day = Window(now - timedelta(hours=24), now)
    board = DashboardAnalytics(storage.analytics)
    logs, jobs, usage = DetailedLogs(storage), DashboardJobs(storage), UsageReport(storage)
    return {
        "detailed-logs": lambda: logs.rows(org, month, None, 0, 100),
        "detailed-logs group_by=crawl_id": lambda: logs.crawl_groups(org, month, None, 0, 100),
        "detailed-logs group_crawls": lambda: logs.mixed(org, month, None, 0, 100),
        "domain-analytics": lambda: board.domain_list(org, month, 20),
        "domain-analytics/{domain}": lambda: board.domain_detail(org, month, DOMAINS[0], {}),
        "domain-timeseries/{domain}": lambda: board.domain_timeseries(org, month, DOMAINS[0]),
        "endpoint-stats": lambda: board.endpoint_stats(org, month),
        "endpoint-timeseries": lambda: board.endpoint_timeseries(org, month),
        "endpoint-timeseries hours=24": lambda: board.endpoint_timeseries(org, day),
        "geo-distribution": lambda: board.geo_distribution(org, month),
        "hourly-patterns": lambda: board.hourly_patterns(org, month),
        "jobs": lambda: jobs.page(org, JobFilter(), 0, 20, now),
        "jobs search=": lambda: jobs.page(org, JobFilter(search="page/17"), 0, 20, now),
        "peak-hours": lambda: board.peak_hours(org, month),
        "recent-jobs": lambda: jobs.recent(org, 10, now),
        "request-types": lambda: board.request_types(org, month),
        "stats": lambda: board.stats(org, now, None),
        "status-codes": lambda: board.status_codes(org, month),
        "top-consumers": lambda: board.top_consumers(org, month, 10),
        "top-endpoints": lambda: board.top_endpoints(org, month, 10),
        "usage-timeseries": lambda: board.usage_timeseries(org, month),
        "usage/by-key": lambda: usage.by_key(org, 30, now),
        "usage/estimate": lambda: usage.estimate(org, 7, now, None),
    }


async def median_ms(query: Callable[[], Awaitable[Any]]) -> float:
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await query()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


async def measure(
    url: str, seed: Callable[[Iterator[dict[str, Any]]], Any], rows: int
) -> dict[str, float]:
    await upgrade_database(url)
    storage = await open_sql_storage(url)
    try:
        now = datetime.now(UTC)
        keys = await add_accounts(storage)
        started = time.perf_counter()
        outcome = seed(generated_rows(rows, now, keys))
        if asyncio.iscoroutine(outcome):
            await outcome
        print(f"  seeded {rows:,} rows in {time.perf_counter() - started:.1f} s")
        results = {}
        for name, query in dashboard_queries(storage, now).items():
            results[name] = await median_ms(query)
        return results
    finally:
        await storage.close()


def print_table(results: dict[str, dict[str, float]]) -> None:
    backends = list(results)
    names = list(next(iter(results.values())))
    print(f"\n{'query':36}" + "".join(f"{b:>20}" for b in backends))
    for name in names:
        cells = []
        for backend in backends:
            value = results[backend][name]
            verdict = "ok" if value < BUDGET_MS else "SLOW"
            cells.append(f"{value:>11.1f} ms {verdict:>4}")
        print(f"{name:36}" + "".join(f"{c:>20}" for c in cells))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        print("SQLite")
        results["sqlite"] = await measure(
            f"sqlite:///{path}", lambda rows: seed_sqlite(path, rows), args.rows
        )
    pg_url = None if args.skip_postgres else await recreate_postgres_database()
    if pg_url is not None:
        print("PostgreSQL")
        results["postgresql"] = await measure(
            pg_url, lambda rows: seed_postgres(pg_url, rows), args.rows
        )
    print_table(results)


if __name__ == "__main__":
    asyncio.run(main())
