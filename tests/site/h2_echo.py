"""A tiny HTTPS echo server that speaks HTTP/2 when ALPN picks it (uvicorn cannot), else 1.1.

Every request gets a JSON body: the protocol used and the request headers in wire order
(pseudo-headers included), so tests can check what a tier negotiates and sends.
"""

from __future__ import annotations

import json
import socketserver
import ssl
import threading
from pathlib import Path

import h2.config
import h2.connection
import h2.events
import h2.exceptions

HOST = "127.0.0.1"


def _echo_body(protocol: str, headers: list[tuple[str, str]]) -> bytes:
    return json.dumps({"http_version": protocol, "headers": headers}).encode()


def _serve_h2(conn: ssl.SSLSocket) -> None:
    h2conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    h2conn.initiate_connection()
    conn.sendall(h2conn.data_to_send())
    received: dict[int, list[tuple[str, str]]] = {}
    while True:
        data = conn.recv(65_535)
        if not data:
            return
        for event in h2conn.receive_data(data):
            if isinstance(event, h2.events.RequestReceived) and event.stream_id is not None:
                received[event.stream_id] = [
                    (_text(name), _text(value)) for name, value in event.headers or []
                ]
            elif isinstance(event, h2.events.StreamEnded) and event.stream_id in received:
                body = _echo_body("2", received.pop(event.stream_id))
                h2conn.send_headers(
                    event.stream_id,
                    [
                        (":status", "200"),
                        ("content-type", "application/json"),
                        ("content-length", str(len(body))),
                    ],
                )
                h2conn.send_data(event.stream_id, body, end_stream=True)
        conn.sendall(h2conn.data_to_send())


def _text(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _serve_http11(conn: ssl.SSLSocket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65_535)
        if not chunk:
            return
        data += chunk
    lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
    headers = [
        (n.strip().lower(), v.strip()) for n, _, v in (line.partition(":") for line in lines)
    ]
    body = _echo_body("1.1", headers)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n".encode()
        + body
    )


class _Handler(socketserver.BaseRequestHandler):
    server: _TLSServer

    def handle(self) -> None:
        try:
            conn = self.server.tls.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            if conn.selected_alpn_protocol() == "h2":
                _serve_h2(conn)
            else:
                _serve_http11(conn)
        except (OSError, h2.exceptions.ProtocolError):
            return
        finally:
            conn.close()


class _TLSServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, tls: ssl.SSLContext) -> None:
        super().__init__((HOST, 0), _Handler)
        self.tls = tls


class H2EchoServer:
    """``url(path)`` over HTTPS; answers h2 or HTTP/1.1 as the client's ALPN allows."""

    def __init__(self, certfile: Path, keyfile: Path) -> None:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(certfile, keyfile)
        tls.set_alpn_protocols(["h2", "http/1.1"])
        self._server = _TLSServer(tls)
        self.port: int = self._server.server_address[1]
        self.base_url = f"https://{HOST}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def start(self) -> H2EchoServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
