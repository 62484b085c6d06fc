"""Starts the server stack in the project's environment and hands its addresses to the tests."""

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
def client(stack: dict[str, Any]) -> Any:
    from alterlab import AlterLabSync

    return AlterLabSync(api_key=stack["key"], base_url=stack["api"])


@pytest.fixture(scope="session")
def site(stack: dict[str, Any]) -> str:
    return str(stack["site"])


def pytest_report_header() -> str:
    return f"official client under test: alterlab in {sys.prefix}"
