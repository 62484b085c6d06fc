"""GET /api/v1/ws/jobs against a live server: auth, subscriptions, job and batch events."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, cast

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from scrapegate.api import ws as ws_route
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import utcnow
from tests.api.conftest import ADMIN_KEY, new_key
from tests.api.distributed_leg import workers_frozen
from tests.live_server import LiveServer
from tests.site.pages import ARTICLE_SENTENCE

Frame = dict[str, Any]
PATIENCE_S = 90.0
TERMINAL = ("job.completed", "job.failed")
SOME_ID = str(uuid.uuid4())


def socket_url(server: LiveServer, query: str = "") -> str:
    return server.url.replace("http://", "ws://", 1) + "/api/v1/ws/jobs" + query


@contextmanager
def open_socket(
    server: LiveServer,
    key: str | None = ADMIN_KEY,
    *,
    query: str = "",
    subprotocols: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Iterator[ClientConnection]:
    sent_headers = dict(headers or {})
    if key is not None:
        sent_headers["X-API-Key"] = key
    with connect(
        socket_url(server, query),
        subprotocols=subprotocols,  # type: ignore[arg-type]
        additional_headers=sent_headers,
        proxy=None,
        max_size=None,
    ) as socket:
        yield socket


def receive(socket: ClientConnection, patience_s: float = PATIENCE_S) -> Frame:
    frame: Frame = json.loads(socket.recv(timeout=patience_s))
    return frame


def receive_until(socket: ClientConnection, done: Callable[[Frame], bool]) -> list[Frame]:
    frames = [receive(socket)]
    while not done(frames[-1]):
        frames.append(receive(socket))
    return frames


def send(socket: ClientConnection, frame: Frame) -> None:
    socket.send(json.dumps(frame))


def connected(socket: ClientConnection) -> Frame:
    frame = receive(socket)
    assert frame["type"] == "connected"
    return frame


def close_of(socket: ClientConnection) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        receive(socket)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


def submit(api: httpx.Client, url: str, **fields: Any) -> str:
    response = api.post("/api/v1/scrape", json={"url": url, "sync": False, **fields})
    assert response.status_code == 202, response.text
    return str(response.json()["job_id"])


def subscribe(socket: ClientConnection, job_id: str, **extra: Any) -> None:
    send(socket, {"action": "subscribe", "job_id": job_id, **extra})


@pytest.fixture(scope="module")
def paused_server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    """One worker whose pool the tests stop and start, so jobs wait exactly when they should."""
    return server_factory(jobs={"workers": 1})


@contextmanager
def pool_paused(server: LiveServer) -> Iterator[None]:
    """No job runs inside: the in-process pool is stopped, or the worker processes of the
    distributed leg are frozen (SIGSTOP), so events then cross processes through Redis."""
    pool = server.services.pool
    if pool is None:
        with workers_frozen(server):
            yield
        return
    server.call(pool.stop())
    try:
        yield
    finally:
        server.call(pool.start())


# --- authentication ---------------------------------------------------------------------------


def test_missing_key_closes_4001(server: LiveServer) -> None:
    with open_socket(server, None) as socket:
        assert close_of(socket) == (4001, "missing api key")


@pytest.mark.parametrize("where", ["query", "subprotocol", "x-api-key", "bearer"])
def test_invalid_key_closes_4001_wherever_it_is_sent(server: LiveServer, where: str) -> None:
    bad = "sk_live_" + "Z" * 32
    choices: dict[str, dict[str, Any]] = {
        "query": {"query": f"?api_key={bad}"},
        "subprotocol": {"subprotocols": [bad]},
        "x-api-key": {"headers": {"X-API-Key": bad}},
        "bearer": {"headers": {"Authorization": f"Bearer {bad}"}},
    }
    with open_socket(server, None, **choices[where]) as socket:
        assert close_of(socket) == (4001, "invalid api key")


def test_revoked_key_closes_4001_disabled(server: LiveServer) -> None:
    async def mint_and_revoke() -> str:
        minted = await server.services.keys.create_key(org_name="ws-revoked", name="ws")
        await server.services.keys.revoke(minted.key.id)
        return minted.raw

    raw = str(server.call(mint_and_revoke()))
    with open_socket(server, raw) as socket:
        assert close_of(socket) == (4001, "api key disabled")


def test_subprotocol_key_is_echoed_and_connected_frame_comes_first(server: LiveServer) -> None:
    with open_socket(server, None, subprotocols=[ADMIN_KEY]) as socket:
        assert socket.subprotocol == ADMIN_KEY
        frame = connected(socket)
    data = frame["data"]
    assert data["heartbeat_interval_s"] == 30 and data["max_subscriptions"] == 1000
    assert uuid.UUID(data["connection_id"])
    who = cast(Principal, server.call(server.services.keys.authenticate(ADMIN_KEY)))
    assert data["organization_id"] == who.org_id
    assert frame["ts"].endswith("Z")


@pytest.mark.parametrize(
    "options",
    [{"query": f"?api_key={ADMIN_KEY}"}, {"headers": {"Authorization": f"Bearer {ADMIN_KEY}"}}],
    ids=["query", "bearer"],
)
def test_query_and_bearer_keys_connect_and_ping_gets_pong(
    server: LiveServer, options: dict[str, Any]
) -> None:
    with open_socket(server, None, **options) as socket:
        connected(socket)
        send(socket, {"action": "ping"})
        pong = receive(socket)
    assert pong["type"] == "pong" and pong["ts"].endswith("Z")


def test_eleventh_connection_of_a_key_closes_4029(server: LiveServer) -> None:
    key = new_key(server, "ws-many")
    sockets = [open_socket(server, key) for _ in range(11)]
    opened = [s.__enter__() for s in sockets[:10]]
    try:
        for socket in opened:
            connected(socket)
        with sockets[10] as extra:
            assert close_of(extra) == (4029, "too many connections for this api key")
    finally:
        for context in sockets[:10]:
            context.__exit__(None, None, None)
    assert reconnects(server, key)  # closed connections give their slots back


def reconnects(server: LiveServer, key: str) -> bool:
    """A connection succeeds once the server has seen the earlier ones close."""
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        with open_socket(server, key) as socket:
            try:
                return bool(receive(socket)["type"] == "connected")
            except ConnectionClosed:
                pass  # 4029 still: the server has not finished closing the earlier ones
        time.sleep(0.05)
    return False


# --- job events -------------------------------------------------------------------------------


def test_async_job_events_arrive_in_order_with_the_result(
    paused_server: LiveServer, fixture_site: Any
) -> None:
    api = httpx.Client(base_url=paused_server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    with open_socket(paused_server) as socket:
        connected(socket)
        with pool_paused(paused_server):
            job_id = submit(api, fixture_site.url("/article?ws=order"))
            subscribe(socket, job_id, include_result=True)
            queued = receive(socket)
        # The pool runs again: the job starts and ends while the socket listens.
        frames = [queued, *receive_until(socket, lambda f: f["type"] in TERMINAL)]
    assert [f["type"] for f in frames] == ["job.queued", "job.running", "job.completed"]
    assert all(f["job_id"] == job_id and f["ts"].endswith("Z") for f in frames)
    assert queued["data"]["status"] == "pending" and queued["data"]["queue_position"] >= 1
    assert queued["data"]["url"] == fixture_site.url("/article?ws=order")
    running, completed = frames[1]["data"], frames[2]["data"]
    assert running["status"] == "running" and running["tier"] in ("1", "2", "3")
    assert completed["status"] == "completed" and completed["status_code"] == 200
    assert completed["credits_used"] > 0 and completed["tier_used"]
    assert ARTICLE_SENTENCE in completed["result"]["content"]
    assert completed["response_time_ms"] == completed["result"]["response_time_ms"]


def test_completed_event_carries_no_result_unless_asked(
    server: LiveServer, api: httpx.Client, fixture_site: Any
) -> None:
    job_id = submit(api, fixture_site.url("/article?ws=plain"))
    with open_socket(server) as socket:
        connected(socket)
        subscribe(socket, job_id)
        frames = receive_until(socket, lambda f: f["type"] in TERMINAL)
    assert frames[-1]["type"] == "job.completed"
    assert "result" not in frames[-1]["data"]
    assert frames[-1]["data"]["url"] == fixture_site.url("/article?ws=plain")


def test_failing_url_ends_with_job_failed(
    server: LiveServer, api: httpx.Client, fixture_site: Any
) -> None:
    job_id = submit(
        api, fixture_site.url("/challenge/datadome?ws=1"), cost_controls={"max_tier": "1"}
    )
    with open_socket(server) as socket:
        connected(socket)
        subscribe(socket, job_id, include_result=True)
        frames = receive_until(socket, lambda f: f["type"] in TERMINAL)
    failed = frames[-1]
    assert failed["type"] == "job.failed" and failed["job_id"] == job_id
    assert failed["data"]["status"] == "failed"
    assert failed["data"]["error_code"] == "CHALLENGE_DETECTED"
    assert isinstance(failed["data"]["error"], str) and failed["data"]["failed_at"].endswith("Z")
    assert "result" not in failed["data"]


def test_batch_subscription_gets_every_item_terminal_event(
    server: LiveServer, api: httpx.Client, fixture_site: Any
) -> None:
    accepted = api.post(
        "/api/v1/batch",
        json={
            "urls": [
                fixture_site.url("/article?ws=batch"),
                {
                    "url": fixture_site.url("/challenge/cloudflare?ws=batch"),
                    "cost_controls": {"max_tier": "1"},
                },
            ]
        },
    ).json()
    batch_id, job_ids = accepted["batch_id"], accepted["job_ids"]
    ended: dict[str, Frame] = {}
    with open_socket(server) as socket:
        connected(socket)
        send(socket, {"action": "subscribe", "batch_id": batch_id})
        while len(ended) < len(job_ids):
            frame = receive(socket)
            assert frame["batch_id"] == batch_id and frame["job_id"] in job_ids
            if frame["type"] in TERMINAL:
                assert frame["job_id"] not in ended  # each item ends once
                ended[frame["job_id"]] = frame
    assert ended[job_ids[0]]["type"] == "job.completed"
    assert ended[job_ids[1]]["type"] == "job.failed"
    assert ended[job_ids[1]]["data"]["error_code"] == "CHALLENGE_DETECTED"


def test_a_job_followed_twice_is_reported_once(
    paused_server: LiveServer, fixture_site: Any
) -> None:
    api = httpx.Client(base_url=paused_server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    with open_socket(paused_server) as socket:
        connected(socket)
        with pool_paused(paused_server):
            accepted = api.post(
                "/api/v1/batch", json={"urls": [fixture_site.url("/article?ws=twice")]}
            ).json()
            job_id = accepted["job_ids"][0]
            send(socket, {"action": "subscribe", "batch_id": accepted["batch_id"]})
            subscribe(socket, job_id, include_result=True)
            # Each subscribe answers with the current state.
            assert [receive(socket)["type"] for _ in range(2)] == ["job.queued"] * 2
        frames = receive_until(socket, lambda f: f["type"] in TERMINAL)
        send(socket, {"action": "ping"})
        frames += receive_until(socket, lambda f: f["type"] == "pong")
    # Every event was published to the job's topic and to its batch's: each arrives once.
    assert [f["type"] for f in frames] == ["job.running", "job.completed", "pong"]
    assert ARTICLE_SENTENCE in frames[1]["data"]["result"]["content"]  # the job subscription's
    assert frames[1]["batch_id"] == accepted["batch_id"]


def test_other_organizations_and_unknown_ids_are_not_found(
    server: LiveServer, api: httpx.Client, fixture_site: Any
) -> None:
    job_id = submit(api, fixture_site.url("/article?ws=owner"))
    batch_id = api.post(
        "/api/v1/batch", json={"urls": [fixture_site.url("/article?ws=ob")]}
    ).json()["batch_id"]
    stranger = new_key(server, "ws-stranger")
    unknown = str(uuid.uuid4())
    asks = [("job_id", job_id), ("batch_id", batch_id), ("job_id", unknown), ("job_id", "nope")]
    with open_socket(server, stranger) as socket:
        connected(socket)
        for kind, target in asks:
            send(socket, {"action": "subscribe", kind: target})
            error = receive(socket)
            assert error["type"] == "error", error
            assert error["data"]["code"] == "NOT_FOUND"
            assert error["data"][kind] == target


def test_expired_job_is_job_expired(paused_server: LiveServer, fixture_site: Any) -> None:
    api = httpx.Client(base_url=paused_server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    job_id = submit(api, fixture_site.url("/article?ws=expired"))
    storage = paused_server.services.storage

    async def status() -> str:
        job = await storage.jobs.get(job_id)
        return job.status if job is not None else "missing"

    deadline = time.monotonic() + PATIENCE_S
    while paused_server.call(status()) not in ("completed", "failed"):
        assert time.monotonic() < deadline, "job did not finish"
        time.sleep(0.1)
    # Expire as if the result's hour had passed (read from storage only, so no cache holds it).
    paused_server.call(storage.jobs.expire(utcnow() + timedelta(days=1), 3600))
    with open_socket(paused_server) as socket:
        connected(socket)
        subscribe(socket, job_id)
        error = receive(socket)
    assert error["type"] == "error"
    assert (error["data"]["code"], error["data"]["job_id"]) == ("JOB_EXPIRED", job_id)


def test_unsubscribe_stops_events(paused_server: LiveServer, fixture_site: Any) -> None:
    api = httpx.Client(base_url=paused_server.url, headers={"X-API-Key": ADMIN_KEY}, timeout=60)
    with open_socket(paused_server) as socket:
        connected(socket)
        with pool_paused(paused_server):
            dropped = submit(api, fixture_site.url("/article?ws=dropped"))
            watched = submit(api, fixture_site.url("/article?ws=watched"))
            for job_id in (dropped, watched):
                subscribe(socket, job_id)
                assert receive(socket)["type"] == "job.queued"
            send(socket, {"action": "unsubscribe", "job_id": dropped})
        # One worker: the dropped job runs and ends before the watched one starts.
        frames = receive_until(socket, lambda f: f["type"] in TERMINAL)
    assert {f["job_id"] for f in frames} == {watched}
    assert [f["type"] for f in frames] == ["job.running", "job.completed"]


# --- client frames ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param("not json", id="not-json"),
        pytest.param("[1, 2]", id="not-object"),
        pytest.param(json.dumps({"action": "dance"}), id="unknown-action"),
        pytest.param(json.dumps({"action": "subscribe"}), id="no-target"),
        pytest.param(json.dumps({"action": "subscribe", "job_id": "a", "batch_id": "b"}), id="two"),
        pytest.param(json.dumps({"action": "subscribe", "job_id": 7}), id="id-not-string"),
        pytest.param(
            json.dumps({"action": "subscribe", "job_id": SOME_ID, "include_result": "yes"}),
            id="include-result-not-bool",
        ),
        pytest.param(json.dumps({"action": "ping", "pad": "x" * (64 * 1024)}), id="over-64KiB"),
        pytest.param(b"\x00binary", id="binary"),
    ],
)
def test_invalid_messages_get_invalid_message(server: LiveServer, payload: str | bytes) -> None:
    with open_socket(server) as socket:
        connected(socket)
        socket.send(payload)
        error = receive(socket)
        assert error["type"] == "error"
        assert error["data"]["code"] == "INVALID_MESSAGE"
        send(socket, {"action": "ping"})  # the connection stays usable
        assert receive(socket)["type"] == "pong"


def test_more_than_20_messages_a_second_are_rate_limited(server: LiveServer) -> None:
    with open_socket(server) as socket:
        connected(socket)
        for _ in range(100):
            send(socket, {"action": "ping"})
        answers = [receive(socket) for _ in range(100)]
    kinds = [a["type"] if a["type"] == "pong" else a["data"]["code"] for a in answers]
    assert kinds.count("pong") >= 20
    assert "RATE_LIMITED" in kinds
    assert set(kinds) == {"pong", "RATE_LIMITED"}


def test_subscriptions_beyond_the_limit_are_quota_exceeded(
    server: LiveServer, api: httpx.Client, fixture_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ws_route, "MAX_SUBSCRIPTIONS", 2)
    job_ids = [submit(api, fixture_site.url(f"/article?ws=quota{n}")) for n in range(3)]
    with open_socket(server) as socket:
        connected(socket)
        for job_id in job_ids[:2]:
            subscribe(socket, job_id)
            assert receive(socket)["type"].startswith("job.")
        subscribe(socket, job_ids[2])
        refused = receive_until(socket, lambda f: f["type"] == "error")[-1]
        subscribe(socket, job_ids[0])  # renewing a subscription is not a new one
        send(socket, {"action": "ping"})
        after = receive_until(socket, lambda f: f["type"] == "pong")
    assert (refused["data"]["code"], refused["data"]["job_id"]) == ("QUOTA_EXCEEDED", job_ids[2])
    assert not [f for f in after if f["type"] == "error"]
    assert job_ids[0] in {f.get("job_id") for f in after}
