"""API throughput: cached scrapes and job-status polls at 64 connections, measured with wrk.

Starts the loopback fixture site and `scrapegate serve` (SQLite, in-process workers) in
subprocesses, primes the cache and one finished job, then runs wrk against each route.

    .venv/bin/python bench/api.py [--connections 64] [--duration 15]

wrk comes from Debian (`apt-get install wrk`); the script installs it when missing and root.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_server import free_port  # noqa: E402
from tests.site.server import FixtureSite  # noqa: E402

KEY = "sk_test_" + "B" * 32
POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = "{key}"
wrk.body = '{body}'
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("bench/api.py needs wrk: apt-get install wrk")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or sys.exit("wrk did not install")


def start_server(data_dir: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SCRAPEGATE_DATA_DIR": data_dir,
        "SCRAPEGATE_PORT": str(port),
        "SCRAPEGATE_BOOTSTRAP_API_KEY": KEY,
        "SCRAPEGATE_ALLOW_PRIVATE_NETWORKS": "true",
        "SCRAPEGATE_LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "warning"),
        "SCRAPEGATE_RATE_LIMITS__DEFAULT_RPM": "100000000",
        "SCRAPEGATE_RATE_LIMITS__JOB_POLL_PER_SECOND": "1000000",
    }
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/scrapegate"), "serve"], env=env, stdout=subprocess.DEVNULL
    )
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health/live", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    sys.exit("server did not start")


def run_wrk(
    wrk: str, url: str, lua: str | None, connections: int, duration: int
) -> dict[str, float]:
    args = [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua or f'wrk.headers["X-API-Key"] = "{KEY}"\n')
    output = subprocess.run(
        [*args, "-s", script.name, url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else -1,
        "errors": float(non2xx.group(1)) if non2xx else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=15)
    args = parser.parse_args()
    wrk = ensure_wrk()
    site = FixtureSite().start()
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        server = start_server(data, port)
        try:
            base = f"http://127.0.0.1:{port}"
            body = json.dumps({"url": site.url("/article"), "cache": True})
            headers = {"X-API-Key": KEY}
            assert (
                httpx.post(
                    f"{base}/api/v1/scrape",
                    content=body,
                    headers={**headers, "Content-Type": "application/json"},
                    timeout=60,
                ).status_code
                == 200
            )
            job = httpx.post(
                f"{base}/api/v1/scrape",
                json={"url": site.url("/article"), "sync": False},
                headers=headers,
            ).json()["job_id"]
            time.sleep(1)
            cached = run_wrk(
                wrk,
                f"{base}/api/v1/scrape",
                POST_LUA.format(key=KEY, body=body),
                args.connections,
                args.duration,
            )
            polls = run_wrk(wrk, f"{base}/api/v1/jobs/{job}", None, args.connections, args.duration)
        finally:
            server.terminate()
            server.wait(timeout=30)
            site.stop()
    print(f"{'route':<28}{'req/s':>10}{'p99 ms':>10}{'non-2xx':>10}")
    for name, row in (("cached POST /scrape", cached), ("GET /jobs/{id}", polls)):
        print(f"{name:<28}{row['rps']:>10.0f}{row['p99_ms']:>10.1f}{row['errors']:>10.0f}")


if __name__ == "__main__":
    main()
