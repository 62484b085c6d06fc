"""Runs the fixture app with uvicorn in a background thread on a free loopback port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import uvicorn

from tests.site.app import FixtureApp
from tests.site.request_log import RequestLog

HOST = "127.0.0.1"
START_TIMEOUT_S = 10.0


class FixtureSite:
    """A running fixture website: ``base_url``, ``url(path)``, ``requests`` and ``clear()``.

    With ``tls=(certfile, keyfile)`` it serves HTTPS (a self-signed certificate in tests).
    """

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self.requests = RequestLog()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((HOST, 0))
        self.host = HOST
        self.port: int = self._socket.getsockname()[1]
        self.base_url = f"{'https' if tls else 'http'}://{HOST}:{self.port}"
        config = uvicorn.Config(
            FixtureApp(self.requests),
            log_level="critical",
            access_log=False,
            lifespan="off",
            loop="asyncio",
            http="h11",
            timeout_graceful_shutdown=1,
            ssl_certfile=str(tls[0]) if tls else None,
            ssl_keyfile=str(tls[1]) if tls else None,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def clear(self) -> None:
        self.requests.clear()

    def start(self) -> FixtureSite:
        start_in_thread(self._server, self._thread, "the fixture website")
        return self

    def stop(self) -> None:
        stop_thread(self._server, self._thread, self._socket)


def start_in_thread(server: uvicorn.Server, thread: threading.Thread, what: str) -> None:
    """Start a uvicorn server's thread and wait until it accepts connections."""
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.01)


def stop_thread(server: uvicorn.Server, thread: threading.Thread, sock: socket.socket) -> None:
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


def self_signed_certificate(directory: Path) -> tuple[Path, Path] | None:
    """A throw-away certificate for 127.0.0.1 and localhost, or None without the openssl CLI."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key
