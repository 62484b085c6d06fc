"""Reading a Server-Sent Events stream in tests: (id, event, data) per event."""

from __future__ import annotations

import json
from typing import Any

import httpx

Event = tuple[int, str, Any]


def read_events(
    url: str, headers: dict[str, str] | None = None, *, until: int | None = None
) -> list[Event]:
    """Events until the server closes the stream, or until ``until`` events arrived; a stream
    cut by the server going away ends the list."""
    events: list[Event] = []
    block: dict[str, str] = {}
    try:
        with httpx.stream("GET", url, headers=headers or {}, timeout=120) as stream:
            for line in stream.iter_lines():
                if line.startswith(("id:", "event:", "data:")):
                    name, _, value = line.partition(": ")
                    block[name] = value
                elif not line and "event" in block:
                    data = json.loads(block["data"]) if "data" in block else None
                    events.append((int(block["id"]), block["event"], data))
                    block = {}
                    if until is not None and len(events) >= until:
                        break
    except httpx.HTTPError:
        pass
    return events
