"""GET /api/v1/ws/jobs: job state changes pushed over a WebSocket.

Events reach a connection only through the job event bus, never from in-process worker state,
so the route works unchanged once workers run in other processes (issue 3).

Keepalive: protocol-level pings and the idle close are uvicorn's (``ws_ping_interval``,
``ws_ping_timeout``); run it with 30 s and 90 s to get the spec's 30 s pings and 120 s limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

import orjson
from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from scrapegate.api.deps import SocketServices, SocketServicesDep
from scrapegate.api.ws_frames import (
    PROGRESS,
    ConnectedData,
    ConnectedFrame,
    ErrorFrame,
    FrameRejected,
    JobFrame,
    MessageBudget,
    PongFrame,
    Progress,
    ServerFrame,
    frame_target,
    moves_forward,
)
from scrapegate.domain.json_types import JsonObject
from scrapegate.domain.principal import Principal
from scrapegate.domain.records import Job, utcnow
from scrapegate.domain.timefmt import iso
from scrapegate.errors import ScrapegateError, Unauthorized
from scrapegate.jobs.job_events import (
    BusSubscription,
    Message,
    batch_topic,
    job_event,
    job_topic,
)

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["jobs"])

MAX_FRAME_BYTES = 64 * 1024
MAX_SUBSCRIPTIONS = 1_000
MAX_MESSAGES_PER_S = 20
HEARTBEAT_INTERVAL_S = 30
CLOSE_UNAUTHORIZED = 4001
CLOSE_TOO_MANY_CONNECTIONS = 4029
CLOSE_POLICY = 1008
CLOSE_INTERNAL = 1011
AUTH_REASONS = {
    "missing": "missing api key",
    "invalid": "invalid api key",
    "disabled": "api key disabled",
    "organization_suspended": "account suspended",
}


class SocketRefused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def offered_subprotocol(websocket: WebSocket) -> str | None:
    """The first subprotocol the client offered: echoed, since browsers fail without one."""
    offered: list[str] = websocket.scope.get("subprotocols") or []
    return offered[0] if offered else None


def socket_credential(websocket: WebSocket) -> str | None:
    """X-API-Key, a bearer token, ``?api_key=``, then the Sec-WebSocket-Protocol value."""
    key = websocket.headers.get("x-api-key")
    if key and key.strip():
        return key.strip()
    scheme, _, value = websocket.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return websocket.query_params.get("api_key") or offered_subprotocol(websocket)


async def socket_principal(websocket: WebSocket, services: SocketServices) -> Principal:
    ip = websocket.client.host if websocket.client else "unknown"
    if await services.failed_auth.blocked(ip):
        raise SocketRefused(CLOSE_POLICY, "too many failed authentications")
    try:
        who = await services.keys.authenticate(socket_credential(websocket))
    except Unauthorized as exc:
        await services.failed_auth.record_failure(ip)
        reason = (exc.details or {}).get("reason", "invalid")
        raise SocketRefused(
            CLOSE_UNAUTHORIZED, AUTH_REASONS.get(reason, "invalid api key")
        ) from None
    if not who.has_scope("read"):
        raise SocketRefused(CLOSE_POLICY, "api key lacks the read scope")
    return who


@router.websocket("/ws/jobs")
async def job_socket(websocket: WebSocket, services: SocketServicesDep) -> None:
    try:
        who = await socket_principal(websocket, services)
    except SocketRefused as refused:
        # Accept first: a close code sent before the handshake never reaches the client.
        await websocket.accept(subprotocol=offered_subprotocol(websocket))
        await websocket.close(refused.code, refused.reason)
        return
    await websocket.accept(subprotocol=offered_subprotocol(websocket))
    async with services.slots.hold(who.credential) as held:
        if not held:
            reason = "too many connections for this api key"
            await websocket.close(CLOSE_TOO_MANY_CONNECTIONS, reason)
            return
        async with services.events.subscribe() as subscription:
            await JobSocket(websocket, services, who, subscription).serve()


class JobSocket:
    """One connection: reads client frames and forwards bus events side by side."""

    def __init__(
        self,
        websocket: WebSocket,
        services: SocketServices,
        who: Principal,
        subscription: BusSubscription,
    ) -> None:
        self._ws = websocket
        self._services = services
        self._who = who
        self._bus = subscription
        self._jobs: dict[str, bool] = {}  # job id -> include_result
        self._batches: dict[str, tuple[bool, tuple[str, ...]]] = {}  # -> (include_result, jobs)
        self._sent: dict[str, Progress] = {}  # the last state sent per job
        self._budget = MessageBudget(MAX_MESSAGES_PER_S)
        self._send_lock = asyncio.Lock()

    async def serve(self) -> None:
        data = ConnectedData(
            connection_id=str(uuid.uuid4()),
            organization_id=self._who.org_id,
            heartbeat_interval_s=HEARTBEAT_INTERVAL_S,
            max_subscriptions=MAX_SUBSCRIPTIONS,
        )
        await self._send(ConnectedFrame(type="connected", ts=iso(utcnow()), data=data))
        tasks = {asyncio.create_task(self._read()), asyncio.create_task(self._pump())}
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
                    await task
        await self._close_after_crash(done)

    async def _close_after_crash(self, done: set[asyncio.Task[None]]) -> None:
        """A task that ended by anything but the client leaving is a bug: log it, close 1011."""
        crashes = [
            exc
            for exc in (task.exception() for task in done if not task.cancelled())
            if exc is not None and not isinstance(exc, WebSocketDisconnect)
        ]
        for exc in crashes:
            log.error("job WebSocket failed", exc_info=exc)
        if crashes and self._ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):  # the client may have gone already
                await self._ws.close(CLOSE_INTERNAL, "internal error")

    async def _read(self) -> None:
        while True:
            received = await self._ws.receive()
            if received["type"] == "websocket.disconnect":
                return
            try:
                await self._handle(received.get("text"))
            except FrameRejected as rejected:
                await self._error(rejected.code, rejected.message, **rejected.extra)

    async def _pump(self) -> None:
        while True:
            message = await self._bus.get(timeout=60.0)
            if message is not None:
                await self._forward(message)

    async def _handle(self, text: str | None) -> None:
        if not self._budget.allow():
            raise FrameRejected("RATE_LIMITED", "More than 20 messages per second")
        if text is None:
            raise FrameRejected("INVALID_MESSAGE", "Frames must be JSON text")
        if len(text.encode()) > MAX_FRAME_BYTES:
            raise FrameRejected("INVALID_MESSAGE", "Frames are limited to 64 KiB")
        try:
            frame = orjson.loads(text)
        except orjson.JSONDecodeError:
            raise FrameRejected("INVALID_MESSAGE", "Frames must be JSON objects") from None
        if not isinstance(frame, dict):
            raise FrameRejected("INVALID_MESSAGE", "Frames must be JSON objects")
        action = frame.get("action")
        if action == "ping":
            await self._send(PongFrame(type="pong", ts=iso(utcnow())))
        elif action == "subscribe":
            await self._subscribe(frame)
        elif action == "unsubscribe":
            await self._unsubscribe(frame)
        else:
            raise FrameRejected("INVALID_MESSAGE", "action must be subscribe, unsubscribe or ping")

    async def _subscribe(self, frame: JsonObject) -> None:
        kind, target = frame_target(frame)
        include_result = frame.get("include_result", False)
        if not isinstance(include_result, bool):
            raise FrameRejected("INVALID_MESSAGE", "include_result must be a boolean")
        known = target in (self._jobs if kind == "job_id" else self._batches)
        if not known and len(self._jobs) + len(self._batches) >= MAX_SUBSCRIPTIONS:
            raise FrameRejected(
                "QUOTA_EXCEEDED", "At most 1000 subscriptions per connection", **{kind: target}
            )
        if kind == "job_id":
            await self._subscribe_job(target, include_result)
        else:
            await self._subscribe_batch(target, include_result)

    async def _subscribe_job(self, job_id: str, include_result: bool) -> None:
        # Listen before reading the stored state: a change in between is then never missed.
        previous = self._jobs.get(job_id)
        self._jobs[job_id] = include_result
        self._sent.pop(job_id, None)
        await self._bus.add(job_topic(job_id))
        try:
            job = await self._services.scrapes.job_for(self._who.org_id, job_id)
        except ScrapegateError as exc:  # NOT_FOUND (unknown or another org's), JOB_EXPIRED
            if previous is None:
                self._jobs.pop(job_id, None)
                await self._bus.remove(job_topic(job_id))
            else:
                self._jobs[job_id] = previous
            raise FrameRejected(exc.code, exc.detail, job_id=job_id) from None
        position = await self._position(job)
        await self._forward(
            job_event(job, batch_id=job.origin.batch_id, queue_position=position), job
        )

    async def _subscribe_batch(self, batch_id: str, include_result: bool) -> None:
        try:
            batch = await self._services.batches.owned(self._who.org_id, batch_id)
        except ScrapegateError as exc:
            raise FrameRejected(exc.code, exc.detail, batch_id=batch_id) from None
        for job_id in batch.job_ids:
            self._sent.pop(job_id, None)
        self._batches[batch_id] = (include_result, tuple(batch.job_ids))
        await self._bus.add(batch_topic(batch_id))
        jobs = await self._services.jobs.get_many(batch.job_ids)
        pending = [job for job in jobs if job.status == "pending"]
        # One lookup: the batch's pending items queue in order behind the first of them.
        first = await self._position(pending[0]) if pending else 0
        positions = {job.id: first + index for index, job in enumerate(pending)}
        for job in jobs:
            message = job_event(job, batch_id=batch_id, queue_position=positions.get(job.id, 0))
            await self._forward(message, job)

    async def _unsubscribe(self, frame: JsonObject) -> None:
        kind, target = frame_target(frame)
        if kind == "job_id":
            if self._jobs.pop(target, None) is not None:
                await self._bus.remove(job_topic(target))
                self._sent.pop(target, None)
            return
        entry = self._batches.pop(target, None)
        if entry is not None:
            await self._bus.remove(batch_topic(target))
            for job_id in entry[1]:
                if job_id not in self._jobs:
                    self._sent.pop(job_id, None)

    async def _position(self, job: Job) -> int:
        if job.status != "pending":
            return 0
        return await self._services.jobs.queue_position(job)

    async def _forward(self, message: Message, job: Job | None = None) -> None:
        """Send an event if this connection follows the job and it moves the job forward."""
        job_id, batch_id = str(message["job_id"]), message.get("batch_id")
        direct = self._jobs.get(job_id)
        batch_entry = self._batches.get(batch_id) if batch_id else None
        via_batch = batch_entry[0] if batch_entry is not None else None
        if direct is None and via_batch is None:
            return  # left over from a subscription just removed
        progress = (PROGRESS[message["type"]], message["data"].get("tier"))
        if not moves_forward(self._sent.get(job_id), progress):
            return
        self._sent[job_id] = progress
        frame: JobFrame = {
            "type": message["type"],
            "job_id": job_id,
            "ts": message["ts"],
            "data": dict(message["data"]),
        }
        if batch_id:
            frame["batch_id"] = batch_id
        if message["type"] == "job.completed" and (direct or via_batch):
            job = job or await self._services.jobs.get(job_id)
            frame["data"]["result"] = job.result if job is not None else None
        await self._send(frame)

    async def _error(self, code: str, message: str, **extra: str) -> None:
        data = {"code": code, "message": message, **extra}
        await self._send(ErrorFrame(type="error", ts=iso(utcnow()), data=data))

    async def _send(self, frame: ServerFrame) -> None:
        async with self._send_lock:  # the reader and the pump both send
            await self._ws.send_text(orjson.dumps(frame).decode())
