"""A per-scrape SOCKS5 egress proxy: Chromium connects only to addresses checked at connect time.

Chromium hands the proxy host names (not addresses), so DNS is resolved here once, every answer
is checked against the scrape's ``NetPolicy`` and the connection goes to a checked address. This
covers redirects, subresources and WebSockets, which request routing alone does not see.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket
import struct

from scrapegate.domain.netrules import (
    IPAddress,
    NetPolicy,
    address_block_reason,
    check_host,
    parse_ip_literal,
)
from scrapegate.errors import URLNotAllowed
from scrapegate.fetchers.base import FetchError
from scrapegate.fetchers.resolve import HostResolver, system_resolver

log = logging.getLogger(__name__)

_SOCKS_VERSION = 5
_REPLY_OK, _REPLY_FAILURE, _REPLY_NOT_ALLOWED = 0x00, 0x01, 0x02
_REPLY_HOST_UNREACHABLE, _REPLY_REFUSED, _REPLY_COMMAND_UNSUPPORTED = 0x04, 0x05, 0x07
_CONNECT_TIMEOUT_S = 10.0
_CHUNK = 65_536
_CLOSE_GRACE_S = 1.0
DEFAULT_TRAFFIC_CAP = 100 * 1024 * 1024


class EgressProxy:
    """Listens on loopback for one browser context. ``failures`` maps host -> cause."""

    def __init__(
        self,
        policy: NetPolicy,
        resolver: HostResolver = system_resolver,
        traffic_cap_bytes: int = DEFAULT_TRAFFIC_CAP,
    ) -> None:
        self.policy = policy
        self._resolver = resolver
        self.traffic_cap_bytes = traffic_cap_bytes
        self.bytes_received = 0
        self.failures: dict[str, str] = {}
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def traffic_exceeded(self) -> bool:
        return self.bytes_received > self.traffic_cap_bytes

    async def start(self) -> str:
        """Starts listening; returns the ``socks5://host:port`` server address for Chromium."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"socks5://127.0.0.1:{port}"

    async def aclose(self) -> None:
        """Stops listening and ends open tunnels (closing them lets their pipes finish)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        if self._tasks:
            _, pending = await asyncio.wait(list(self._tasks), timeout=_CLOSE_GRACE_S)
            for task in pending:
                task.cancel()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._writers.add(writer)
        try:
            await self._handle(reader, writer)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            log.debug("egress connection ended: %s", exc)
        except asyncio.CancelledError:
            log.debug("egress connection cancelled at shutdown")  # leaf task: nothing to unwind
        finally:
            self._writers.discard(writer)
            writer.close()
            if task is not None:
                self._tasks.discard(task)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, method_count = await reader.readexactly(2)
        await reader.readexactly(method_count)
        if version != _SOCKS_VERSION:
            return
        writer.write(b"\x05\x00")  # no authentication
        _, command, _, address_type = await reader.readexactly(4)
        host = await _read_host(reader, address_type)
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        if command != 1:
            writer.write(_reply(_REPLY_COMMAND_UNSUPPORTED))
            return
        upstream = await self._connect(host, port)
        if isinstance(upstream, int):
            writer.write(_reply(upstream))
            return
        up_reader, up_writer = upstream
        self._writers.add(up_writer)
        writer.write(_reply(_REPLY_OK))
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, count=False),
                self._pipe(up_reader, writer, count=True),
            )
        finally:
            self._writers.discard(up_writer)
            up_writer.close()

    async def _connect(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | int:
        """An open connection to a checked address, or the SOCKS reply code for the failure."""
        addresses = await self._checked_addresses(host, port)
        if isinstance(addresses, int):
            return addresses
        for address in addresses:
            try:
                return await asyncio.wait_for(
                    asyncio.open_connection(str(address), port), _CONNECT_TIMEOUT_S
                )
            except TimeoutError:
                self.failures[host] = "timeout"
            except ConnectionRefusedError:
                self.failures[host] = "connection_refused"
            except OSError:
                self.failures[host] = "connection_refused"
        return _REPLY_REFUSED

    async def _checked_addresses(self, host: str, port: int) -> list[IPAddress] | int:
        try:
            check_host(host, port, self.policy)
        except URLNotAllowed:
            return self._refuse(host)
        literal = parse_ip_literal(host)
        try:
            addresses = [literal] if literal else await self._resolver(host.rstrip("."), port)
        except FetchError:
            addresses = []
        if not addresses:
            self.failures[host] = "dns_error"
            return _REPLY_HOST_UNREACHABLE
        if any(address_block_reason(a, self.policy) for a in addresses):
            return self._refuse(host)
        return addresses

    def _refuse(self, host: str) -> int:
        self.failures[host] = "refused"
        log.info("egress refused a connection to %s", host)
        return _REPLY_NOT_ALLOWED

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, count: bool
    ) -> None:
        try:
            while chunk := await source.read(_CHUNK):
                if count:
                    self.bytes_received += len(chunk)
                    if self.traffic_exceeded:
                        log.warning("page traffic passed %d bytes; cut", self.traffic_cap_bytes)
                        break
                sink.write(chunk)
                await sink.drain()
        finally:
            with contextlib.suppress(OSError, RuntimeError):
                if sink.can_write_eof():
                    sink.write_eof()


async def _read_host(reader: asyncio.StreamReader, address_type: int) -> str:
    if address_type == 1:
        return socket.inet_ntoa(await reader.readexactly(4))
    if address_type == 3:
        (length,) = await reader.readexactly(1)
        return (await reader.readexactly(length)).decode("ascii", "replace").lower()
    if address_type == 4:
        return str(ipaddress.IPv6Address(await reader.readexactly(16)))
    raise ValueError(f"unknown SOCKS address type {address_type}")


def _reply(code: int) -> bytes:
    return bytes([_SOCKS_VERSION, code, 0, 1]) + b"\x00\x00\x00\x00\x00\x00"
