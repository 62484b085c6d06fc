"""MCP tests run the real API server (tests/api/conftest.py) and talk to it with the MCP SDK's
own client, over streamable HTTP and over stdio."""

from __future__ import annotations

from tests.api.conftest import api, server, server_factory  # noqa: F401  (fixtures)
