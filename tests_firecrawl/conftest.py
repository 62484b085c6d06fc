"""Starts the server stack in the project's environment and hands the client its addresses.

The stack is the one the AlterLab client suite uses (``tests/client_stack.py``, run with the
server's interpreter): this suite only differs in the client it drives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER_PYTHON = ROOT / ".venv" / "bin" / "python"


@pytest.fixture(scope="session")
def stack() -> Iterator[dict[str, Any]]:
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
    if not line:
        process.wait(timeout=10)
        pytest.fail("the scrapegate test stack did not start", pytrace=False)
    info: dict[str, Any] = json.loads(line)
    yield info
    process.stdin.close()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def server(stack: dict[str, Any]) -> str:
    return str(stack["api"])


@pytest.fixture(scope="session")
def key(stack: dict[str, Any]) -> str:
    return str(stack["key"])


@pytest.fixture(scope="session")
def firecrawl(server: str, key: str) -> Any:
    from firecrawl import Firecrawl

    return Firecrawl(api_key=key, api_url=server)


@pytest.fixture(scope="session")
def site(stack: dict[str, Any]) -> str:
    return str(stack["site"])


def pytest_report_header() -> str:
    return f"official client under test: firecrawl in {sys.prefix}"
