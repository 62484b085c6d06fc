"""The frames of the job WebSocket: what a client sends, what the server answers, and how
far a job got.

Client frames are JSON whose shape the client chooses (``JsonObject``); the rules below read the
fields they need. Server frames are TypedDicts, serialised in their key order.
"""

from __future__ import annotations

import time
from typing import Any, Literal, NotRequired, TypedDict

from scrapegate.api.params import resource_id
from scrapegate.domain.json_types import JsonObject
from scrapegate.errors import ScrapegateError

# How far a job got: a connection never sends an event that moves a job backwards.
PROGRESS = {"job.queued": 0, "job.running": 1, "job.completed": 2, "job.failed": 2}

Progress = tuple[int, str | None]


class FrameRejected(Exception):
    """A client frame answered with an ``error`` frame; the connection stays open."""

    def __init__(self, code: str, message: str, **extra: str) -> None:
        super().__init__(message)
        self.code, self.message, self.extra = code, message, extra


class MessageBudget:
    """A token bucket: ``rate`` client frames per second, bursts up to ``rate``."""

    def __init__(self, rate: float) -> None:
        self._rate = rate
        self._tokens = rate
        self._at = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self._rate, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


Timestamp = str | None  # iso(): None only for a missing time, which frames never carry


class ConnectedData(TypedDict):
    connection_id: str
    organization_id: str
    heartbeat_interval_s: int
    max_subscriptions: int


class ConnectedFrame(TypedDict):
    type: Literal["connected"]
    ts: Timestamp
    data: ConnectedData


class PongFrame(TypedDict):
    type: Literal["pong"]
    ts: Timestamp


class ErrorFrame(TypedDict):
    type: Literal["error"]
    ts: Timestamp
    data: dict[str, str]  # code, message, and the job_id or batch_id it concerns


class JobFrame(TypedDict):
    type: str  # the bus event: job.queued, job.running, job.completed, job.failed
    job_id: str
    ts: Timestamp
    data: dict[str, Any]  # the bus event's data, plus ``result`` when the client asked for it
    batch_id: NotRequired[str]


ServerFrame = ConnectedFrame | PongFrame | ErrorFrame | JobFrame


def frame_target(frame: JsonObject) -> tuple[str, str]:
    """("job_id" | "batch_id", canonical id) of a subscribe or unsubscribe frame."""
    given = [kind for kind in ("job_id", "batch_id") if frame.get(kind) is not None]
    raw = frame[given[0]] if len(given) == 1 else None
    if not isinstance(raw, str):
        raise FrameRejected("INVALID_MESSAGE", "Provide either job_id or batch_id (a string)")
    kind = given[0]
    what = "Job" if kind == "job_id" else "Batch"
    try:
        return kind, resource_id(raw, what)
    except ScrapegateError as exc:
        raise FrameRejected(exc.code, exc.detail, **{kind: raw}) from None


def moves_forward(last: Progress | None, new: Progress) -> bool:
    """Later states pass; a running job passes again only with a new tier (escalation)."""
    if last is None or new[0] > last[0]:
        return True
    return new[0] == last[0] == PROGRESS["job.running"] and new[1] != last[1]
