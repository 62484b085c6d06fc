"""Request log under load and SIGTERM: rows kept, and how long `scrapegate serve` takes to stop.

Starts the loopback fixture site and `scrapegate serve` (SQLite, in-process workers), primes
the cache, runs wrk (cached POST /scrape) and sends SIGTERM while wrk is still running. Then
it starts the server again on the same data directory (which replays any spooled rows), stops
it, and counts the request-log rows of POST /scrape answered 200 against wrk's 2xx answers.

    .venv/bin/python bench/request_log.py [--connections 64] [--duration 15] [--term-after 12]
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import KEY, POST_LUA, ensure_wrk, start_server  # noqa: E402
from tests.live_server import free_port  # noqa: E402
from tests.site.server import FixtureSite  # noqa: E402


def run_wrk_raw(wrk: str, url: str, lua: str, connections: int, duration: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    args = [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "-s", script.name, url]
    return subprocess.run(args, capture_output=True, text=True, check=False).stdout


def answered_2xx(output: str) -> int:
    total = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return int(total.group(1) if total else 0) - int(non2xx.group(1) if non2xx else 0)


def stop_timed(server: subprocess.Popen[bytes], limit_s: float = 600) -> float:
    started = time.monotonic()
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=limit_s)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    return time.monotonic() - started


def logged_scrapes(data: str) -> tuple[int, int]:
    """Rows of POST /scrape answered 200, and scrape rows (cache hits), in the request log."""
    with sqlite3.connect(Path(data) / "scrapegate.db") as db:
        requests = db.execute(
            "SELECT count(*) FROM usage_log WHERE kind = 'request' AND route = '/api/v1/scrape'"
            " AND method = 'POST' AND status_code = 200"
        ).fetchone()[0]
        scrapes = db.execute("SELECT count(*) FROM usage_log WHERE kind = 'scrape'").fetchone()[0]
    return int(requests), int(scrapes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--term-after", type=float, default=12.0)
    args = parser.parse_args()
    wrk = ensure_wrk()
    site = FixtureSite().start()
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        server = start_server(data, port)
        base = f"http://127.0.0.1:{port}"
        body = json.dumps({"url": site.url("/article"), "cache": True})
        primed = httpx.post(
            f"{base}/api/v1/scrape", content=body, timeout=60,
            headers={"X-API-Key": KEY, "Content-Type": "application/json"},
        )  # fmt: skip
        assert primed.status_code == 200, primed.text
        outputs: list[str] = []
        lua = POST_LUA.format(key=KEY, body=body)
        load = threading.Thread(
            target=lambda: outputs.append(
                run_wrk_raw(wrk, f"{base}/api/v1/scrape", lua, args.connections, args.duration)
            )
        )
        load.start()
        time.sleep(args.term_after)
        stop_s = stop_timed(server)
        load.join()
        spool = Path(data) / "request-log-spool"
        files = list(spool.glob("*.jsonl"))
        spooled = sum(len(p.read_bytes().splitlines()) for p in files)
        restarted = start_server(data, port)
        restart_stop_s = stop_timed(restarted)
        requests, scrapes = logged_scrapes(data)
        site.stop()
    served = answered_2xx(outputs[0]) + 1  # and the priming request
    print(f"SIGTERM under load -> exit: {stop_s:.1f} s (exit code {server.returncode})")
    print(f"rows spooled by the first run: {spooled} in {len(files)} file(s)")
    print(f"restart then SIGTERM (idle) -> exit: {restart_stop_s:.1f} s")
    print(f"POST /scrape answered 2xx (wrk + priming): {served}")
    print(f"request-log rows of POST /scrape 200: {requests}  (cache-hit scrape rows: {scrapes})")
    print(f"missing rows: {max(served - requests, 0)}")


if __name__ == "__main__":
    main()
