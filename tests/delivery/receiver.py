"""A loopback HTTP/1.1 webhook receiver that plays scripted answers and records what it got."""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from dataclasses import dataclass, field
from typing import Any

from scrapegate.delivery.webhook_signing import sign_v1, sign_v2, signature_matches


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # never answer (the client must time out)
    declared_length: int | None = None  # a Content-Length the body then falls short of


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.body)
        return loaded

    def signed_by(self, secret: str) -> bool:
        """Both signature headers verify against ``secret``."""
        timestamp = int(self.headers["x-alterlab-timestamp"])
        delivery_id = self.headers["x-alterlab-delivery"]
        v1 = sign_v1(secret, self.body)
        v2 = sign_v2(secret, timestamp, delivery_id, self.body)
        return signature_matches(self.headers["x-alterlab-signature"], v1) and signature_matches(
            self.headers["x-alterlab-signature-v2"], v2
        )


_REASONS = {200: "OK", 301: "Moved Permanently", 410: "Gone", 429: "Too Many Requests"}


class Receiver:
    """Answers requests from ``script`` in order, then ``default``; records every request."""

    def __init__(self, *script: Answer, default: Answer | None = None) -> None:
        self.script = list(script)
        self.default = default or Answer()
        self.received: list[Received] = []
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[Any]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def url(self, path: str = "/hook", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    async def start(self, tls: ssl.SSLContext | None = None) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=tls)

    async def stop(self) -> None:
        for handler in list(self._handlers):
            handler.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        handler = asyncio.current_task()
        if handler is not None:
            self._handlers.add(handler)
        try:
            request = await self._read_request(reader)
            self.received.append(request)
            answer = self.script.pop(0) if self.script else self.default
            if answer.hang:
                await asyncio.Event().wait()
            writer.write(self._encode(answer))
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._handlers.discard(handler)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    @staticmethod
    async def _read_request(reader: asyncio.StreamReader) -> Received:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        return Received(method=method, path=path, headers=headers, body=body)

    @staticmethod
    def _encode(answer: Answer) -> bytes:
        reason = _REASONS.get(answer.status, "Status")
        lines = [f"HTTP/1.1 {answer.status} {reason}"]
        length = answer.declared_length or len(answer.body)
        headers = {"Content-Length": str(length), "Connection": "close"}
        headers.update(answer.headers)
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + answer.body
