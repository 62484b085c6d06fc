"""``scrapegate worker`` builds only what runs jobs: no web framework, no routes."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import scrapegate.api.worker_process
loaded = [m for m in ("fastapi", "starlette", "scrapegate.api.app", "scrapegate.api.blog",
                      "scrapegate.platform.kb", "scrapegate.platform.blog") if m in sys.modules]
print(",".join(loaded))
"""


def test_the_worker_process_loads_no_routes_and_no_web_framework() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    assert probe.stdout.strip() == ""
