"""Scaling of the Redis topology on this machine (issue 3): 1 vs 2 worker processes, 1 vs 2 API
processes, with PostgreSQL + Redis, billing off and no crawl politeness floor.

1. crawl of the realistic 1,000-page site (bench/crawl_site.py, served by nginx on loopback):
   pages/s from the POST being accepted to the crawl's terminal status, W=1 vs W=2 workers;
2. one POST /api/v1/batch of 500 URLs of the same site: jobs/s, W=1 vs W=2;
3. cached POST /api/v1/scrape (same body, cache hit) under wrk, 64 connections:
   requests/s and p50/p99 through `serve --workers 1` vs `serve --workers 2`.

Every W / API run gets a fresh PostgreSQL database (on the loopback cluster of scripts/pg.sh,
dropped afterwards) and a private redis-server on a free port, so it disturbs no test run.

    .venv/bin/python bench/workers.py [--concurrency 8] [--pages 1000] [--batch 500]
        [--duration 15] [--connections 64] [--workdir DIR] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import POST_LUA, ensure_wrk  # noqa: E402
from bench.cpu_split import cpu_split, snapshot, split_text  # noqa: E402
from bench.crawl import our_results  # noqa: E402
from bench.crawl_site import (  # noqa: E402
    DEFAULT_CORPUS,
    Nginx,
    build_realistic,
    loopback_address,
    page_path,
)
from tests.distributed.topology import ADMIN_KEY, SCRAPEGATE, START_TIMEOUT_S, Topology  # noqa: E402
from tests.live_server import free_port  # noqa: E402

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:54329/postgres"
TERMINAL = frozenset({"completed", "partial", "failed", "cancelled"})
POLL_S = 1.0  # status reads load every item's job row: polling faster would load the API
GOAL = 1.7


SETTINGS = {
    "billing__enabled": "false",
    "crawl__host_interval_floor_s": "0",
    "batch__max_items": "1000",
    "rate_limits__default_rpm": "100000000",
    "rate_limits__default_concurrency": "1000",
    "rate_limits__job_poll_per_second": "1000000",
}


class Stack(Topology):
    """The test suite's topology (fresh database, private Redis) with one API server of
    ``api_processes`` processes and ``workers`` worker processes of the same concurrency."""

    def __init__(self, work: Path, pg_url: str, concurrency: int) -> None:
        super().__init__(work, pg_url, **SETTINGS)
        # Its own name, so a leftover is never taken for one of the test suite's databases.
        self.db_name = f"scrapegate_bench_workers_{uuid.uuid4().hex[:8]}"
        self.database_url = make_url(pg_url).set(database=self.db_name).render_as_string(False)
        self.concurrency = concurrency

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        command, name, *rest = args
        # Workers at info for their "taking jobs" and per-job lines; the API at warning because
        # uvicorn's access log would cost it CPU under wrk.
        env = {**self.env(), "SCRAPEGATE_LOG_LEVEL": "info" if command == "worker" else "warning"}
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        return subprocess.Popen(
            [SCRAPEGATE, command, *rest], env=env, stdout=log, stderr=subprocess.STDOUT
        )

    def start_stack(self, api_processes: int, workers: int) -> Stack:
        self.start(api_processes=0, workers=0)  # the database, Redis and migrations only
        port = free_port()
        self.start_api(port, processes=api_processes)
        for index in range(workers):
            args = ("--concurrency", str(self.concurrency))
            self.workers.append(self._spawn("worker", f"w{index}", *args))
        self.wait_healthy(port)
        for index in range(workers):
            self._wait_worker_ready(index)
        return self

    def _wait_worker_ready(self, index: int) -> None:
        # Waiting for the worker's "taking jobs" line keeps its start-up out of the timings.
        path = self.workdir / f"w{index}.log"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            process = self.workers[index]
            if process is None or process.poll() is not None:
                raise SystemExit(f"worker {index} exited:\n{self.log_tail(f'w{index}')}")
            if path.exists() and "taking jobs" in path.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise SystemExit(f"worker {index} did not start:\n{self.log_tail(f'w{index}')}")

    def log_problems(self) -> Counter[str]:
        """Error lines and the exception closing each traceback, counted per log."""
        found: Counter[str] = Counter()
        for path in sorted(self.workdir.glob("*.log")):
            in_traceback = False
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith("Traceback"):
                    in_traceback = True
                elif in_traceback and line and not line.startswith((" ", "During", "The above")):
                    found[f"{path.stem}: exception {line.strip()[:160]}"] += 1
                    in_traceback = False
                if re.match(r"(ERROR|CRITICAL)\b", line):
                    # Ids and numbers vary per line; without them equal errors count together.
                    generic = re.sub(r"[0-9a-f-]{8,}|\d+", "#", line)
                    found[f"{path.stem}: {generic[:160]}"] += 1
        return found


@dataclass
class Run:
    """One measured run: ``done`` units (pages, jobs) over ``seconds``."""

    done: int = 0
    failed: int = 0
    seconds: float = 0.0
    status: str = ""
    note: str = ""

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


def _ended_at(view: dict[str, Any], polled_at: float) -> float:
    """The server's completion time when it gives one, else when the poll saw it terminal."""
    stamp = view.get("completed_at")
    return datetime.fromisoformat(stamp).timestamp() if stamp else polled_at


def wait_terminal(
    client: httpx.Client, path: str, params: dict[str, str], timeout_s: float
) -> tuple[dict[str, Any], float, bool]:
    """Polls ``path`` until a terminal status: (last view, when seen, whether it timed out)."""
    deadline = time.monotonic() + timeout_s
    view: dict[str, Any] = client.get(path, params=params).json()
    while view.get("status") not in TERMINAL and time.monotonic() < deadline:
        time.sleep(POLL_S)
        view = client.get(path, params=params).json()
    return view, time.time(), view.get("status") not in TERMINAL


def timed_run(
    client: httpx.Client, post_path: str, body: dict[str, Any], id_key: str, timeout_s: float
) -> tuple[Run, str]:
    """Submits a crawl or batch and times it from acceptance to terminal: (run, its GET path)."""
    started = time.time()
    accepted = client.post(post_path, json=body)
    if accepted.status_code >= 300:
        return Run(note=f"POST {post_path} {accepted.status_code}: {accepted.text[:200]}"), ""
    path = f"{post_path}/{accepted.json()[id_key]}"
    view, seen, stuck = wait_terminal(client, path, {"include_results": "false"}, timeout_s)
    if stuck:
        client.delete(path)
    run = Run(int(view.get("completed") or 0), int(view.get("failed") or 0))
    run.seconds = (seen if stuck else _ended_at(view, seen)) - started
    run.status = str(view.get("status"))
    run.note = f"; STUCK after {timeout_s:.0f} s: {str(view)[:300]}" if stuck else ""
    return run, path


def _tier_text(tiers: Counter[str]) -> str:
    return ",".join(f"{tier}:{count}" for tier, count in sorted(tiers.items()))


def run_crawl(stack: Stack, site_url: str, pages: int, timeout_s: float) -> Run:
    body = {
        "url": site_url,
        "max_pages": pages,
        "max_depth": 50,
        "max_concurrency": 50,
        "formats": ["markdown"],
    }
    with stack.client() as client:
        run, path = timed_run(client, "/api/v1/crawl", body, "crawl_id", timeout_s)
        if path:
            nonempty, tiers, _failed = our_results(client, path.rsplit("/", 1)[-1])
            run.note = f"{nonempty} with markdown, tiers {_tier_text(tiers)}{run.note}"
    return run


def batch_outcomes(client: httpx.Client, path: str) -> Counter[str]:
    """How many batch items each tier served, and failed items by error code."""
    outcomes: Counter[str] = Counter()
    offset: int | None = 0
    while offset is not None:
        params = {"include_results": "true", "offset": str(offset), "limit": "1000"}
        view = client.get(path, params=params, timeout=300).json()
        for item in view.get("items", []):
            if item["status"] == "failed":
                outcomes[f"failed {item.get('error_code')}"] += 1
            else:
                billing = (item.get("result") or {}).get("billing") or {}
                outcomes[str(billing.get("tier_used"))] += 1
        offset = view.get("next_offset")
    return outcomes


def run_batch(stack: Stack, urls: list[str], timeout_s: float) -> Run:
    with stack.client() as client:
        run, path = timed_run(client, "/api/v1/batch", {"urls": urls}, "batch_id", timeout_s)
        if path:
            run.note = f"tiers {_tier_text(batch_outcomes(client, path))}{run.note}"
    return run


@dataclass
class Load:
    rps: float = 0.0
    p50_ms: float = -1.0
    p99_ms: float = -1.0
    non2xx: int = 0
    socket_errors: str = ""


def _ms(output: str, percent: str) -> float:
    found = re.search(rf"{percent}%\s+([\d.]+)(us|ms|s)\b", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    return float(found.group(1)) * scale[found.group(2)] if found else -1.0


def run_cached(stack: Stack, url: str, connections: int, duration: int) -> Load:
    body = f'{{"url": "{url}", "cache": true}}'
    with stack.client() as client:
        for _ in range(2):  # the first fills the cache, the second must be a hit
            warm = client.post("/api/v1/scrape", content=body, headers=JSON_HEADERS)
            if warm.status_code != 200:
                raise SystemExit(f"warm-up scrape: {warm.status_code} {warm.text[:300]}")
        if not warm.json().get("cached"):
            raise SystemExit(f"second scrape was not a cache hit: {warm.text[:300]}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(POST_LUA.format(key=ADMIN_KEY, body=body))
    command = [ensure_wrk(), "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    output = subprocess.run(
        [*command, "-s", script.name, f"{stack.url()}/api/v1/scrape"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(script.name).unlink()
    (stack.workdir / "wrk.out").write_text(output)
    return parse_wrk(output)


def parse_wrk(output: str) -> Load:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: (.*)", output)
    return Load(
        float(rps.group(1)) if rps else 0.0,
        _ms(output, "50"),
        _ms(output, "99"),
        int(non2xx.group(1)) if non2xx else 0,
        sockets.group(1).strip() if sockets else "",
    )


JSON_HEADERS = {"Content-Type": "application/json"}


def jobs_per_worker(stack: Stack) -> str:
    """Jobs each worker finished, from arq's "←" completion lines: shows both took work."""
    counts = []
    for index in range(len(stack.workers)):
        text = (stack.workdir / f"w{index}.log").read_text(errors="replace")
        counts.append(str(text.count(" ← ")))
    return "/".join(counts)


def scale_workers(args: argparse.Namespace, work: Path, site_url: str) -> dict[int, dict[str, Any]]:
    urls = [site_url.rstrip("/") + page_path(i) for i in range(args.batch)]
    results: dict[int, dict[str, Any]] = {}
    for workers in (1, 2):
        stack = Stack(work / f"w{workers}", args.pg_url, args.concurrency)
        stack.workdir.mkdir(parents=True)
        try:
            stack.start_stack(api_processes=1, workers=workers)
            sys.stderr.write(f"W={workers}: crawl ...\n")
            before = snapshot()
            crawl = run_crawl(stack, site_url, args.pages, args.timeout)
            cpu = split_text(cpu_split(before, snapshot()), crawl.seconds)
            crawl_split = jobs_per_worker(stack)
            sys.stderr.write(f"W={workers}: crawl {crawl}\nW={workers}: batch ...\n")
            batch = run_batch(stack, urls, args.timeout)
            sys.stderr.write(f"W={workers}: batch {batch}\n")
        finally:
            stack.stop()
        results[workers] = {
            "crawl": crawl,
            "batch": batch,
            "split": f"crawl {crawl_split}, crawl+batch {jobs_per_worker(stack)}",
            "cpu": cpu,
            "problems": stack.log_problems(),
        }
    return results


def scale_api(args: argparse.Namespace, work: Path, page_url: str) -> dict[int, dict[str, Any]]:
    results: dict[int, dict[str, Any]] = {}
    for processes in (1, 2):
        stack = Stack(work / f"api{processes}", args.pg_url, args.concurrency)
        stack.workdir.mkdir(parents=True)
        try:
            stack.start_stack(api_processes=processes, workers=1)
            sys.stderr.write(f"API={processes}: wrk ...\n")
            load = run_cached(stack, page_url, args.connections, args.duration)
            sys.stderr.write(f"API={processes}: {load}\n")
        finally:
            stack.stop()
        results[processes] = {"load": load, "problems": stack.log_problems()}
    return results


def _ratio_row(name: str, one: float, two: float, goal: bool) -> str:
    ratio = two / one if one else 0.0
    verdict = (f"{'met' if ratio >= GOAL else 'NOT met'} ({GOAL}x)") if goal else ""
    return f"{name:<34}{one:>10.1f}{two:>10.1f}{ratio:>8.2f}x  {verdict}"


def summary(
    args: argparse.Namespace,
    by_workers: dict[int, dict[str, Any]],
    by_api: dict[int, dict[str, Any]],
) -> list[str]:
    c1, c2 = by_workers[1]["crawl"], by_workers[2]["crawl"]
    b1, b2 = by_workers[1]["batch"], by_workers[2]["batch"]
    l1, l2 = by_api[1]["load"], by_api[2]["load"]
    return [
        f"{'scenario':<34}{'1':>10}{'2':>10}{'2 / 1':>9}  goal",
        _ratio_row(f"crawl {args.pages} realistic, pages/s (W)", c1.rate, c2.rate, True),
        _ratio_row(f"batch {args.batch} realistic, jobs/s (W)", b1.rate, b2.rate, False),
        _ratio_row("cached scrape, req/s (API procs)", l1.rps, l2.rps, False),
        f"{'cached scrape, p50 ms':<34}{l1.p50_ms:>10.1f}{l2.p50_ms:>10.1f}",
        f"{'cached scrape, p99 ms':<34}{l1.p99_ms:>10.1f}{l2.p99_ms:>10.1f}",
    ]


def details(
    args: argparse.Namespace,
    by_workers: dict[int, dict[str, Any]],
    by_api: dict[int, dict[str, Any]],
) -> list[str]:
    lines = []
    for workers, row in by_workers.items():
        for name in ("crawl", "batch"):
            run: Run = row[name]
            lines.append(
                f"W={workers} {name}: {run.done} completed, {run.failed} failed, "
                f"{run.seconds:.1f} s, status {run.status}, {run.note}"
            )
        lines.append(f"W={workers} jobs per worker: {row['split']}")
        lines.append(f"W={workers} CPU during the crawl: {row['cpu']}")
    for processes, row in by_api.items():
        load: Load = row["load"]
        lines.append(
            f"API={processes}: {args.connections} connections, {args.duration} s, "
            f"non-2xx {load.non2xx}, socket errors {load.socket_errors or 'none'}"
        )
    problems: Counter[str] = Counter()
    labelled = [(f"W={n}", r) for n, r in by_workers.items()]
    for label, result in labelled + [(f"API={n}", r) for n, r in by_api.items()]:
        problems.update({f"{label} {k}": v for k, v in result["problems"].items()})
    lines.append(f"errors and exceptions in process logs: {sum(problems.values())}")
    return lines + [f"  {count:>5} x {line}" for line, count in problems.most_common(25)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=8, help="per worker process")
    parser.add_argument("--pages", type=int, default=1_000, help="pages of the realistic site")
    parser.add_argument("--batch", type=int, default=500, help="URLs in the batch")
    parser.add_argument("--duration", type=int, default=15, help="seconds of wrk per API run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=1_200, help="seconds per crawl/batch")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--pg-url", default=os.environ.get("SCRAPEGATE_TEST_PG_URL", DEFAULT_PG_URL)
    )
    parser.add_argument(
        "--workdir", type=Path, default=None, help="logs kept here (else a tmp dir)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    start_load = os.getloadavg()
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    sys.stderr.write(f"uptime at start: {uptime}\n")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-workers-"))
    work.chmod(0o755)  # mkdtemp makes it 0700; nginx's www-data workers must traverse it
    work.mkdir(parents=True, exist_ok=True)
    sys.stderr.write(f"logs under {work}\nbuilding the realistic site ({args.pages} pages) ...\n")
    site = build_realistic(work / "site", args.pages, args.corpus)
    if args.batch > args.pages:
        raise SystemExit("--batch cannot exceed --pages: batch URLs are pages of the site")
    host, port = loopback_address()
    nginx = Nginx(work / "nginx", site.root, host, port).start()
    try:
        by_workers = scale_workers(args, work, nginx.url)
        by_api = scale_api(args, work, nginx.url.rstrip("/") + page_path(0))
    finally:
        nginx.stop()
    end_load = os.getloadavg()
    lines = [
        f"scrapegate Redis topology, {os.cpu_count()} cores, worker --concurrency "
        f"{args.concurrency}, PostgreSQL + Redis, billing off, host floor 0",
        f"uptime at start: {uptime}",
        "load average at start {:.2f} {:.2f} {:.2f}, at end {:.2f} {:.2f} {:.2f}".format(
            *start_load, *end_load
        ),
        *summary(args, by_workers, by_api),
        "",
        *details(args, by_workers, by_api),
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
