"""`scrapegate serve` stops on SIGTERM while requests keep arriving, and keeps their log rows."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.live_server import free_port

KEY = "sk_test_" + "S" * 32
ROUTE = "/api/v1/usage"
START_BOUND_S = 90  # a loaded machine may take long to import and migrate
EXIT_BOUND_S = 30  # generous: the design target is well under 10 s


def serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SCRAPEGATE_DATA_DIR": str(data_dir),
        "SCRAPEGATE_PORT": str(port),
        "SCRAPEGATE_HOST": "127.0.0.1",
        "SCRAPEGATE_BOOTSTRAP_API_KEY": KEY,
        "SCRAPEGATE_ALLOW_PRIVATE_NETWORKS": "true",
        "SCRAPEGATE_LOG_LEVEL": "warning",
        "SCRAPEGATE_RATE_LIMITS__DEFAULT_RPM": "100000000",
    }
    executable = Path(sys.executable).with_name("scrapegate")
    return subprocess.Popen([str(executable), "serve"], env=env, stdout=subprocess.DEVNULL)


def wait_until_live(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + START_BOUND_S
    while time.monotonic() < deadline:
        assert process.poll() is None, "scrapegate serve exited during start"
        try:
            if httpx.get(f"{base}/api/v1/health/live", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("scrapegate serve did not start")


def hammer(base: str, stop: threading.Event) -> None:
    """Requests until the server stops answering (bounded by the server going away)."""
    with httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=5) as client:
        while not stop.is_set():
            try:
                client.get(ROUTE)
            except httpx.HTTPError:
                return


def logged_rows(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "scrapegate.db") as db:
        stored = db.execute("SELECT id FROM usage_log WHERE route = ?", (ROUTE,)).fetchall()
    spooled = [
        json.loads(line)["id"]
        for path in (data_dir / "request-log-spool").glob("*.jsonl")
        for line in path.read_text().splitlines()
    ]
    return len({row[0] for row in stored} | set(spooled))


def test_serve_exits_on_sigterm_under_requests_and_keeps_the_request_log(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = serve(tmp_path, port)
    stop = threading.Event()
    load: list[threading.Thread] = []
    try:
        wait_until_live(process, base)
        with httpx.Client(base_url=base, headers={"X-API-Key": KEY}, timeout=30) as client:
            answered = sum(client.get(ROUTE).status_code == 200 for _ in range(20))
        assert answered == 20
        load.extend(threading.Thread(target=hammer, args=(base, stop)) for _ in range(4))
        for thread in load:
            thread.start()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=EXIT_BOUND_S)
    finally:
        stop.set()
        if process.poll() is None:
            process.kill()
            process.wait()
    for thread in load:
        thread.join(timeout=10)
    assert logged_rows(tmp_path) >= answered
