"""A real scrapegate server on a loopback port, in a background thread, for API tests."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from types import TracebackType

import httpx
import uvicorn

from scrapegate.api.app import create_app
from scrapegate.api.services import Services
from scrapegate.config import Settings
from scrapegate.storage.protocols import Storage


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        self.port = free_port()
        # Absolute URLs the server builds (artifacts) must point at this port.
        self.settings = settings = settings.model_copy(update={"port": self.port})
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings, storage)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.loop: asyncio.AbstractEventLoop | None = None

    def _serve(self) -> None:
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._server.serve())

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v1/health/live", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if not self._thread.is_alive():
                raise RuntimeError("scrapegate test server failed to start")
            time.sleep(0.05)
        raise RuntimeError("scrapegate test server did not become ready")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)

    def call(self, coroutine: object) -> object:
        """Run a coroutine on the server's loop (to reach its services from a test)."""
        assert self.loop is not None
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)  # type: ignore[arg-type]
        return future.result(timeout=30)

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services
