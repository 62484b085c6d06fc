"""CPU seconds per kind of process over a stretch of a benchmark, read from Linux's /proc.

Where the cores go tells whether a second worker process can help: it only gets the CPU the
rest of the stack (database, API, Redis, web server, browsers) leaves over.
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
# Checked in order: the first fragment found in a process's command line names its kind.
KINDS = (
    ("scrapegate worker", "worker"),
    ("multiprocessing.forkserver", "conversion"),  # a worker's conversion pool processes
    ("scrapegate serve", "api"),
    ("chrom", "browser"),
    ("postgres", "postgresql"),
    ("redis-server", "redis"),
    ("nginx", "nginx"),
)
Snapshot = dict[int, tuple[str, float]]


def _kind(pid: str) -> str | None:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    return next((kind for fragment, kind in KINDS if fragment in command), None)


def _cpu_seconds(pid: str) -> float | None:
    """User + system time of the process and of its children it has waited for."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the command name may hold spaces
    return sum(int(value) for value in fields[11:15]) / TICKS


def snapshot() -> Snapshot:
    taken: Snapshot = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        kind = _kind(entry)
        seconds = _cpu_seconds(entry) if kind else None
        if kind and seconds is not None:
            taken[int(entry)] = (kind, seconds)
    return taken


def cpu_split(before: Snapshot, after: Snapshot) -> dict[str, float]:
    """CPU seconds each kind used between the snapshots (processes alive at the end)."""
    used: dict[str, float] = {}
    for pid, (kind, seconds) in after.items():
        start = before.get(pid, (kind, 0.0))[1]
        used[kind] = used.get(kind, 0.0) + max(seconds - start, 0.0)
    return used


def split_text(used: dict[str, float], wall_s: float) -> str:
    """``worker 120 s (0.95 cores), postgresql ...`` sorted by use."""
    parts = [
        f"{kind} {seconds:.0f} s ({seconds / wall_s:.2f} cores)"
        for kind, seconds in sorted(used.items(), key=lambda item: -item[1])
    ]
    if not parts:
        return "nothing measured"
    total = sum(used.values())
    shared = sum(used.get(kind, 0.0) for kind in ("postgresql", "redis", "api"))
    return (
        ", ".join(parts) + f"; PostgreSQL + Redis + API: {100 * shared / total:.0f}% of the total"
    )
