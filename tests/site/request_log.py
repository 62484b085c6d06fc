"""What the fixture site received, for assertions: (method, path, headers) per request."""

from __future__ import annotations

import threading
from collections.abc import Iterator, MutableMapping
from typing import Any, NamedTuple


class RecordedRequest(NamedTuple):
    method: str
    path: str  # with the query string when there is one
    headers: dict[str, str]  # lower-case names, repeats joined with ", "


class RequestLog:
    """Thread-safe: the server thread appends while tests read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[RecordedRequest] = []

    def record(self, scope: MutableMapping[str, Any]) -> None:
        headers: dict[str, str] = {}
        for raw_name, raw_value in scope.get("headers", []):
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        path = scope["path"]
        if scope.get("query_string"):
            path += "?" + scope["query_string"].decode("latin-1")
        with self._lock:
            self._items.append(RecordedRequest(scope["method"], path, headers))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def for_path(self, path: str) -> list[RecordedRequest]:
        """Requests whose path (without query) is ``path``."""
        return [r for r in self.snapshot() if r.path.split("?", 1)[0] == path]

    def __iter__(self) -> Iterator[RecordedRequest]:
        return iter(self.snapshot())

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __getitem__(self, index: int) -> RecordedRequest:
        with self._lock:
            return self._items[index]
