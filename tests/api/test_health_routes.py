"""Health routes (platform-api #31-35) and the public status page (#43) on a live server."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from scrapegate.domain.records import HealthSample, Job, new_id, utcnow
from scrapegate.platform.status import SERVICE_NAMES
from scrapegate.platform.worker_heartbeats import WorkerBeat, WorkerHeartbeats
from tests.api.conftest import ADMIN_KEY, make_settings, new_key
from tests.api.distributed_leg import worker_processes
from tests.live_server import LiveServer
from tests.redis_fixtures import running_private_redis

BAD_KEY = {
    "X-API-Key": "sk_test_" + "Z" * 32
}  # credentials are ignored: a wrong one changes nothing
READY_CHECKS = {"database", "queue", "artifact_store", "browser_pool", "search_provider"}


def get(server: LiveServer, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1{path}", timeout=30, **kwargs)


def bootstrap_org_id(server: LiveServer) -> str:
    async def find() -> str:
        org = await server.services.storage.organizations.get_by_slug("bootstrap")
        assert org is not None
        return org.id

    return str(server.call(find()))


def add_job(server: LiveServer, org_id: str, **fields: Any) -> None:
    job = Job(
        id=new_id(),
        org_id=org_id,
        key_id=None,
        type="scrape",
        request={"url": "https://example.com/"},
        request_hash=new_id(),  # never coalesced with another
        **fields,
    )
    server.call(server.services.storage.jobs.create(job))


def test_live_answers_ok_even_with_a_wrong_key(server: LiveServer) -> None:
    response = get(server, "/health/live", headers=BAD_KEY)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_reports_version_and_non_critical_state(server: LiveServer) -> None:
    response = get(server, "/health", headers=BAD_KEY)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "timestamp", "version"}
    # Nothing non-critical is broken here (a missing browser or OCR is "disabled", not failing).
    assert body["status"] == "ok"
    assert body["timestamp"].endswith("Z")


def test_ready_lists_every_check(server: LiveServer) -> None:
    response = get(server, "/health/ready", headers=BAD_KEY)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == READY_CHECKS
    assert body["checks"]["database"] == body["checks"]["queue"] == "ok"
    assert body["checks"]["artifact_store"] == "ok"
    assert body["checks"]["browser_pool"] in {"ok", "disabled"}
    assert body["checks"]["search_provider"] == "disabled"  # no SearXNG configured in tests


def test_ocr_reports_real_versions(server: LiveServer) -> None:
    from PIL import __version__ as pillow_version

    body = get(server, "/health/ocr").json()
    assert set(body) == {
        "available",
        "tesseract_version",
        "pillow_version",
        "languages",
        "message",
    }
    assert body["pillow_version"] == pillow_version
    if body["available"]:
        assert body["tesseract_version"] and body["message"] == "OCR ready"
        assert "eng" in body["languages"]
    else:
        assert body["tesseract_version"] is None and body["languages"] == []
        assert body["message"] == "tesseract binary not found"


def test_jobs_counts_queue_and_recent_outcomes(
    server_factory: Callable[..., LiveServer],
) -> None:
    server = server_factory(jobs={"workers": 3})
    org_id = bootstrap_org_id(server)
    now = utcnow()
    # Written straight to storage, so no worker ever picks them up: they stay pending.
    add_job(server, org_id, created_at=now - timedelta(seconds=120))
    add_job(server, org_id, created_at=now - timedelta(seconds=5))
    finished = {
        "started_at": now - timedelta(seconds=30),
        "completed_at": now - timedelta(seconds=28),
    }
    add_job(server, org_id, status="completed", **finished)
    add_job(server, org_id, status="failed", **finished)
    add_job(server, org_id, status="failed", **finished)

    response = get(server, "/health/jobs", headers=BAD_KEY)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "queue", "workers", "last_5m", "timestamp"}
    queue = body["queue"]
    assert (queue["pending"], queue["running"], queue["stalled"]) == (2, 0, 0)
    assert queue["oldest_pending_age_s"] >= 120
    assert queue["reaped_last_hour"] == 0  # embedded: nothing is ever reaped
    slots = 3 * max(len(worker_processes(server)), 1)  # 3 per worker process (1 embedded)
    assert body["workers"] == {"total": slots, "busy": 0, "idle": slots}
    assert body["last_5m"] == {
        "completed": 1,
        "failed": 2,
        "failure_rate": pytest.approx(0.6667),
        "avg_duration_ms": 2000,
    }
    assert body["status"] == "degraded"  # a job waits over 60 s and most recent jobs failed


@pytest.mark.embedded_only  # removes the SQLite file; the distributed leg runs on PostgreSQL
def test_ready_is_503_when_the_database_file_is_gone(
    server_factory: Callable[..., LiveServer], tmp_path: Path
) -> None:
    server = server_factory(data_dir=tmp_path / "data")
    database = Path(server.settings.resolved_database_url.split("///", 1)[1])
    assert database.is_file()
    server.call(server.services.storage.close())  # drops the pooled connections
    database.rename(database.with_suffix(".moved"))
    database.mkdir()  # a directory where the file was: SQLite can no longer open it

    response = get(server, "/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["database"] == "error"
    assert body["checks"]["queue"] == "ok"


def seed_sample(server: LiveServer, days_ago: float, *, up: bool) -> None:
    sample = HealthSample(
        id=new_id(),
        taken_at=utcnow() - timedelta(days=days_ago),
        overall_status="operational" if up else "major_outage",
        core_operational=up,
        services=[],
    )
    server.call(server.services.storage.health.add(sample))


def first_probe(server: LiveServer) -> HealthSample:
    """The sample the prober records at start (waited for: it runs in the background)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        sample = server.call(server.services.storage.health.latest())
        if isinstance(sample, HealthSample):
            return sample
        time.sleep(0.05)
    raise AssertionError("the status prober recorded no sample")


def test_status_uptime_from_recorded_samples(server_factory: Callable[..., LiveServer]) -> None:
    server = server_factory(status={"probe_interval_s": 3600})
    probe = first_probe(server)
    assert {service["name"] for service in probe.services} == set(SERVICE_NAMES)
    for days_ago, up in ((1, True), (2, True), (3, False), (40, False)):  # 40 days: outside
        seed_sample(server, days_ago, up=up)

    response = get(server, "/status", headers=BAD_KEY)

    assert response.status_code == 200
    body = response.json()
    operational = 2 + (1 if probe.core_operational else 0)
    assert body["uptime_percentage"] == round(100 * operational / 4, 2)
    assert [service["name"] for service in body["services"]] == list(SERVICE_NAMES)
    statuses = {service["name"]: service["status"] for service in body["services"]}
    assert statuses["database"] == "operational"
    assert statuses["search"] == "disabled"
    for service in body["services"]:
        assert set(service) == {"name", "status", "latency_ms", "message"}
        assert service["message"]
    assert body["overall_status"] in {"operational", "degraded", "partial_outage"}
    # Cached for 15 s: a new outage sample does not change the next answer.
    seed_sample(server, 0.5, up=False)
    assert get(server, "/status").json() == body


def test_jobs_down_without_worker_heartbeats_in_the_redis_topology(tmp_path: Path) -> None:
    with (
        running_private_redis(tmp_path) as redis,
        LiveServer(make_settings(tmp_path / "data", redis_url=redis.url)) as server,
    ):
        response = get(server, "/health/jobs")
        assert response.status_code == 503
        assert response.json()["status"] == "down"
        assert response.json()["workers"] == {"total": 0, "busy": 0, "idle": 0}

        client = server.services.coordination.redis
        assert client is not None  # the API of the Redis topology runs no worker itself
        beat = WorkerBeat(owner="worker-1", at=time.time(), concurrency=4, reaped_last_hour=2)
        server.call(WorkerHeartbeats(client).beat(beat))

        response = get(server, "/health/jobs")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["workers"] == {"total": 4, "busy": 0, "idle": 4}
        assert body["queue"]["reaped_last_hour"] == 2


def test_detail_requires_admin_hides_all_but_the_status(
    server_factory: Callable[..., LiveServer],
) -> None:
    server = server_factory(health={"detail_requires_admin": True})
    user_key = {"X-API-Key": new_key(server, "health-user")}
    for path in ("/health/jobs", "/health/ready"):
        assert set(get(server, path).json()) == {"status"}
        assert set(get(server, path, headers=user_key).json()) == {"status"}
        assert set(get(server, path, headers=BAD_KEY).json()) == {"status"}
    admin = {"X-API-Key": ADMIN_KEY}
    assert "queue" in get(server, "/health/jobs", headers=admin).json()
    assert "checks" in get(server, "/health/ready", headers=admin).json()
