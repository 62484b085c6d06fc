"""The Chromium process tree of one pooled browser, read from /proc (Linux only)."""

from __future__ import annotations

import os
from pathlib import Path

_PROC = Path("/proc")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def find_marked_process(marker: str) -> int | None:
    """The pid of the oldest process whose command line contains ``marker``."""
    needle = marker.encode()
    found: list[int] = []
    for entry in _PROC.iterdir():
        if entry.name.isdigit() and needle in _read(entry / "cmdline"):
            found.append(int(entry.name))
    return min(found) if found else None


def _parent_of(pid: int) -> int | None:
    raw = _read(_PROC / str(pid) / "stat").decode("latin-1")
    # The command name may contain spaces and parentheses: parse after the last ")".
    fields = raw.rpartition(")")[2].split()
    return int(fields[1]) if len(fields) > 1 else None


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants that are still alive."""
    children: dict[int, list[int]] = {}
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    if not (_PROC / str(root)).exists():
        return []
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, ()))
    return tree


def rss_bytes(pid: int) -> int:
    for line in _read(_PROC / str(pid) / "status").decode("latin-1").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def pss_bytes(pid: int) -> int:
    """Proportional set size: private pages plus a fair share of shared ones (RSS if unknown)."""
    for line in _read(_PROC / str(pid) / "smaps_rollup").decode("latin-1").splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return rss_bytes(pid)


def tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and its descendants (shared pages counted once per process)."""
    return sum(rss_bytes(pid) for pid in process_tree(root))


def tree_memory_bytes(root: int) -> int:
    """Memory the tree really uses: the sum of PSS, where shared pages are not counted twice.

    Chromium's processes share most of their libraries, so summed RSS overstates a browser with
    a dozen renderers several times over."""
    return sum(pss_bytes(pid) for pid in process_tree(root))


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
