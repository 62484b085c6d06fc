"""The client suites' side of ``tests.client_stack``: start it with the server's interpreter,
read its addresses, stop it. Standard library only: each client suite has its own environment."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SERVER_PYTHON = ROOT / ".venv" / "bin" / "python"


@contextmanager
def running_stack() -> Iterator[dict[str, Any] | None]:
    """The stack's addresses and key; None when it did not start."""
    env = {**os.environ, "SCRAPEGATE_ALLOW_PRIVATE_NETWORKS": "true"}
    process = subprocess.Popen(
        [str(SERVER_PYTHON), "-m", "tests.client_stack"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    line = process.stdout.readline()
    try:
        yield json.loads(line) if line else None
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
