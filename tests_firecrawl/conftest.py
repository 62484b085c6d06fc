"""Starts the server stack in the project's environment and hands the client its addresses.

The stack is the one the AlterLab client suite uses (``tests/client_stack.py``, run with the
server's interpreter): this suite only differs in the client it drives.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.client_stack_process import running_stack


@pytest.fixture(scope="session")
def stack() -> Iterator[dict[str, Any]]:
    with running_stack() as info:
        if info is None:
            pytest.fail("the scrapegate test stack did not start", pytrace=False)
        yield info


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
