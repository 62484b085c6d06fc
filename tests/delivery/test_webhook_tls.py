"""HTTPS pinning: the connection goes to the checked address while TLS verifies the URL's name."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from scrapegate.storage.protocols import WebhookDeliveryRepository
from tests.delivery.receiver import Receiver
from tests.delivery.test_webhook_targets import HOOK_HOST, ScriptedResolver, loopback_only
from tests.delivery.test_webhooks import SECRET, make_dispatcher, send, stored

pytestmark = [
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command"),
]


def self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class TlsReceiver(Receiver):
    """A receiver that presents a certificate for ``HOOK_HOST`` and records the SNI it gets."""

    def __init__(self, cert: Path, key: Path) -> None:
        super().__init__()
        self.server_names: list[str | None] = []
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(cert, key)
        self.tls.sni_callback = self._record_sni

    def _record_sni(self, _socket: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
        self.server_names.append(name)


@pytest.fixture
async def tls_receiver(tmp_path: Path) -> AsyncIterator[TlsReceiver]:
    cert, key = self_signed(tmp_path, HOOK_HOST)
    server = TlsReceiver(cert, key)
    await server.start(server.tls)
    yield server
    await server.stop()


def trusting(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


async def test_https_connects_to_the_pinned_address_with_the_url_name(
    tls_receiver: TlsReceiver, deliveries: WebhookDeliveryRepository, tmp_path: Path
) -> None:
    dispatcher = make_dispatcher(
        deliveries,
        policy=loopback_only(tls_receiver.port),
        resolver=ScriptedResolver(["127.0.0.1"]),
        ssl_context=trusting(tmp_path / f"{HOOK_HOST}.pem"),
    )
    delivery = await send(dispatcher, tls_receiver.url(host=HOOK_HOST, scheme="https"))
    assert tls_receiver.server_names == [HOOK_HOST]
    [request] = tls_receiver.received
    assert request.headers["host"] == f"{HOOK_HOST}:{tls_receiver.port}"
    assert request.signed_by(SECRET)
    assert (await stored(deliveries, delivery.id)).status == "delivered"


async def test_certificate_is_checked_against_the_url_name(
    tls_receiver: TlsReceiver, deliveries: WebhookDeliveryRepository, tmp_path: Path
) -> None:
    dispatcher = make_dispatcher(
        deliveries,
        policy=loopback_only(tls_receiver.port),
        resolver=ScriptedResolver(["127.0.0.1"]),
        ssl_context=trusting(tmp_path / f"{HOOK_HOST}.pem"),
        sleep=_no_wait,
    )
    delivery = await send(dispatcher, tls_receiver.url(host="other.example.test", scheme="https"))
    assert tls_receiver.server_names == ["other.example.test"] * 3
    assert tls_receiver.received == []
    saved = await stored(deliveries, delivery.id)
    assert (saved.status, saved.attempts) == ("failed", 3)
    assert saved.last_error is not None and "certificate" in saved.last_error.lower()


async def _no_wait(seconds: float) -> None:
    return None
