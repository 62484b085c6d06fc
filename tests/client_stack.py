"""Starts the fixture site and a scrapegate server for the official-client tests.

Run with the project's environment (``.venv/bin/python -m tests.client_stack``); it prints one JSON
line with the addresses and the admin key, then serves until its standard input closes. The
client tests run in their own environment (``.venv-client``) because AlterLab's client pins an
httpx that the server's environment cannot share.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.api.conftest import ADMIN_KEY, make_settings
from tests.live_server import LiveServer
from tests.site.server import FixtureSite
from tests.standins.searxng import SearxngStandin, site_results


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="scrapegate-client-") as folder:
        site = FixtureSite().start()
        searxng = SearxngStandin(site_results(site.base_url)).start()
        settings = make_settings(
            Path(folder), server={"mode": "development"}, searxng_url=searxng.url
        )
        with LiveServer(settings) as server:
            print(
                json.dumps({"api": server.url, "site": site.base_url, "key": ADMIN_KEY}), flush=True
            )
            sys.stdin.read()
        searxng.stop()
        site.stop()


if __name__ == "__main__":
    main()
