"""Crawl throughput and memory: scrapegate vs Scrapy + markdownify, Scrapy + trafilatura,
trafilatura's own crawler and crawl4ai's HTTP mode, on two loopback sites served by nginx.

Sites (bench/crawl_site.py): a generated 5,000-page site and a 1,000-page site built from the
WCXB dev pages (read from ../shared/corpus at run time; WCXB (Murrough-Foley, 2026), CC-BY-4.0).
Every crawler runs as its own process tree, from the same start URL, with the same concurrency,
no politeness delay, robots.txt obeyed, and converts every page to markdown. Pages/s is pages
over the time from the crawl's start to its last page; memory is the summed PSS of the crawler's
process tree sampled every 0.2 s (peak, and the value at 25/50/75/100 % of the crawl).

    .venv/bin/python bench/crawl.py [--concurrency 16] [--pages-synthetic 5000] [--pages-real 1000]
        [--crawlers ours,scrapy-markdownify,scrapy-trafilatura,trafilatura,crawl4ai]
        [--sites synthetic,realistic] [--site-cache DIR] [--json out.json]

nginx comes from Debian (installed when missing and root). crawl4ai is installed into a
throwaway virtualenv (--crawl4ai-venv), never into the project's lock file.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.crawl_site import (  # noqa: E402
    DEFAULT_CORPUS,
    Nginx,
    Site,
    build_realistic,
    build_synthetic,
    loopback_address,
)
from tests.live_server import free_port  # noqa: E402

PEERS = ("scrapy-markdownify", "scrapy-trafilatura", "trafilatura", "crawl4ai")
CRAWLERS = ("ours", *PEERS)
CRAWL4AI_INSTALL_TIMEOUT_S = 600
SAMPLE_S = 0.2
POLL_S = 1.0  # GET /crawl/{id} reads every page job: polling faster would load the server
TERMINAL = frozenset({"completed", "partial", "failed", "cancelled"})


def mib(count: int) -> float:
    return count / 2**20


def tree_pids(root: int) -> list[int]:
    """``root`` and every process descending from it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])  # the name may hold spaces
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def process_bytes(pid: int) -> int:
    """PSS of one process (shared pages split between their users), else its RSS."""
    for name, field_name in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(field_name):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return 0


class TreeSampler:
    """Samples the memory of a process tree every 0.2 s on a thread, until the block ends."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(process_bytes(pid) for pid in tree_pids(self.pid))
            if total:
                self.samples.append((time.time(), total))
            self._stop.wait(SAMPLE_S)

    def peak(self) -> int:
        return max((b for _, b in self.samples), default=0)

    def trend(self, start: float, end: float) -> list[int]:
        """The last sample at or before 25, 50, 75 and 100 % of [start, end]."""
        values = []
        for share in (0.25, 0.5, 0.75, 1.0):
            moment = start + share * (end - start)
            before = [b for t, b in self.samples if t <= moment]
            values.append(before[-1] if before else 0)
        return values


@dataclass
class Row:
    crawler: str
    pages: int = 0
    nonempty: int = 0
    errors: int = 0
    seconds: float = 0.0
    peak_bytes: int = 0
    trend_bytes: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def crawl4ai_python(venv: Path, install: bool) -> tuple[str | None, str]:
    """The python of a virtualenv that has crawl4ai, or None and the reason."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import crawl4ai"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return str(python), ""
    if not install:
        return None, "not installed (--no-crawl4ai-install)"
    try:
        subprocess.run(["uv", "venv", "-q", "-p", "3.11", str(venv)], check=True)
        subprocess.run(
            ["uv", "pip", "install", "-q", "--python", str(python), "crawl4ai"],
            check=True,
            timeout=CRAWL4AI_INSTALL_TIMEOUT_S,
            capture_output=True,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"not installed ({type(exc).__name__}: {str(exc)[:80]})"
    if subprocess.run(probe, capture_output=True).returncode != 0:
        return None, "not installed (import crawl4ai failed)"
    return str(python), ""


def run_peer(
    peer: str, python: str, site: Site, url: str, concurrency: int, work: Path, timeout_s: float
) -> Row:
    out = work / f"{peer}-{site.name}.json"
    out.unlink(missing_ok=True)
    log = work / f"{peer}-{site.name}.log"
    command = [python, str(ROOT / "bench" / "crawl_peers.py"), peer, "--start", url]
    command += ["--pages", str(site.pages), "--concurrency", str(concurrency), "--out", str(out)]
    env = {**os.environ, "CRAWL4AI_NO_CLOUD_NOTICE": "1", "PYTHONWARNINGS": "ignore"}
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
        with TreeSampler(process.pid) as sampler:
            try:
                process.wait(timeout=timeout_s)
                stopped = False
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                stopped = True
    if not out.exists():
        tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
        return Row(peer, note=f"failed (exit {process.returncode}): {tail[0][:100]}")
    tally = json.loads(out.read_text())
    row = Row(peer, tally["pages"], tally["nonempty"], tally["errors"])
    row.seconds = max(tally["last_page"] - tally["started"], 0.0)
    row.peak_bytes = sampler.peak()
    row.trend_bytes = sampler.trend(tally["started"], tally["last_page"])
    row.note = f"stopped after {timeout_s:.0f} s (partial)" if stopped else ""
    return row


def start_ours(data_dir: Path, concurrency: int) -> tuple[subprocess.Popen[bytes], str, str]:
    """`scrapegate serve` with its own SQLite data dir: (process, base URL, API key)."""
    port = free_port()
    env = {
        **os.environ,
        "SCRAPEGATE_DATA_DIR": str(data_dir),
        "SCRAPEGATE_PORT": str(port),
        "SCRAPEGATE_ALLOW_PRIVATE_NETWORKS": "true",
        "SCRAPEGATE_BILLING__ENABLED": "false",
        "SCRAPEGATE_JOBS__WORKERS": str(concurrency),
        "SCRAPEGATE_CRAWL__HOST_INTERVAL_FLOOR_S": "0",
        "SCRAPEGATE_LOG_LEVEL": "warning",
        "SCRAPEGATE_RATE_LIMITS__DEFAULT_RPM": "100000000",
        "SCRAPEGATE_RATE_LIMITS__DEFAULT_CONCURRENCY": str(max(concurrency, 20)),
        "SCRAPEGATE_RATE_LIMITS__JOB_POLL_PER_SECOND": "1000000",
    }
    binary = str(ROOT / ".venv" / "bin" / "scrapegate")
    created = subprocess.run(
        [binary, "keys", "create", "--name", "bench"], env=env, capture_output=True, text=True
    )
    if created.returncode != 0:
        raise SystemExit(f"scrapegate keys create failed: {created.stderr.strip()[-300:]}")
    key = created.stdout.strip().splitlines()[-1]
    command = [binary, "serve"]
    if os.environ.get("BENCH_CRAWL_PROFILE"):  # a cProfile dump of the server, for diagnosis
        command = [sys.executable, "-m", "cProfile", "-o", os.environ["BENCH_CRAWL_PROFILE"]]
        command += [binary, "serve"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            httpx.get(f"{base}/api/v1/health/live", timeout=1)
            return server, base, key
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("scrapegate serve did not start")


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def our_results(client: httpx.Client, crawl_id: str) -> tuple[int, Counter[str], list[str]]:
    """Pages with non-empty markdown, how many pages each tier served, and the failed pages."""
    nonempty, tiers, offset = 0, Counter[str](), 0
    failed: list[str] = []
    while offset is not None:
        params = {"include_results": "true", "offset": offset, "limit": 1000}
        view = client.get(f"/api/v1/crawl/{crawl_id}", params=params, timeout=300).json()
        for page in view.get("pages", []):
            content = (page.get("result") or {}).get("content") or {}
            markdown = content.get("markdown") if isinstance(content, dict) else content
            nonempty += bool(markdown and str(markdown).strip())
            tiers[str(page.get("tier_used"))] += 1
            if page.get("status") == "failed":
                failed.append(f"{page.get('url')} ({page.get('error_code') or page.get('error')})")
        offset = view.get("next_offset")
    return nonempty, tiers, failed


def run_ours(site: Site, url: str, concurrency: int, work: Path, timeout_s: float) -> Row:
    server, base, key = start_ours(Path(tempfile.mkdtemp(dir=work)), concurrency)
    body = {
        "url": url,
        "max_pages": site.pages,
        "max_depth": 50,
        "max_concurrency": concurrency,
        "formats": ["markdown"],
        "respect_robots": True,
    }
    try:
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60) as client:
            with TreeSampler(server.pid) as sampler:
                started = time.time()
                crawl_id = client.post("/api/v1/crawl", json=body).json()["crawl_id"]
                view = client.get(f"/api/v1/crawl/{crawl_id}").json()
                while view["status"] not in TERMINAL and time.time() - started < timeout_s:
                    time.sleep(POLL_S)
                    view = client.get(f"/api/v1/crawl/{crawl_id}").json()
                stopped = view["status"] not in TERMINAL
            # A stopped crawl is not cancelled: DELETE walks every queued page (minutes at 5k).
            ended = time.time() if stopped else parse_time(view["completed_at"])
            nonempty, tiers, failed = (
                (0, Counter[str](), []) if stopped else our_results(client, crawl_id)
            )
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl-C: cProfile still writes its dump
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    row = Row("ours", view["completed"], nonempty, view["failed"], max(ended - started, 0.0))
    row.peak_bytes, row.trend_bytes = sampler.peak(), sampler.trend(started, ended)
    row.note = f"status {view['status']}, tiers " + ",".join(f"{t}:{n}" for t, n in tiers.items())
    row.note += f", stopped after {timeout_s:.0f} s (partial)" if stopped else ""
    row.note += "".join(f"\n    failed: {page}" for page in failed[:10])
    return row


def run_site(site: Site, args: argparse.Namespace, work: Path) -> list[Row]:
    host, port = loopback_address()
    nginx = Nginx(work / f"nginx-{site.name}", site.root, host, port).start()
    rows: list[Row] = []
    try:
        for crawler in args.crawlers:
            sys.stderr.write(f"[{site.name}] {crawler} ...\n")
            if crawler == "ours":
                rows.append(run_ours(site, nginx.url, args.concurrency, work, args.timeout))
            elif crawler == "crawl4ai" and args.crawl4ai_python is None:
                rows.append(Row("crawl4ai", note=f"crawl4ai: {args.crawl4ai_reason}"))
            else:
                python = args.crawl4ai_python if crawler == "crawl4ai" else sys.executable
                rows.append(
                    run_peer(crawler, python, site, nginx.url, args.concurrency, work, args.timeout)
                )
            sys.stderr.write(f"[{site.name}] {crawler}: {format_row(rows[-1], rows[0])}\n")
    finally:
        nginx.stop()
    return rows


def format_row(row: Row, ours: Row) -> str:
    if not row.seconds:
        return f"{row.crawler:<20} {row.note}"
    ratio = row.rate / ours.rate if ours.rate else 0.0
    trend = "/".join(f"{mib(b):.0f}" for b in row.trend_bytes) or "-"
    return (
        f"{row.crawler:<20}{row.pages:>7}{row.nonempty:>8}{row.errors:>6}{row.seconds:>9.1f}"
        f"{row.rate:>9.1f}{ratio:>8.2f}{mib(row.peak_bytes):>9.0f}  {trend}"
        + (f"  {row.note}" if row.note else "")
    )


def report(site: Site, rows: list[Row], concurrency: int) -> str:
    lines = [f"{site.name} site: {site.pages} pages (index included), concurrency {concurrency}"]
    lines.append(
        f"{'crawler':<20}{'pages':>7}{'non-0':>8}{'err':>6}{'seconds':>9}{'pages/s':>9}"
        f"{'vs ours':>8}{'peak MiB':>9}  MiB at 25/50/75/100 %"
    )
    ours = next((r for r in rows if r.crawler == "ours"), Row("ours"))
    lines += [format_row(row, ours) for row in rows]
    peers = [r for r in rows if r.crawler != "ours" and r.seconds]
    if ours.rate and peers:
        best = max(peers, key=lambda r: r.rate)
        lines.append(
            f"ours / best peer ({best.crawler}): {ours.rate / best.rate:.2f}x pages/s, "
            f"peak memory {mib(ours.peak_bytes) / max(mib(best.peak_bytes), 1):.2f}x"
        )
    return "\n".join(lines)


def build_sites(args: argparse.Namespace, base: Path) -> list[Site]:
    builders: dict[str, Callable[[Path], Site]] = {
        "synthetic": lambda root: build_synthetic(root, args.pages_synthetic, args.numbered_urls),
        "realistic": lambda root: build_realistic(root, args.pages_real, args.corpus),
    }
    sizes = {"synthetic": args.pages_synthetic, "realistic": args.pages_real}
    sites = []
    for name in args.sites:
        suffix = "-numbered" if args.numbered_urls and name == "synthetic" else ""
        root = base / f"{name}-{sizes[name]}{suffix}"
        marker = root.parent / f"{root.name}.complete"
        if marker.exists():  # only with --site-cache: a finished build of the same size
            sites.append(Site(name, root, sizes[name] + 1))
            continue
        sys.stderr.write(f"building the {name} site ({sizes[name]} pages) ...\n")
        sites.append(builders[name](root))
        marker.touch()
    return sites


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pages-synthetic", type=int, default=5_000)
    parser.add_argument("--pages-real", type=int, default=1_000)
    parser.add_argument("--crawlers", default=",".join(CRAWLERS))
    parser.add_argument("--sites", default="synthetic,realistic")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--site-cache", type=Path, default=None, help="build sites here, reuse")
    parser.add_argument("--numbered-urls", action="store_true", help="/p/page-00042.html paths")
    parser.add_argument(
        "--crawl4ai-venv", type=Path, default=Path(tempfile.gettempdir()) / "bench-crawl4ai"
    )
    parser.add_argument("--no-crawl4ai-install", action="store_true")
    parser.add_argument("--timeout", type=float, default=3_600, help="seconds per peer run")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    args = parser.parse_args(argv)
    args.crawlers = [c for c in args.crawlers.split(",") if c]
    args.sites = [s for s in args.sites.split(",") if s]
    unknown = set(args.crawlers) - set(CRAWLERS) | set(args.sites) - {"synthetic", "realistic"}
    if unknown:
        parser.error(f"unknown crawler or site: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.crawl4ai_python, args.crawl4ai_reason = None, "not asked"
    if "crawl4ai" in args.crawlers:
        install = not args.no_crawl4ai_install
        args.crawl4ai_python, args.crawl4ai_reason = crawl4ai_python(args.crawl4ai_venv, install)
    load = os.getloadavg()
    results: dict[str, list[dict[str, object]]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)  # mkdtemp makes it 0700; nginx's www-data workers must traverse it
        for site in build_sites(args, args.site_cache or work / "sites"):
            rows = run_site(site, args, work)
            sys.stdout.write(report(site, rows, args.concurrency) + "\n\n")
            sys.stdout.flush()
            results[site.name] = [{**asdict(r), "pages_per_s": r.rate} for r in rows]
    after = os.getloadavg()
    sys.stdout.write(
        f"load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f} ({os.cpu_count()} cores)\n"
    )
    if args.json:
        args.json.write_text(json.dumps({"concurrency": args.concurrency, "sites": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
