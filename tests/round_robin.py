"""A loopback TCP load balancer: each new connection goes to the next backend in turn.

The distributed API leg puts two API processes behind it, as an L4 balancer would in production,
so consecutive client connections land on different processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading

from tests.live_server import free_port


class RoundRobinProxy:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.backends: list[int] = []
        self._turn = itertools.count()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.Server | None = None

    def start(self) -> RoundRobinProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", self.port)
        )
        self._ready.set()
        self._loop.run_forever()

    def _next_backend(self) -> int:
        return self.backends[next(self._turn) % len(self.backends)]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = self._next_backend()
        # Connect from the client's own loopback address, so per-IP limits see the real client.
        client_host = writer.get_extra_info("peername")[0]
        try:
            up_reader, up_writer = await asyncio.open_connection(
                "127.0.0.1", port, local_addr=(client_host, 0)
            )
        except OSError:
            writer.close()  # the backend is down: the client sees a reset, as behind a real LB
            return
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(RuntimeError):  # the loop is closing
            sink.close()
